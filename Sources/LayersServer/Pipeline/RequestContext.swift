import Foundation
import LayersCore
import LayersCredits
import LayersHTTP
import LayersModels

/// What the pipeline knows about one request so far. Each step reads what earlier steps found and hands an
/// updated copy to the next (Hummingbird-style: the context is a value, not shared mutable state).
public struct RequestContext: Sendable {
    public let request: HTTPRequest
    public var requestID: String { request.requestID }
    /// The id the request is billed under (holds, settlement, usage row): the request id, made unique with the
    /// server's own id when the client chose it (a client that sends one `x-request-id` twice is billed twice).
    public let billingID: String
    public let startedAt: ContinuousClock.Instant
    public let startedAtDate: Date
    /// Time spent waiting on things outside the gateway (the provider), to compute `x-layers-overhead-ms`.
    public let timing: RequestTiming

    /// Set by ``AuthenticateStep``.
    public var principal: Principal?
    /// Set by ``RateLimitStep``.
    public var rateLimit: RateLimitDecision?
    /// Set by ``ValidateStep``: the parsed body.
    public var body: JSONValue?
    /// Set by ``ResolveModelStep``.
    public var model: ModelInfo?
    /// Set by ``ResolveModelStep``: the margin this request is priced with.
    public var margin: Margin = .default
    /// Set by ``ReserveStep``: the hold to settle exactly once.
    public var reservation: ReservationHandle?

    public init(request: HTTPRequest, now: ContinuousClock.Instant = .now, date: Date = Date()) {
        self.request = request
        self.billingID = request.serverRequestID.map { "\(request.requestID)~\($0)" } ?? request.requestID
        self.startedAt = now
        self.startedAtDate = date
        self.timing = RequestTiming()
    }

    /// The authenticated caller; steps after ``AuthenticateStep`` may rely on it.
    public func requirePrincipal() throws -> Principal {
        guard let principal else { throw LayersError.authentication(.missing) }
        return principal
    }

    /// Milliseconds since the request started.
    public var elapsedMilliseconds: Int {
        let d = ContinuousClock.now - startedAt
        return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
    }
}
