import Foundation
import LayersCore
import LayersHTTP

extension LayersError {
    /// The OpenAI-shaped error response, with `Retry-After` when the error carries one.
    func httpResponse(requestID: String) -> HTTPResponse {
        var response = HTTPResponse.json(openAIBodyBytes(requestID: requestID), status: HTTPStatus(status))
        if let retry = retryAfterSeconds { response.headers.replaceOrAdd(name: "Retry-After", value: String(retry)) }
        return response
    }

    /// Maps any error thrown inside the gateway to a client-visible error. Store outages become 503;
    /// anything unexpected becomes a 500 whose details go to the log only.
    static func from(_ error: any Error, requestID: String) -> LayersError {
        switch error {
        case let e as LayersError: return e
        case StoreError.unavailable:
            return .serviceUnavailable(message: "The gateway's database is unavailable; retry shortly.",
                                       retryAfterSeconds: 1)
        case StoreError.userNotFound:
            return .authentication(.unknown)
        case is CancellationError:
            return .serviceUnavailable(message: "The request was cancelled.", retryAfterSeconds: nil)
        default:
            ServerLog.error("request \(requestID) failed: \(String(describing: error))")
            return .internalError(requestID: requestID)
        }
    }
}
