extension SSEEncoder {
    /// Appends `data: <compact JSON>\n\n`. Compact JSON never holds a raw line break, so the
    /// value is written straight into `out` without scanning.
    ///
    /// ```swift
    /// SSEEncoder.writeJSON(chunk.toJSON(), to: &out)
    /// ```
    public static func writeJSON(_ value: JSONValue, to out: inout [UInt8]) {
        out.append(contentsOf: "data: ".utf8)
        value.write(to: &out)
        out.append(contentsOf: "\n\n".utf8)
    }

    /// Appends `event: <name>\ndata: <compact JSON>\n\n` (Anthropic-style named events).
    /// CR and LF in `name` become spaces.
    public static func writeJSON(_ value: JSONValue, event name: String, to out: inout [UInt8]) {
        out.append(contentsOf: "event: ".utf8)
        for byte in name.utf8 {
            out.append(byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") ? UInt8(ascii: " ") : byte)
        }
        out.append(contentsOf: "\ndata: ".utf8)
        value.write(to: &out)
        out.append(contentsOf: "\n\n".utf8)
    }
}
