import Foundation
import LayersCore
import LayersHTTP

/// `GET /api/v1/chat`: the original Layers' information document (`version` starts with `v`).
struct ChatInfoHandler: Sendable {
    let services: GatewayServices

    func respond(_ request: HTTPRequest) -> HTTPResponse {
        let body: JSONValue = [
            "status": "ok",
            "version": .string(LayersVersion.string),
            "build": "layers-swift",
            "endpoints": [
                "chat": "POST /v1/chat/completions (aliases: POST /api/v1/chat, POST /api/v1/chat/completions)",
                "models": "GET /v1/models, GET /v1/models/{id}",
                "health": "GET /health",
                "balance": "GET /api/balance",
                "usage": "GET /api/usage",
                "keys": "GET /api/keys, POST /api/keys, DELETE /api/keys/{id}",
            ],
            "features": [
                "cost_breakdown": true, "streaming_billing": true, "sandbox_test_keys": true,
                "rate_limit": "token_bucket", "mirror_factory_input": false, "pricing_sync": false,
            ],
            "models": .number(JSONNumber(services.registry.count)),
            "docs": "docs/api.md",
            "timestamp": .string(ISO8601DateFormatter().string(from: Date())),
        ]
        return .json(body)
    }
}
