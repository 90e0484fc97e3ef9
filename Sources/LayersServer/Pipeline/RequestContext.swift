import Foundation
import LayersCore
import LayersCredits
import LayersHTTP
import LayersModels

/// What the pipeline knows about one request so far. Each step reads what earlier steps found and hands an
/// updated copy to the next (Hummingbird-style: the context is a value, not shared mutable state).
///
/// The large parts (the request, the principal, the model) are held in immutable boxes, so the context is a few
/// words: copying it from step to step retains a handful of references instead of copying every field of the
/// request, key and model, and the async frames of the steps that hold it stay small. Setting a part replaces
/// its box; copies made earlier keep theirs (value semantics).
public struct RequestContext: Sendable {
    private let fixed: Fixed
    private var principalBox: Frozen<Principal>?
    private var rateLimitBox: Frozen<RateLimitDecision>?
    private var modelBox: Frozen<ModelInfo>?

    public var request: HTTPRequest { fixed.request }
    public var requestID: String { fixed.request.requestID }
    /// The id the request is billed under (holds, settlement, usage row): the request id, made unique with the
    /// server's own id when the client chose it (a client that sends one `x-request-id` twice is billed twice).
    public var billingID: String { fixed.billingID }
    public var startedAt: ContinuousClock.Instant { fixed.startedAt }
    public var startedAtDate: Date { fixed.startedAtDate }
    /// Time spent waiting on things outside the gateway (the provider), to compute `x-layers-overhead-ms`.
    public var timing: RequestTiming { fixed.timing }

    /// Set by ``AuthenticateStep``.
    public var principal: Principal? {
        get { principalBox?.value }
        set { principalBox = newValue.map(Frozen.init) }
    }
    /// Set by ``RateLimitStep``.
    public var rateLimit: RateLimitDecision? {
        get { rateLimitBox?.value }
        set { rateLimitBox = newValue.map(Frozen.init) }
    }
    /// Set by ``ValidateStep``: the parsed body.
    public var body: JSONValue?
    /// Set by ``ResolveModelStep``.
    public var model: ModelInfo? {
        get { modelBox?.value }
        set { modelBox = newValue.map(Frozen.init) }
    }
    /// Set by ``ResolveModelStep``: the margin this request is priced with.
    public var margin: Margin = .default
    /// Set by ``ReserveStep``: the hold to settle exactly once.
    public var reservation: ReservationHandle?

    public init(request: HTTPRequest, now: ContinuousClock.Instant = .now, date: Date = Date()) {
        let billingID = request.serverRequestID.map { "\(request.requestID)~\($0)" } ?? request.requestID
        fixed = Fixed(request: request, billingID: billingID, startedAt: now, startedAtDate: date,
                      timing: RequestTiming())
    }

    /// The authenticated caller; steps after ``AuthenticateStep`` may rely on it.
    public func requirePrincipal() throws -> Principal {
        guard let principal = principalBox?.value else { throw LayersError.authentication(.missing) }
        return principal
    }

    /// Milliseconds since the request started.
    public var elapsedMilliseconds: Int {
        let d = ContinuousClock.now - startedAt
        return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }
}

extension RequestContext {
    /// What is known when the request arrives and never changes.
    private final class Fixed: Sendable {
        let request: HTTPRequest
        let billingID: String
        let startedAt: ContinuousClock.Instant
        let startedAtDate: Date
        let timing: RequestTiming

        init(request: HTTPRequest, billingID: String, startedAt: ContinuousClock.Instant, startedAtDate: Date,
             timing: RequestTiming) {
            self.request = request
            self.billingID = billingID
            self.startedAt = startedAt
            self.startedAtDate = startedAtDate
            self.timing = timing
        }
    }

    /// An immutable box: one reference to copy instead of every field of `Value`.
    private final class Frozen<Value: Sendable>: Sendable {
        let value: Value
        init(_ value: Value) { self.value = value }
    }
}
