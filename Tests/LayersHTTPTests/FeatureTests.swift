import XCTest
@testable import LayersHTTP

/// Router, middleware, request ids, access log, completion hook, CORS and header hygiene, end to end.
final class FeatureTests: XCTestCase {
    func testRouterParametersNotFoundAndMethodNotAllowed() async throws {
        let server = try TestServer(responder: testRouter())
        let client = try server.client()
        client.send("GET /users/42/posts/hello%20world HTTP/1.1\r\nHost: t\r\n\r\n")
        XCTAssertEqual(try client.readResponse().bodyText, "42/hello world")
        client.send("GET /missing HTTP/1.1\r\nHost: t\r\n\r\n")
        let missing = try client.readResponse()
        XCTAssertEqual(missing.status, 404)
        XCTAssertTrue(missing.bodyText.contains("\"code\":\"not_found\""))
        client.send("DELETE /health HTTP/1.1\r\nHost: t\r\n\r\n")
        let notAllowed = try client.readResponse()
        XCTAssertEqual(notAllowed.status, 405)
        XCTAssertEqual(notAllowed.header("allow"), "GET, HEAD, OPTIONS")
        client.send("OPTIONS /health HTTP/1.1\r\nHost: t\r\n\r\n")
        let options = try client.readResponse()
        XCTAssertEqual(options.status, 204)
        XCTAssertEqual(options.header("allow"), "GET, HEAD, OPTIONS")
        await server.stop()
    }

    func testLiteralRoutesKeepFirstMatchWinsAndPathNormalisation() async {
        var router = Router()
        router.add(.get, "/users/:id") { request in .text("param " + (request.pathParameters["id"] ?? "")) }
        router.add(.get, "/users/me") { _ in .text("literal me") }  // shadowed by the earlier pattern
        router.add(.get, "/health") { _ in .text("first health") }
        router.add(.get, "/health") { _ in .text("second health") }
        router.add(.post, "/health") { _ in .text("post health") }
        router.add(.get, "/") { _ in .text("root") }
        func body(_ method: HTTPMethod, _ target: String) async -> String {
            let response = await router.respond(to: HTTPRequest(method: method, target: target))
            guard case .bytes(let bytes) = response.body else { return "stream" }
            return "\(response.status.code) " + String(decoding: bytes, as: UTF8.self)
        }
        let users = await body(.get, "/users/me")
        XCTAssertEqual(users, "200 param me")
        let health = await body(.get, "/health")
        XCTAssertEqual(health, "200 first health")
        let post = await body(.post, "/health")
        XCTAssertEqual(post, "200 post health")
        let slashes = await body(.get, "//health/")
        XCTAssertEqual(slashes, "200 first health")
        let query = await body(.get, "/health?x=1")
        XCTAssertEqual(query, "200 first health")
        let head = await body(.head, "/health")
        XCTAssertEqual(head, "200 first health")
        let root = await body(.get, "/")
        XCTAssertEqual(root, "200 root")
        let wrongMethod = await router.respond(to: HTTPRequest(method: .delete, target: "/health"))
        XCTAssertEqual(wrongMethod.status.code, 405)
    }

    func testMiddlewareWrapsRoutesInOrder() async throws {
        var router = testRouter()
        router.use(ClosureMiddleware { request, next in
            var response = await next(request)
            response.headers.add(name: "x-trace", value: "outer")
            return response
        })
        router.use(ClosureMiddleware { request, next in
            if request.headers["authorization"] == nil { return .error(.unauthorized, message: "no key") }
            var response = await next(request)
            response.headers.add(name: "x-trace", value: "inner")
            return response
        })
        let server = try TestServer(responder: router)
        let client = try server.client()
        client.send("GET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        let denied = try client.readResponse()
        XCTAssertEqual(denied.status, 401)
        XCTAssertEqual(denied.headers.filter { $0.0 == "x-trace" }.map(\.1), ["outer"])
        client.send("GET /health HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer k\r\n\r\n")
        let allowed = try client.readResponse()
        XCTAssertEqual(allowed.status, 200)
        XCTAssertEqual(allowed.headers.filter { $0.0 == "x-trace" }.map(\.1), ["inner", "outer"])
        await server.stop()
    }

    func testRequestIDsAreHonouredWhenSaneAndGeneratedOtherwise() async throws {
        let server = try TestServer(responder: testRouter())
        let client = try server.client()
        client.send("GET /id HTTP/1.1\r\nHost: t\r\nX-Request-ID: abc-123_x.y:z\r\n\r\n")
        let honoured = try client.readResponse()
        XCTAssertEqual(honoured.bodyText, "abc-123_x.y:z")
        XCTAssertEqual(honoured.header("x-request-id"), "abc-123_x.y:z")
        for bad in ["has space", String(repeating: "a", count: 129), "semi;colon", ""] {
            client.send("GET /id HTTP/1.1\r\nHost: t\r\nX-Request-ID: \(bad)\r\n\r\n")
            let replaced = try client.readResponse()
            XCTAssertNotEqual(replaced.bodyText, bad)
            XCTAssertFalse(replaced.bodyText.isEmpty)
            XCTAssertEqual(replaced.header("x-request-id"), replaced.bodyText)
        }
        client.send("GET /id HTTP/1.1\r\nHost: t\r\n\r\nGET /id HTTP/1.1\r\nHost: t\r\n\r\n")
        let first = try client.readResponse().bodyText, second = try client.readResponse().bodyText
        XCTAssertNotEqual(first, second)
        await server.stop()
    }

    func testAccessLogAndCompletionHook() async throws {
        let log = Recorder<AccessLogEntry>()
        let completions = Recorder<HTTPResponseCompletion>()
        var router = testRouter()
        router.add(.post, "/hooked") { request in
            var response = HTTPResponse.text("done")
            response.headers["x-layers-overhead-ms"] = "1"
            response.onComplete = { completions.append($0) }
            return response
        }
        let server = try TestServer({ $0.accessLog = { log.append($0) } }, responder: router)
        let client = try server.client()
        client.send("POST /hooked?key=secret HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer sk-very-secret\r\nContent-Length: 2\r\n\r\nhi")
        let response = try client.readResponse()
        XCTAssertEqual(response.header("x-layers-overhead-ms"), "1")
        let logged = await log.wait { !$0.isEmpty }
        XCTAssertTrue(logged)
        let entry = try XCTUnwrap(log.all.first)
        XCTAssertEqual(entry.method, .post)
        XCTAssertEqual(entry.path, "/hooked")
        XCTAssertEqual(entry.status.code, 200)
        XCTAssertEqual(entry.bodyBytes, 4)
        XCTAssertTrue(entry.completed)
        XCTAssertEqual(entry.requestID, response.header("x-request-id"))
        XCTAssertFalse(entry.line.contains("secret"))
        XCTAssertTrue(entry.line.contains("\"POST /hooked\" 200 4"), entry.line)
        let completed = await completions.wait { !$0.isEmpty }
        XCTAssertTrue(completed)
        XCTAssertEqual(completions.all.first?.bodyBytes, 4)
        XCTAssertEqual(completions.all.first?.status.code, 200)
        await server.stop()
    }

    func testRefusedRequestsAreLoggedWithTheirMethodAndPath() async throws {
        let log = Recorder<AccessLogEntry>()
        let server = try TestServer({
            $0.accessLog = { log.append($0) }
            $0.maxBodyBytes = 16
        }, responder: testRouter())
        let client = try server.client()
        client.send("POST /upload?token=secret HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.status, 413)
        let logged = await log.wait { !$0.isEmpty }
        XCTAssertTrue(logged)
        let entry = try XCTUnwrap(log.all.first)
        XCTAssertEqual(entry.method, .post)
        XCTAssertEqual(entry.path, "/upload", "the path, never the query")
        XCTAssertEqual(entry.status.code, 413)
        XCTAssertFalse(entry.line.contains("secret"))
        await server.stop()
    }

    func testAbortedStreamIsLoggedAsIncomplete() async throws {
        let log = Recorder<AccessLogEntry>()
        var router = testRouter()
        router.add(.get, "/endless") { _ in
            .eventStream { writer in
                while true {
                    try await writer.writeEvent(data: "x")
                    try await Task.sleep(for: .milliseconds(2))
                }
            }
        }
        let server = try TestServer({ $0.accessLog = { log.append($0) } }, responder: router)
        let client = try server.client()
        client.send("GET /endless HTTP/1.1\r\nHost: t\r\n\r\n")
        _ = try client.readUntil("data: x\n\n")
        client.closeNow()
        let logged = await log.wait { !$0.isEmpty }
        XCTAssertTrue(logged)
        XCTAssertEqual(log.all.first?.completed, false)
        XCTAssertEqual(log.all.first?.status.code, 200)
        await server.stop()
    }

    func testCORSAllowlist() async throws {
        let server = try TestServer({
            $0.cors = CORSPolicy(allowedOrigins: ["https://app.example"])
        }, responder: testRouter())
        let client = try server.client()
        client.send("OPTIONS /echo HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example\r\nAccess-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: Authorization, Content-Type, X-Evil\r\n\r\n")
        let preflight = try client.readResponse()
        XCTAssertEqual(preflight.status, 204)
        XCTAssertEqual(preflight.header("access-control-allow-origin"), "https://app.example")
        XCTAssertEqual(preflight.header("access-control-allow-headers"), "authorization, content-type")
        XCTAssertNotNil(preflight.header("access-control-allow-methods"))
        client.send("OPTIONS /echo HTTP/1.1\r\nHost: t\r\nOrigin: https://evil.example\r\nAccess-Control-Request-Method: POST\r\n\r\n")
        let rejected = try client.readResponse()
        XCTAssertEqual(rejected.status, 403)
        XCTAssertNil(rejected.header("access-control-allow-origin"))
        client.send("GET /health HTTP/1.1\r\nHost: t\r\nOrigin: https://app.example\r\n\r\n")
        let simple = try client.readResponse()
        XCTAssertEqual(simple.header("access-control-allow-origin"), "https://app.example")
        XCTAssertEqual(simple.header("access-control-expose-headers"), "x-request-id")
        client.send("GET /health HTTP/1.1\r\nHost: t\r\nOrigin: https://evil.example\r\n\r\n")
        XCTAssertNil(try client.readResponse().header("access-control-allow-origin"))
        await server.stop()
    }

    func testHandlerHeadersCannotSplitTheResponseOrOverrideFraming() async throws {
        var router = testRouter()
        router.add(.get, "/evil") { _ in
            HTTPResponse(status: .ok, headers: [
                "x-injected": "a\r\nSet-Cookie: pwned=1",
                "bad name": "v",
                "content-length": "999",
                "transfer-encoding": "chunked",
                "x-fine": "yes",
            ], body: .bytes(Array("body".utf8)))
        }
        let server = try TestServer(responder: router)
        let client = try server.client()
        client.send("GET /evil HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n")
        let response = try client.readResponse()
        XCTAssertEqual(response.bodyText, "body")
        XCTAssertEqual(response.header("content-length"), "4")
        XCTAssertNil(response.header("set-cookie"))
        XCTAssertNil(response.header("x-injected"))
        XCTAssertNil(response.header("transfer-encoding"))
        XCTAssertEqual(response.header("x-fine"), "yes")
        XCTAssertEqual(try client.readResponse().bodyText, "ok")
        await server.stop()
    }
}
