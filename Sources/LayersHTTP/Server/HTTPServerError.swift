/// Errors a streaming `ResponseBodyWriter.write` throws, and server start-up errors.
public enum HTTPServerError: Error, Sendable, Hashable {
    /// The client closed the connection (or it broke); the handler's task is cancelled too.
    case clientDisconnected
    /// The client stopped reading for longer than `writeStallTimeout`.
    case writeStalled
    /// The shutdown deadline passed.
    case shuttingDown
    /// A fixed-length stream (handler-set `Content-Length`) was given more bytes than declared.
    case bodyLengthExceeded
    /// The server was already started.
    case alreadyStarted
}
