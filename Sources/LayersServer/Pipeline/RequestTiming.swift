import Synchronization

/// Accumulates time spent waiting on the provider for one request, so the gateway can report its own overhead
/// (`x-layers-overhead-ms` = total - upstream). A reference type: steps deep in the chain record into it and
/// the outer step reads it.
public final class RequestTiming: Sendable {
    private let upstream = Mutex<Duration>(.zero)

    public init() {}

    public func addUpstream(_ d: Duration) { upstream.withLock { $0 += d } }

    public var upstreamDuration: Duration { upstream.withLock { $0 } }

    /// Measures `body` as upstream time.
    nonisolated(nonsending) public func measureUpstream<T: Sendable>(_ body: nonisolated(nonsending) () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer { addUpstream(ContinuousClock.now - start) }
        return try await body()
    }
}

extension Duration {
    /// Whole and fractional milliseconds as text with up to 3 decimals (`"0.412"`).
    var millisecondsText: String {
        let micros = components.seconds * 1_000_000 + components.attoseconds / 1_000_000_000_000
        return DecimalText.format(max(0, micros), scale: 3)
    }
}
