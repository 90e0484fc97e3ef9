/// The `ResponseBodyWriter` handed to streaming producers. Each write is framed and queued on the connection's
/// loop at once; the writer suspends only while the client is behind by more than the high-water mark.
struct ConnectionBodyWriter: ResponseBodyWriter {
    let connection: Connection
    let exchangeID: UInt64

    func write(_ bytes: [UInt8]) async throws {
        let connection = connection, id = exchangeID
        if connection.loop.inEventLoop {
            switch connection.streamWrite(bytes, id: id) {
            case .accepted: return
            case .failed(let error): throw error
            case .mustWait:
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                    connection.loop.execute { connection.waitForDrain(continuation) }
                }
            }
            return
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            connection.loop.execute {
                switch connection.streamWrite(bytes, id: id) {
                case .accepted: continuation.resume()
                case .failed(let error): continuation.resume(throwing: error)
                case .mustWait: connection.waitForDrain(continuation)
                }
            }
        }
    }
}
