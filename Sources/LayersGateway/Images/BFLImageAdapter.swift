import LayersCore

/// Black Forest Labs FLUX (`https://api.bfl.ai`), an asynchronous API:
/// 1. `POST /v1/{model}` with `x-key` and `{prompt, width, height}` (FLUX.2, FLUX 1.1 pro) or
///    `{prompt, aspect_ratio}` (ultra, kontext) answers `{id, polling_url}`;
/// 2. `GET polling_url` (or `/v1/get_result?id=`) until `status` is `Ready`, then `result.sample` is a signed
///    image URL (valid about ten minutes);
/// 3. the image is downloaded when the client wants bytes.
///
/// `Request Moderated`/`Content Moderated` fail with 400 `content_moderated`, `Error`/`Failed`/`Task not found`
/// with 502 `generation_failed`, and a result not ready by the deadline with 504 `generation_timeout`; in every
/// failure case nothing is returned, so nothing is charged. `n` images are `n` submissions polled together.
struct BFLImageAdapter: ImageProviderAdapter {
    let http: UpstreamHTTPClient
    let endpoint: MediaEndpoint
    let pollInterval: Duration
    let deadline: Duration

    func generate(_ request: ImageGenerationRequest, spec: ImageModelSpec,
                  shape: ResolvedImageShape) async throws(MediaError) -> ImageAdapterOutput {
        let call = MediaHTTP(client: http, provider: "BFL", model: request.model)
        let auth = [HTTPHeader("x-key", endpoint.apiKey ?? "")]
        let clock = ContinuousClock()
        let giveUpAt = clock.now.advanced(by: deadline)

        var body = JSONObject()
        body["prompt"] = .string(request.prompt)
        if case .aspectRatios = spec.sizeRule {
            body["aspect_ratio"] = .string((shape.aspectRatio ?? .square).description)
        } else if let size = shape.size {
            body["width"] = .number(JSONNumber(size.width))
            body["height"] = .number(JSONNumber(size.height))
        }
        for (key, value) in request.extra where body[key] == nil { body[key] = value }

        var pollURLs: [String] = []
        for _ in 0..<request.n {
            let submitted = try await call.json(url: "\(endpoint.baseURL)/v1/\(spec.upstreamModel)", headers: auth,
                                                body: .object(body))
            guard let id = submitted["id"]?.stringValue else {
                throw .badUpstream(provider: "BFL", model: request.model, "no task id in the submit answer")
            }
            pollURLs.append(pollingURL(submitted["polling_url"]?.stringValue, id: id))
        }

        var images: [GeneratedImage] = []
        for url in pollURLs {
            let sample = try await poll(url, call: call, auth: auth, clock: clock, giveUpAt: giveUpAt,
                                        model: request.model)
            images.append(GeneratedImage(url: sample, mimeType: mimeType(body["output_format"]?.stringValue)))
        }
        return ImageAdapterOutput(images: images)
    }

    /// The polling URL BFL gave, when it points at BFL (our key goes with the poll); otherwise `get_result` on
    /// the configured base.
    func pollingURL(_ given: String?, id: String) -> String {
        if let given, let host = Self.host(of: given),
           host == Self.host(of: endpoint.baseURL) || host == "bfl.ai" || host.hasSuffix(".bfl.ai") || host.hasSuffix(".bfl.ml") {
            return given
        }
        return "\(endpoint.baseURL)/v1/get_result?id=\(id)"
    }

    private func poll(_ url: String, call: MediaHTTP, auth: [HTTPHeader], clock: ContinuousClock,
                      giveUpAt: ContinuousClock.Instant, model: String) async throws(MediaError) -> String {
        while true {
            let json = try await call.json(method: "GET", url: url, headers: auth)
            let status = json["status"]?.stringValue ?? ""
            switch status {
            case "Ready":
                guard let sample = json["result"]?["sample"]?.stringValue else {
                    throw .badUpstream(provider: "BFL", model: model, "a Ready result without result.sample")
                }
                return sample
            case "Request Moderated", "Content Moderated":
                throw MediaError(status: 400, type: "invalid_request_error", code: "content_moderated",
                                 message: "BFL moderated the generation for \(model) (\(status)); nothing was charged")
            case "Error", "Failed", "Task not found":
                let detail = json["details"].map { ": \($0.serialized())" } ?? ""
                throw MediaError(status: 502, type: "provider_error", code: "generation_failed",
                                 message: "BFL generation failed for \(model) (\(status))\(detail); nothing was charged")
            default:
                break  // Pending, Queued, Processing …
            }
            if clock.now.advanced(by: pollInterval) > giveUpAt {
                throw MediaError(status: 504, type: "timeout_error", code: "generation_timeout",
                                 message: "BFL did not finish the generation for \(model) within \(deadline); nothing was charged")
            }
            do { try await Task.sleep(for: pollInterval) } catch {
                throw MediaError(status: 499, type: "request_cancelled", code: "cancelled",
                                 message: "the request was cancelled")
            }
        }
    }

    private func mimeType(_ format: String?) -> String {
        switch format?.lowercased() {
        case "png": return "image/png"
        case "webp": return "image/webp"
        default: return "image/jpeg"
        }
    }

    static func host(of url: String) -> String? {
        var rest = Substring(url)
        guard let scheme = rest.range(of: "://") else { return nil }
        rest = rest[scheme.upperBound...]
        if let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        return String(rest).lowercased()
    }
}
