import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LayersCore
import LayersCredits
import LayersGateway
import LayersHTTP
import LayersModels
import XCTest
@testable import LayersServer

/// `GatewayServer.start()` attaches the provider clients to its HTTP event loops: a live chat request over
/// loopback reaches the (LayersHTTP) fake provider through the loop that took it, unless
/// `LAYERS_UPSTREAM_ON_EVENT_LOOPS` is false.
final class UpstreamOnEventLoopsTests: XCTestCase {
    /// An OpenAI-compatible provider answering every chat completion with the same body.
    private func startFakeProvider() throws -> (HTTPServer, Int) {
        var router = Router()
        router.add(.post, "/v1/chat/completions") { _ in
            HTTPResponse.json(Array("""
                {"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-4o-mini",\
                "choices":[{"index":0,"message":{"role":"assistant","content":"hi from the fake"},\
                "finish_reason":"stop"}],"usage":{"prompt_tokens":5,"completion_tokens":4,"total_tokens":9}}
                """.utf8))
        }
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0, loopCount: 1),
                                responder: router)
        return (server, try server.start())
    }

    private func chatThroughGateway(onEventLoops: Bool) async throws -> (status: Int, body: String, onLoops: Int) {
        let (provider, providerPort) = try startFakeProvider()
        let client = UpstreamHTTPClient()
        let providers = try ProviderConfiguration.fromEnvironment([
            "OPENAI_API_KEY": "sk-test-000000", "OPENAI_BASE_URL": "http://127.0.0.1:\(providerPort)/v1"])
        var config = ServerConfiguration.testing()
        config.httpThreads = 2
        config.upstreamOnEventLoops = onEventLoops
        let store = InMemoryStore()
        let services = GatewayServices(
            configuration: config, stores: store.asStores(),
            liveBackend: ProviderBackend(router: ProviderRouter(configuration: providers, registry: .builtIn, http: client)),
            upstreamClients: [client])
        let ops = AccountOperations(stores: services.stores)
        let (user, _) = try await ops.createUser(email: "loops@example.com", name: "L", tier: "pro",
                                                 credits: MicroCredits(decimalString: "10"))
        let (key, _) = try await ops.createKey(userID: user.id, name: "live", mode: .live, project: nil,
                                               expiresAt: nil)
        let gateway = GatewayServer(services: services)
        let port = try gateway.start()

        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/v1/chat/completions")!)
        request.httpMethod = "POST"
        request.setValue("Bearer \(key.plaintext)", forHTTPHeaderField: "authorization")
        request.setValue("application/json", forHTTPHeaderField: "content-type")
        request.httpBody = Data(#"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}"#.utf8)
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        let onLoops = client.eventLoopTransferCount
        await gateway.shutdown()
        await provider.shutdown()
        client.shutdown()
        return (status, String(decoding: data, as: UTF8.self), onLoops)
    }

    func testProviderCallsRunOnTheEventLoopThatTookTheRequest() async throws {
        let result = try await chatThroughGateway(onEventLoops: true)
        XCTAssertEqual(result.status, 200, result.body)
        XCTAssertTrue(result.body.contains("hi from the fake"), result.body)
        XCTAssertEqual(result.onLoops, 1)
    }

    func testTheSettingKeepsProviderCallsOnTheClientsThread() async throws {
        let result = try await chatThroughGateway(onEventLoops: false)
        XCTAssertEqual(result.status, 200, result.body)
        XCTAssertTrue(result.body.contains("hi from the fake"), result.body)
        XCTAssertEqual(result.onLoops, 0)
    }
}
