import LayersCore
import LayersCredits

/// The `layers` member Layers adds to every chat response (and to a stream's final usage chunk):
///
/// ```json
/// "layers": { "credits_used": 3.36, "latency_ms": 812, "test": false,
///             "cost_breakdown": { "base_cost_usd": 0.021, "margin_percent": 60, "total_cost_usd": 0.0336,
///                                 "credits_before_margin": 2.1, "margin_credits": 1.26 } }
/// ```
/// Every amount is written from its integer unit as an exact decimal literal, never through `Double`.
public struct LayersObject: Sendable, Hashable {
    public var breakdown: CostBreakdown
    /// Credits actually charged (0 for test keys); `breakdown.credits` is what the request costs.
    public var creditsCharged: MicroCredits
    public var latencyMs: Int
    public var isTest: Bool
    public var requestID: String

    public init(breakdown: CostBreakdown, creditsCharged: MicroCredits, latencyMs: Int, isTest: Bool,
                requestID: String) {
        self.breakdown = breakdown
        self.creditsCharged = creditsCharged
        self.latencyMs = latencyMs
        self.isTest = isTest
        self.requestID = requestID
    }

    /// The object as JSON.
    public var json: JSONValue {
        var breakdownObject = JSONObject()
        for (key, literal) in breakdown.fields {
            breakdownObject[key] = .number(JSONNumber(decimalLiteral: literal) ?? JSONNumber(0))
        }
        var object = JSONObject()
        object["credits_used"] = .number(JSONNumber(decimalLiteral: breakdown.credits.decimalString) ?? JSONNumber(0))
        object["credits_charged"] = .number(JSONNumber(decimalLiteral: creditsCharged.decimalString) ?? JSONNumber(0))
        object["latency_ms"] = .number(JSONNumber(max(1, latencyMs)))
        object["test"] = .bool(isTest)
        object["request_id"] = .string(requestID)
        object["cost_breakdown"] = .object(breakdownObject)
        return .object(object)
    }
}
