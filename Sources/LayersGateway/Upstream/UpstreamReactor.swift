/// An event loop the upstream client can run its I/O on, instead of its own thread: calls made on the loop's
/// thread then cost no thread hand-off on the way out or back. LayersServer adapts the HTTP server's loops
/// (`IOLoop`) to it; ``UpstreamHTTPClient/attach(to:)`` takes them.
///
/// `isCurrent`, `execute` and `makeTimer` may be called from any thread; the rest only on the loop's thread.
public protocol UpstreamReactor: Sendable {
    /// Whether the calling thread is the loop's thread.
    var isCurrent: Bool { get }
    /// Runs `task` on the loop's thread, later (never inline).
    func execute(_ task: @escaping @Sendable () -> Void)
    /// Watches the non-blocking descriptor `fd` for `interest` (adds it, or changes its interest);
    /// `handler` runs on the loop with its readiness, level-triggered.
    func watch(_ fd: Int32, for interest: UpstreamReadiness, handler: @escaping (UpstreamReadiness) -> Void)
    /// Stops watching `fd`.
    func unwatch(_ fd: Int32)
    /// A one-shot timer whose `fire` runs on the loop.
    func makeTimer(_ fire: @escaping () -> Void) -> any UpstreamReactorTimer
    /// Runs `handler` on the loop when it stops, before its thread exits.
    func onStop(_ handler: @escaping () -> Void)
}

/// A one-shot timer of an ``UpstreamReactor``, used on its loop's thread only.
public protocol UpstreamReactorTimer {
    /// Fires once after `nanoseconds` (again: moves it).
    func schedule(afterNanoseconds nanoseconds: UInt64)
    /// Unschedules it.
    func cancel()
}

/// What a watched descriptor is ready for, or is watched for.
public struct UpstreamReadiness: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let readable = UpstreamReadiness(rawValue: 1)
    public static let writable = UpstreamReadiness(rawValue: 2)
    /// An error or hang-up.
    public static let error = UpstreamReadiness(rawValue: 4)
}
