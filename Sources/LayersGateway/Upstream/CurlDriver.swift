/// What runs a `CurlMulti` for its transfers: a `CurlLoop` (a thread of its own) or a `CurlReactorLoop` (an
/// event loop's thread). Transfers reach it for their commands.
protocol CurlDriver: AnyObject, Sendable {
    /// Starts `transfer`.
    func submit(_ transfer: CurlTransfer)
    /// Aborts `transfer` (any thread).
    func requestCancel(_ transfer: CurlTransfer)
    /// Unpauses `transfer`, whose consumer caught up (any thread).
    func requestResume(_ transfer: CurlTransfer)
    /// `transfer` saw its first byte, so its idle deadline applies. Driver thread only (curl callbacks).
    func firstByteArrived(_ transfer: CurlTransfer)
}
