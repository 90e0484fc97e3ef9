import Foundation
import LayersCore
import LayersModels

/// Who we are talking to, for error messages: the provider's name and the client-facing model id.
struct ProviderContext: Sendable {
    var provider: String
    var model: String

    /// Maps a transport or decoding failure to the client-facing error (never mentions keys or URLs).
    func map(_ error: Error) -> Error {
        switch error {
        case let error as LayersError: return error
        case is CancellationError: return error
        case let error as UpstreamError:
            switch error {
            case .connectTimeout: return LayersError.upstreamTimeout(provider: provider, model: model, phase: .connect)
            case .firstByteTimeout:
                return LayersError.upstreamTimeout(provider: provider, model: model, phase: .firstByte)
            case .idleTimeout: return LayersError.upstreamTimeout(provider: provider, model: model, phase: .idle)
            case .totalTimeout: return LayersError.upstreamTimeout(provider: provider, model: model, phase: .total)
            case .clientShutdown: return LayersError.serviceUnavailable(message: "the gateway is shutting down")
            default:
                return LayersError.providerError(provider: provider, model: model, message: error.description,
                                                 upstreamStatus: nil)
            }
        case let error as SSEDecoderError:
            return LayersError.providerError(provider: provider, model: model,
                                             message: "unreadable event stream: \(error)", upstreamStatus: nil)
        case let error as JSONParseError:
            return LayersError.providerError(provider: provider, model: model,
                                             message: "unreadable JSON from the provider: \(error)", upstreamStatus: nil)
        default:
            return LayersError.providerError(provider: provider, model: model, message: "\(error)", upstreamStatus: nil)
        }
    }

    /// Maps an HTTP error answer. `message` is the provider's own text (already extracted from its error body).
    func httpError(status: Int, message: String, retryAfter: Int?) -> LayersError {
        LayersError.upstream(provider: provider, model: model, status: status, message: message,
                             retryAfterSeconds: retryAfter)
    }

    /// An error the provider reported inside a stream (after the 200).
    func streamError(type: String?, message: String) -> LayersError {
        let cleaned = LayersError.redactingSecrets(in: message)
        switch type {
        case "overloaded_error", "UNAVAILABLE":
            return .providerOverloaded(provider: provider, model: model)
        case "rate_limit_error", "RESOURCE_EXHAUSTED", "rate_limit_exceeded":
            return .providerRateLimited(provider: provider, model: model, retryAfterSeconds: nil, message: cleaned)
        default:
            return .providerError(provider: provider, model: model, message: cleaned, upstreamStatus: nil)
        }
    }

    /// The provider answered 200 with something we cannot read.
    func unreadable(_ what: String) -> LayersError {
        .providerError(provider: provider, model: model, message: "unreadable answer: \(what)", upstreamStatus: nil)
    }
}

/// `Retry-After` in seconds (the HTTP-date form is converted relative to now).
func retryAfterSeconds(_ headers: UpstreamHeaders) -> Int? {
    guard let value = headers["retry-after"]?.trimmingCharacters(in: .whitespaces) else { return nil }
    if let seconds = Int(value) { return max(0, seconds) }
    if let seconds = Double(value) { return max(0, Int(seconds.rounded(.up))) }
    let formatter = DateFormatter()
    formatter.locale = Locale(identifier: "en_US_POSIX")
    formatter.timeZone = TimeZone(identifier: "GMT")
    formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
    guard let date = formatter.date(from: value) else { return nil }
    return max(0, Int(date.timeIntervalSinceNow.rounded(.up)))
}
