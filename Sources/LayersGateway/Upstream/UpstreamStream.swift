/// A response whose body arrives as it is received.
///
/// `status` and `headers` are known when `UpstreamHTTPClient.stream(_:)` returns. Iterate `body` for the byte
/// chunks. Buffering is bounded: when the consumer falls behind by the client's high-water mark the transfer
/// is paused and resumed once the consumer has caught up. Cancelling the consuming task, calling `cancel()`, or
/// dropping the last reference to the stream before the end aborts the transfer at once.
public struct UpstreamStream: Sendable {
    public let status: Int
    public let headers: UpstreamHeaders
    public let httpVersion: Int
    public let body: Body
    let handle: Handle

    init(head: CurlTransfer.Head, transfer: CurlTransfer) {
        status = head.status
        headers = head.headers
        httpVersion = head.httpVersion
        handle = Handle(transfer)
        body = Body(handle: handle)
    }

    /// Aborts the transfer.
    public func cancel() { handle.transfer.cancel() }

    /// Reads the rest of the body into memory (for error responses), up to `limit` bytes.
    public func collect(limit: Int = 8 << 20) async throws -> [UInt8] {
        var bytes: [UInt8] = []
        for try await chunk in body {
            bytes.append(contentsOf: chunk)
            if bytes.count > limit {
                cancel()
                throw UpstreamError.responseTooLarge(host: handle.transfer.host, limit: limit)
            }
        }
        return bytes
    }

    /// Cancels the transfer when the last copy of the stream goes away.
    final class Handle: Sendable {
        let transfer: CurlTransfer
        init(_ transfer: CurlTransfer) { self.transfer = transfer }
        deinit { transfer.cancel() }
    }

    /// The body as an `AsyncSequence` of byte chunks, in arrival order.
    public struct Body: AsyncSequence, Sendable {
        public typealias Element = [UInt8]
        let handle: Handle

        public func makeAsyncIterator() -> Iterator { Iterator(handle: handle) }

        public struct Iterator: AsyncIteratorProtocol {
            let handle: Handle
            nonisolated(nonsending) public mutating func next() async throws -> [UInt8]? {
                try await handle.transfer.nextChunk()
            }
        }
    }
}
