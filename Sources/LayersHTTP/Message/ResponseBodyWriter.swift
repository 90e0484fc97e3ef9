/// Where a streaming response body is written.
///
/// `write` hands the bytes to the connection at once (they leave as soon as the socket accepts them) and
/// suspends while more than the configured high-water mark is waiting for a slow client. It throws
/// `HTTPServerError.clientDisconnected` (or `.writeStalled`, `.shuttingDown`) once the client is gone; the
/// handler's task is also cancelled then.
public protocol ResponseBodyWriter: Sendable {
    func write(_ bytes: [UInt8]) async throws
}

extension ResponseBodyWriter {
    /// Writes UTF-8 text.
    public func write(_ text: String) async throws {
        try await write(Array(text.utf8))
    }

    /// Writes one Server-Sent Event: optional `event:` and `id:` lines, one `data:` line per line of `data`.
    public func writeEvent(data: String, event: String? = nil, id: String? = nil) async throws {
        try await write(ServerSentEvent(data: data, event: event, id: id).encoded())
    }

    /// Writes an SSE comment line (`: text`), e.g. a keep-alive ping.
    public func writeComment(_ text: String) async throws {
        var out: [UInt8] = [UInt8(ascii: ":"), 0x20]
        out += text.utf8.filter { $0 != 0x0A && $0 != 0x0D }
        out += [0x0A, 0x0A]
        try await write(out)
    }
}

/// One Server-Sent Event and its wire encoding.
public struct ServerSentEvent: Sendable, Hashable {
    public var data: String
    public var event: String?
    public var id: String?

    public init(data: String, event: String? = nil, id: String? = nil) {
        self.data = data
        self.event = event
        self.id = id
    }

    /// The event as `text/event-stream` bytes, ending with a blank line.
    public func encoded() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(data.utf8.count + 16)
        if let event { appendField("event", event, to: &out) }
        if let id { appendField("id", id, to: &out) }
        out += Array("data: ".utf8)
        var previousCR = false
        for byte in data.utf8 {
            if byte == 0x0A && previousCR { previousCR = false; continue }
            previousCR = byte == 0x0D
            if byte == 0x0A || byte == 0x0D {
                out += Array("\ndata: ".utf8)
            } else {
                out.append(byte)
            }
        }
        out += [0x0A, 0x0A]
        return out
    }

    private func appendField(_ name: String, _ value: String, to out: inout [UInt8]) {
        out += Array(name.utf8)
        out += [UInt8(ascii: ":"), 0x20]
        out += value.utf8.filter { $0 != 0x0A && $0 != 0x0D }
        out.append(0x0A)
    }
}
