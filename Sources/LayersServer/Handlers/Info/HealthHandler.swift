import Foundation
import LayersCore
import LayersHTTP

/// `GET /health`: no authentication; 200 when the database answers, 503 when it does not.
struct HealthHandler: Sendable {
    let services: GatewayServices

    func respond(_ request: HTTPRequest) async -> HTTPResponse {
        let start = ContinuousClock.now
        let ok = await services.databaseCheck()
        let ms = (ContinuousClock.now - start).millisecondsText
        let body: JSONValue = [
            "status": .string(ok ? "ok" : "degraded"),
            "version": .string(LayersVersion.string),
            "database": ["status": .string(ok ? "ok" : "unreachable"), "storage": .string(services.storageName),
                         "latency_ms": .decimal(ms)],
            "models": .number(JSONNumber(services.registry.count)),
            "timestamp": .string(ISO8601DateFormatter().string(from: Date())),
        ]
        return .json(body, status: ok ? .ok : .serviceUnavailable)
    }
}

/// The gateway's version.
public enum LayersVersion {
    public static let string = "v2.0.0"
}
