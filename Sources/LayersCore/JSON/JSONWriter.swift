/// Writes JSON as compact UTF-8 bytes into a growing buffer.
///
/// The writer escapes only what JSON requires (`"`, `\`, and control characters) and copies everything else
/// byte for byte, so non-ASCII text is written as UTF-8, not as `\u` escapes.
public struct JSONWriter: Sendable {
    public var bytes: [UInt8]

    public init(reservingCapacity capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    public mutating func write(_ value: JSONValue) {
        switch value {
        case .null: writeRaw("null")
        case .bool(let b): writeRaw(b ? "true" : "false")
        case .number(let n): writeRaw(n.text)
        case .string(let s): writeString(s)
        case .array(let array):
            bytes.append(UInt8(ascii: "["))
            for position in array.indices {
                if position > 0 { bytes.append(UInt8(ascii: ",")) }
                write(array[position])
            }
            bytes.append(UInt8(ascii: "]"))
        case .object(let object):
            write(object)
        }
    }

    public mutating func write(_ object: JSONObject) {
        bytes.append(UInt8(ascii: "{"))
        for position in 0..<object.keyStorage.count {
            if position > 0 { bytes.append(UInt8(ascii: ",")) }
            writeString(object.keyStorage[position])
            bytes.append(UInt8(ascii: ":"))
            write(object.valueStorage[position])
        }
        bytes.append(UInt8(ascii: "}"))
    }

    /// Appends `,"key":value` for each member of `object`: its members continue an object whose
    /// `{` and first member are already written (extra fields after the typed ones).
    public mutating func writeMembers(of object: JSONObject) {
        for position in 0..<object.keyStorage.count {
            bytes.append(UInt8(ascii: ","))
            writeString(object.keyStorage[position])
            bytes.append(UInt8(ascii: ":"))
            write(object.valueStorage[position])
        }
    }

    /// Appends text that is already valid JSON (a number literal, a pre-serialized fragment).
    public mutating func writeRaw(_ text: String) {
        // Native strings (small ones included) lend their UTF-8 in place; `withUTF8` needs a mutable copy.
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { bytes.append(contentsOf: $0) }
        if done == nil {
            var text = text
            text.withUTF8 { bytes.append(contentsOf: $0) }
        }
    }

    /// Appends `text` as a quoted, escaped JSON string.
    public mutating func writeString(_ text: String) {
        let done: Void? = text.utf8.withContiguousStorageIfAvailable { writeQuoted($0) }
        if done == nil {
            var text = text
            text.withUTF8 { writeQuoted($0) }
        }
    }

    private mutating func writeQuoted(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(UInt8(ascii: "\""))
        var runStart = 0
        for index in 0..<utf8.count {
            let byte = utf8[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index])) }
            appendEscape(for: byte)
            runStart = index + 1
        }
        if runStart < utf8.count { bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart...])) }
        bytes.append(UInt8(ascii: "\""))
    }

    private mutating func appendEscape(for byte: UInt8) {
        bytes.append(UInt8(ascii: "\\"))
        switch byte {
        case UInt8(ascii: "\""): bytes.append(UInt8(ascii: "\""))
        case UInt8(ascii: "\\"): bytes.append(UInt8(ascii: "\\"))
        case 0x0A: bytes.append(UInt8(ascii: "n"))
        case 0x0D: bytes.append(UInt8(ascii: "r"))
        case 0x09: bytes.append(UInt8(ascii: "t"))
        case 0x08: bytes.append(UInt8(ascii: "b"))
        case 0x0C: bytes.append(UInt8(ascii: "f"))
        default:
            let hex: [UInt8] = Array("0123456789abcdef".utf8)
            bytes.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
        }
    }
}

extension JSONValue {
    /// Compact JSON text.
    public func serialized() -> String {
        String(decoding: serializedBytes(), as: UTF8.self)
    }

    /// Compact JSON as UTF-8 bytes.
    public func serializedBytes() -> [UInt8] {
        var writer = JSONWriter()
        writer.write(self)
        return writer.bytes
    }

    /// Appends compact JSON to `buffer`.
    public func write(to buffer: inout [UInt8]) {
        var writer = JSONWriter()
        swap(&writer.bytes, &buffer)
        writer.write(self)
        swap(&writer.bytes, &buffer)
    }
}

extension JSONObject {
    /// Compact JSON text of this object.
    public func serialized() -> String { JSONValue.object(self).serialized() }
    /// Compact JSON bytes of this object.
    public func serializedBytes() -> [UInt8] { JSONValue.object(self).serializedBytes() }
}
