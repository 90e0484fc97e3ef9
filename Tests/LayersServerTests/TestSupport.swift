import Foundation
import LayersCore
import LayersCredits
import LayersHTTP
import LayersModels
import Synchronization
import XCTest
@testable import LayersServer

/// A live backend under the test's control: fixed usage, scripted errors, streams that can fail half way.
struct FakeBackend: ChatBackend {
    var usage = TokenUsage(promptTokens: 2000, completionTokens: 1000)
    var error: LayersError?
    var midStreamError: LayersError?
    var unavailableProviders: Set<String> = []
    /// Streams: hand chunks over as `.encodedChunk` with their JSON, all buffered (as a provider's read is).
    var encodedChunks: EncodedChunks?
    enum EncodedChunks { case exact, staleModel }
    let calls = CallCounter()

    final class CallCounter: Sendable {
        private let count = Mutex(0)
        func increment() { count.withLock { $0 += 1 } }
        var value: Int { count.withLock { $0 } }
    }

    func availability(of model: ModelInfo) -> LayersError? {
        unavailableProviders.contains(model.provider.rawValue)
            ? .providerNotConfigured(provider: model.provider.rawValue, model: model.id) : nil
    }

    func complete(_ call: ChatCall) async throws -> ChatResult {
        calls.increment()
        if let error { throw error }
        var result = try await SandboxBackend().complete(call)
        result.usage = usage
        return result
    }

    func stream(_ call: ChatCall) async throws -> ChatEventStream {
        calls.increment()
        if let error { throw error }
        let inner = try await SandboxBackend().stream(call)
        let usage = self.usage, midStreamError = self.midStreamError
        if let encodedChunks {
            var events: [ChatStreamEvent] = []
            for try await event in inner {
                guard case .chunk(var chunk) = event else { events.append(.usage(usage)); continue }
                if encodedChunks == .staleModel { chunk["model"] = "upstream-name" }
                events.append(.encodedChunk(chunk, json: chunk.serializedBytes()))
            }
            return ChatEventStream(events)
        }
        return ChatEventStream(AsyncThrowingStream { continuation in
            Task {
                var sent = 0
                do {
                    for try await event in inner {
                        if case .usage = event {
                            if let midStreamError { continuation.finish(throwing: midStreamError); return }
                            continuation.yield(.usage(usage))
                        } else {
                            continuation.yield(event)
                            sent += 1
                        }
                    }
                    continuation.finish()
                } catch { continuation.finish(throwing: error) }
            }
        })
    }
}

/// Collects a streamed body.
final class CollectingWriter: ResponseBodyWriter {
    private let bytes = Mutex<[UInt8]>([])
    /// Throw `clientDisconnected` after this many writes (simulates a client going away).
    let failAfter: Int?
    private let writes = Mutex(0)

    init(failAfter: Int? = nil) { self.failAfter = failAfter }

    func write(_ data: [UInt8]) async throws {
        let n = writes.withLock { $0 += 1; return $0 }
        if let failAfter, n > failAfter { throw HTTPServerError.clientDisconnected }
        bytes.withLock { $0 += data }
    }

    var text: String { String(decoding: bytes.withLock { $0 }, as: UTF8.self) }
}

struct TestResponse {
    var status: Int
    var headers: HTTPHeaders
    var body: String
    var json: JSONValue { (try? JSONValue.parse(body)) ?? .null }
    /// `data:` payloads of an event stream.
    var events: [String] {
        body.components(separatedBy: "\n").filter { $0.hasPrefix("data: ") }.map { String($0.dropFirst(6)) }
    }
    var errorCode: String? { json["error"]?["code"]?.stringValue }
}

/// A gateway in process with in-memory stores: a user with credits, a live key and a test key.
struct TestGateway {
    let store = InMemoryStore()
    let services: GatewayServices
    let router: Router
    let user: UserID
    let liveKey: String
    let testKey: String
    let backend: FakeBackend

    static let adminToken = "admin-token-0123456789"

    static func make(credits: String = "100", backend: FakeBackend = FakeBackend(), tier: String = "pro",
                     configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TestGateway {
        var config = ServerConfiguration.testing(adminToken: adminToken)
        configure(&config)
        let store = InMemoryStore()
        let services = GatewayServices(configuration: config, stores: store.asStores(), limiter: RateLimiter(),
                                       liveBackend: backend)
        let ops = AccountOperations(stores: services.stores)
        let (user, _) = try await ops.createUser(email: "t@example.com", name: "T", tier: tier,
                                                 credits: MicroCredits(decimalString: credits))
        let (live, _) = try await ops.createKey(userID: user.id, name: "live", mode: .live, project: "proj",
                                                expiresAt: nil)
        let (test, _) = try await ops.createKey(userID: user.id, name: "test", mode: .test, project: nil,
                                                expiresAt: nil)
        return TestGateway(store: store, services: services, router: GatewayRouter.make(services), user: user.id,
                           liveKey: live.plaintext, testKey: test.plaintext, backend: backend)
    }

    private init(store: InMemoryStore, services: GatewayServices, router: Router, user: UserID, liveKey: String,
                 testKey: String, backend: FakeBackend) {
        self.services = services
        self.router = router
        self.user = user
        self.liveKey = liveKey
        self.testKey = testKey
        self.backend = backend
        _ = store
    }

    func send(_ method: HTTPMethod, _ path: String, body: String? = nil, key: String? = nil,
              headers extra: [(String, String)] = [], writer: CollectingWriter = CollectingWriter()) async -> TestResponse {
        var headers = HTTPHeaders()
        if let key { headers.add(name: "authorization", value: "Bearer \(key)") }
        if body != nil { headers.add(name: "content-type", value: "application/json") }
        for (n, v) in extra { headers.add(name: n, value: v) }
        let request = HTTPRequest(method: method, target: path, headers: headers, body: Array((body ?? "").utf8),
                                  remoteAddress: "127.0.0.1:5555", requestID: "req_" + UUID().uuidString)
        let response = await router.respond(to: request)
        switch response.body {
        case .bytes(let b):
            return TestResponse(status: response.status.code, headers: response.headers,
                                body: String(decoding: b, as: UTF8.self))
        case .stream(let produce):
            try? await produce(writer)
            return TestResponse(status: response.status.code, headers: response.headers, body: writer.text)
        }
    }

    func chat(_ body: String, key: String? = nil, writer: CollectingWriter = CollectingWriter()) async -> TestResponse {
        await send(.post, "/v1/chat/completions", body: body, key: key ?? liveKey, writer: writer)
    }

    func account() async throws -> CreditAccount {
        try await services.stores.accounts.creditAccount(userID: user)!
    }

    func usageRows() async throws -> [UsageRecord] {
        var q = UsageQuery.lastDays(1, userID: user, now: Date().addingTimeInterval(5))
        q.includeTest = true
        return try await services.stores.usage.recentUsage(q, limit: 100)
    }
}
