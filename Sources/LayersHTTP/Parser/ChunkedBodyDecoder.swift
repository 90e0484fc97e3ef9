/// Incremental decoder for a chunked request body (RFC 9112 7.1), byte-exact and strict:
/// hex sizes without prefixes or signs, chunk extensions as `;token[=value]`, CRLF only, trailers discarded.
struct ChunkedBodyDecoder: Sendable {
    enum State: Sendable, Hashable {
        case size(digits: Int)
        case extensionText
        case sizeLF
        case data(remaining: Int)
        case dataCR
        case dataLF
        case trailerLineStart
        case trailerLine
        case trailerLF(empty: Bool)
        case done
    }

    private(set) var state: State = .size(digits: 0)
    private var chunkSize = 0
    private var extensionBytes = 0
    private var trailerBytes = 0
    let maxBodyBytes: Int
    let maxTrailerBytes: Int
    private static let maxExtensionBytes = 4096

    init(maxBodyBytes: Int, maxTrailerBytes: Int) {
        self.maxBodyBytes = maxBodyBytes
        self.maxTrailerBytes = maxTrailerBytes
    }

    var isDone: Bool { state == .done }

    /// Consumes bytes from `input`, appending chunk data to `body`. Returns how many bytes were consumed;
    /// stops right after the final CRLF (so pipelined bytes stay unread).
    mutating func decode(_ input: UnsafeBufferPointer<UInt8>, into body: inout [UInt8]) throws(HTTPParseError) -> Int {
        var index = 0
        while index < input.count {
            let byte = input[index]
            switch state {
            case .size(let digits):
                if let value = hexValue(byte) {
                    guard digits < 15 else { throw .invalidChunkSize }
                    chunkSize = chunkSize << 4 | Int(value)
                    state = .size(digits: digits + 1)
                } else if digits == 0 {
                    throw .invalidChunkSize
                } else if byte == UInt8(ascii: ";") {
                    extensionBytes = 0
                    state = .extensionText
                } else if byte == 0x0D {
                    state = .sizeLF
                } else {
                    throw .invalidChunkSize
                }
                index += 1
            case .extensionText:
                if byte == 0x0D {
                    state = .sizeLF
                } else {
                    extensionBytes += 1
                    guard extensionBytes <= Self.maxExtensionBytes else { throw .invalidChunkExtension }
                    guard byte == 0x09 || (byte >= 0x20 && byte != 0x7F) else { throw .invalidChunkExtension }
                }
                index += 1
            case .sizeLF:
                guard byte == 0x0A else { throw .invalidChunkFraming }
                index += 1
                if chunkSize == 0 {
                    trailerBytes = 0
                    state = .trailerLineStart
                } else {
                    guard body.count + chunkSize <= maxBodyBytes else { throw .bodyTooLarge }
                    state = .data(remaining: chunkSize)
                }
            case .data(let remaining):
                let take = min(remaining, input.count - index)
                body.append(contentsOf: UnsafeBufferPointer(rebasing: input[index..<(index + take)]))
                index += take
                state = take == remaining ? .dataCR : .data(remaining: remaining - take)
            case .dataCR:
                guard byte == 0x0D else { throw .invalidChunkFraming }
                state = .dataLF
                index += 1
            case .dataLF:
                guard byte == 0x0A else { throw .invalidChunkFraming }
                chunkSize = 0
                state = .size(digits: 0)
                index += 1
            case .trailerLineStart:
                if byte == 0x0D {
                    state = .trailerLF(empty: true)
                } else {
                    guard isTokenByte(byte) else { throw .invalidTrailer }
                    state = .trailerLine
                }
                try countTrailerByte()
                index += 1
            case .trailerLine:
                if byte == 0x0D {
                    state = .trailerLF(empty: false)
                } else if byte == 0x0A || byte == 0x00 {
                    throw .invalidTrailer
                }
                try countTrailerByte()
                index += 1
            case .trailerLF(let empty):
                guard byte == 0x0A else { throw .invalidTrailer }
                index += 1
                if empty {
                    state = .done
                    return index
                }
                state = .trailerLineStart
            case .done:
                return index
            }
        }
        return index
    }

    private mutating func countTrailerByte() throws(HTTPParseError) {
        trailerBytes += 1
        if trailerBytes > maxTrailerBytes { throw .headersTooLarge }
    }
}
