/// An incremental Server-Sent Events parser.
///
/// Feed it bytes exactly as they arrive from the network, in chunks of any size; it yields
/// each event once the blank line that ends it has arrived. It follows the WHATWG event
/// stream rules: lines end in CRLF, LF or CR (a CRLF split across two reads counts once),
/// a leading UTF-8 BOM is skipped (even when split across reads), lines starting with `:`
/// are comments, a field without a colon has an empty value, one space after the colon is
/// dropped, `data:` lines accumulate joined by `\n`, `event:` names the event, `id:` sets the
/// last event id (ignored if it contains NUL), `retry:` sets the reconnection time when it is
/// all digits, and unknown fields are ignored. A block with no `data:` line dispatches nothing.
///
/// ```swift
/// var decoder = SSEDecoder()
/// for try await chunk in body {
///     try decoder.feed(chunk) { event in
///         if event.isDone { return }
///         let json = try JSONValue.parse(event.data)
///         ...
///     }
/// }
/// if let last = decoder.finish() { ... }   // a final event without its blank line
/// ```
public struct SSEDecoder: Sendable {
    /// Default cap on one line or one event's data: 16 MiB.
    public static let defaultMaxEventBytes = 16 << 20

    /// The most bytes one line or one event's data may hold before `eventTooLarge` is thrown,
    /// so that a broken or hostile upstream cannot make us buffer without bound.
    public let maxEventBytes: Int

    /// The last event id seen (`id:` field), or "" when none. Persists across events.
    public private(set) var lastEventID: String = ""
    /// The most recent valid `retry:` value in milliseconds, if any.
    public private(set) var reconnectionTime: Int?

    private var line: [UInt8] = []
    private var dataBuffer: [UInt8] = []
    private var eventType: String?
    private var blockRetry: Int?
    /// The previous chunk ended in CR: a LF at the start of the next chunk belongs to it.
    private var skipLeadingLF = false
    /// How many bytes of a leading BOM have been matched; 3 when the BOM check is over.
    private var bomMatched = 0
    private static let bom: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Creates a decoder.
    public init(maxEventBytes: Int = SSEDecoder.defaultMaxEventBytes) {
        precondition(maxEventBytes > 0, "maxEventBytes must be positive")
        self.maxEventBytes = maxEventBytes
    }

    /// Consumes `bytes` and calls `onEvent` for every event completed by them, in order.
    /// Throws `SSEDecoderError.eventTooLarge` when the limit is crossed, or what `onEvent` throws.
    public mutating func feed<Bytes: Sequence<UInt8>>(
        _ bytes: Bytes, onEvent: (SSEEvent) throws -> Void
    ) throws {
        let handled: Void? = try bytes.withContiguousStorageIfAvailable { buffer in
            try self.feed(buffer: buffer, onEvent: onEvent)
        }
        if handled == nil {
            let copy = Array(bytes)
            try copy.withUnsafeBufferPointer { try self.feed(buffer: $0, onEvent: onEvent) }
        }
    }

    /// Consumes `bytes` and returns the events completed by them.
    public mutating func decode<Bytes: Sequence<UInt8>>(_ bytes: Bytes) throws -> [SSEEvent] {
        var events: [SSEEvent] = []
        try feed(bytes) { events.append($0) }
        return events
    }

    /// Ends the stream. Returns the pending event if the stream stopped after a `data:` line
    /// but before the blank line that should end it (the WHATWG rules would drop it; we keep
    /// it because a provider's last event often carries the usage we bill). Resets the
    /// decoder for reuse, keeping `lastEventID` and `reconnectionTime`.
    public mutating func finish() -> SSEEvent? {
        if !line.isEmpty {
            var pending: [UInt8] = []
            swap(&pending, &line)
            _ = pending.withUnsafeBufferPointer { processLine($0[...]) }
        }
        let event = dataBuffer.isEmpty ? nil : makeEvent()
        dataBuffer.removeAll()
        eventType = nil
        blockRetry = nil
        skipLeadingLF = false
        bomMatched = 0
        return event
    }

    // MARK: - Bytes to lines

    private mutating func feed(
        buffer: UnsafeBufferPointer<UInt8>, onEvent: (SSEEvent) throws -> Void
    ) throws {
        let count = buffer.count
        var index = 0
        if bomMatched < 3 {
            while index < count && bomMatched < 3 {
                if buffer[index] == Self.bom[bomMatched] {
                    bomMatched += 1
                    index += 1
                } else {
                    // Not a BOM after all: the bytes matched so far are ordinary content.
                    line.append(contentsOf: Self.bom[0..<bomMatched])
                    bomMatched = 3
                }
            }
            if bomMatched < 3 { return }  // chunk ended inside a possible BOM
        }
        if skipLeadingLF && index < count {
            skipLeadingLF = false
            if buffer[index] == UInt8(ascii: "\n") { index += 1 }
        }
        var lineStart = index
        while index < count {
            let byte = buffer[index]
            // One comparison rejects almost every byte: CR (13) and LF (10) are both below 14.
            if byte > 13 || (byte != UInt8(ascii: "\n") && byte != UInt8(ascii: "\r")) {
                index += 1
                continue
            }
            let isEventEnd: Bool
            if line.isEmpty {
                isEventEnd = processLine(buffer[lineStart..<index])
            } else {
                line.append(contentsOf: buffer[lineStart..<index])
                try checkLimit(line.count)
                var complete: [UInt8] = []
                swap(&complete, &line)
                isEventEnd = complete.withUnsafeBufferPointer { processLine($0[...]) }
                complete.removeAll(keepingCapacity: true)
                swap(&complete, &line)
            }
            try checkLimit(dataBuffer.count)
            if isEventEnd { try dispatch(onEvent) }
            if byte == UInt8(ascii: "\r") {
                if index + 1 < count {
                    if buffer[index + 1] == UInt8(ascii: "\n") { index += 1 }
                } else {
                    skipLeadingLF = true
                }
            }
            index += 1
            lineStart = index
        }
        if lineStart < count {
            line.append(contentsOf: buffer[lineStart..<count])
            try checkLimit(line.count + dataBuffer.count)
        }
    }

    private func checkLimit(_ size: Int) throws {
        if size > maxEventBytes { throw SSEDecoderError.eventTooLarge(limit: maxEventBytes) }
    }

    // MARK: - Lines to fields

    /// Interprets one line (without its terminator). Returns true for the blank line that
    /// ends an event block.
    private mutating func processLine(_ line: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard let first = line.first else { return true }
        if first == UInt8(ascii: ":") { return false }  // comment
        let field: Slice<UnsafeBufferPointer<UInt8>>
        var value: Slice<UnsafeBufferPointer<UInt8>>
        if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            field = line[line.startIndex..<colon]
            value = line[(colon + 1)...]
            if value.first == UInt8(ascii: " ") { value = value.dropFirst() }
        } else {
            field = line
            value = line[line.endIndex...]
        }
        switch field.count {
        case 4 where field.elementsEqual("data".utf8):
            dataBuffer.append(contentsOf: value)
            dataBuffer.append(UInt8(ascii: "\n"))
        case 5 where field.elementsEqual("event".utf8):
            eventType = String(decoding: value, as: UTF8.self)
        case 2 where field.elementsEqual("id".utf8):
            if !value.contains(0) { lastEventID = String(decoding: value, as: UTF8.self) }
        case 5 where field.elementsEqual("retry".utf8):
            if !value.isEmpty,
               value.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }),
               let millis = Int(String(decoding: value, as: UTF8.self)) {
                reconnectionTime = millis
                blockRetry = millis
            }
        default:
            break  // unknown fields are ignored
        }
        return false
    }

    // MARK: - Fields to events

    private mutating func dispatch(_ onEvent: (SSEEvent) throws -> Void) throws {
        if dataBuffer.isEmpty {
            eventType = nil
            blockRetry = nil
            return
        }
        let event = makeEvent()
        dataBuffer.removeAll(keepingCapacity: true)
        eventType = nil
        blockRetry = nil
        try onEvent(event)
    }

    private func makeEvent() -> SSEEvent {
        let data = String(decoding: dataBuffer[..<(dataBuffer.count - 1)], as: UTF8.self)
        let type = (eventType?.isEmpty ?? true) ? nil : eventType
        return SSEEvent(
            event: type, data: data,
            id: lastEventID.isEmpty ? nil : lastEventID,
            retry: blockRetry)
    }
}
