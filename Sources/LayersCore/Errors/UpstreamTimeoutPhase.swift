/// Which upstream timeout fired (HTTP 504).
public enum UpstreamTimeoutPhase: String, Sendable, Hashable, CaseIterable {
    /// The TCP/TLS connection was not established in time.
    case connect
    /// The provider accepted the request but sent no response bytes in time.
    case firstByte = "first_byte"
    /// A stream went quiet for too long between events.
    case idle
    /// The whole request took longer than the total limit.
    case total

    var sentence: String {
        switch self {
        case .connect: return "could not be reached in time (connect timeout)"
        case .firstByte: return "did not start answering in time (first-byte timeout)"
        case .idle: return "stopped sending data mid-stream (idle timeout)"
        case .total: return "did not finish in time (total timeout)"
        }
    }
}
