/// Writes Server-Sent Events into a byte buffer.
///
/// Multi-line data is split into one `data:` line per line (CRLF, CR and LF all count as
/// line breaks, so the decoder on the other side sees exactly the same text). Event names
/// and ids cannot hold line breaks in the wire format; CR and LF in them are replaced by
/// spaces so that a bad name can never inject extra fields.
///
/// ```swift
/// var out: [UInt8] = []
/// SSEEncoder.write(SSEEvent(event: "message_start", data: json), to: &out)
/// SSEEncoder.writeData(chunk.serializedBytes(), to: &out)  // "data: {...}\n\n"
/// out += SSEEncoder.done                                     // "data: [DONE]\n\n"
/// ```
public enum SSEEncoder {
    /// `data: [DONE]\n\n`, OpenAI's end-of-stream sentinel.
    public static let done: [UInt8] = Array("data: [DONE]\n\n".utf8)

    /// Encodes one event, ending with the blank line that dispatches it.
    public static func encode(_ event: SSEEvent) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(event.data.utf8.count + 32)
        write(event, to: &out)
        return out
    }

    /// Appends one event to `out`.
    public static func write(_ event: SSEEvent, to out: inout [UInt8]) {
        if let id = event.id {
            out.append(contentsOf: "id: ".utf8)
            appendSingleLine(id, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        if let name = event.event {
            out.append(contentsOf: "event: ".utf8)
            appendSingleLine(name, to: &out)
            out.append(UInt8(ascii: "\n"))
        }
        if let retry = event.retry, retry >= 0 {
            out.append(contentsOf: "retry: ".utf8)
            out.append(contentsOf: String(retry).utf8)
            out.append(UInt8(ascii: "\n"))
        }
        let written: Void? = event.data.utf8.withContiguousStorageIfAvailable {
            appendDataLines($0, to: &out)
        }
        if written == nil { appendDataLines(Array(event.data.utf8), to: &out) }
        out.append(UInt8(ascii: "\n"))
    }

    /// Appends `data: <bytes>\n\n`, the common case of an unnamed event such as an OpenAI
    /// chunk. `bytes` may contain line breaks; they are split into several `data:` lines.
    public static func writeData<Bytes: Collection<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        appendDataLines(bytes, to: &out)
        out.append(UInt8(ascii: "\n"))
    }

    /// Appends a comment line (`: text\n`), used as a keep-alive; clients ignore it.
    public static func writeComment(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: ":"))
        if !text.isEmpty {
            out.append(UInt8(ascii: " "))
            appendSingleLine(text, to: &out)
        }
        out.append(contentsOf: "\n\n".utf8)
    }

    private static func appendDataLines<Bytes: Collection<UInt8>>(_ bytes: Bytes, to out: inout [UInt8]) {
        out.append(contentsOf: "data: ".utf8)
        var index = bytes.startIndex
        var start = index
        while index != bytes.endIndex {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                out.append(contentsOf: bytes[start..<index])
                out.append(contentsOf: "\ndata: ".utf8)
                let next = bytes.index(after: index)
                if byte == UInt8(ascii: "\r"), next != bytes.endIndex, bytes[next] == UInt8(ascii: "\n") {
                    index = bytes.index(after: next)
                } else {
                    index = next
                }
                start = index
            } else {
                index = bytes.index(after: index)
            }
        }
        out.append(contentsOf: bytes[start..<bytes.endIndex])
        out.append(UInt8(ascii: "\n"))
    }

    private static func appendSingleLine(_ text: String, to out: inout [UInt8]) {
        for byte in text.utf8 {
            out.append(byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") ? UInt8(ascii: " ") : byte)
        }
    }
}
