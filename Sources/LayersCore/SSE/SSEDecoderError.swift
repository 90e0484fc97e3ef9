/// Why `SSEDecoder` refused its input.
public enum SSEDecoderError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A single line, or the data of a single event, grew beyond `maxEventBytes`
    /// before it was terminated. The stream should be treated as broken.
    case eventTooLarge(limit: Int)

    public var description: String {
        switch self {
        case .eventTooLarge(let limit):
            return "server-sent event exceeds \(limit) bytes"
        }
    }
}
