/// One part of a message's array content: a view over the part's JSON object, so unknown
/// members (e.g. `cache_control`) stay in `json` for pass-through.
///
/// ```swift
/// for part in message.parts {
///     switch part.kind {
///     case .text: use(part.text!)
///     case .imageURL: fetchOrDecode(part.imageURL!)   // http(s) or data: URL
///     default: break
///     }
/// }
/// ```
public struct ChatContentPart: Sendable, Hashable {
    /// The part's type.
    public enum Kind: Sendable, Hashable {
        /// `{"type":"text","text":…}`
        case text
        /// `{"type":"image_url","image_url":{"url":…,"detail":…}}`
        case imageURL
        /// `{"type":"input_audio","input_audio":{"data":…,"format":…}}`
        case inputAudio
        /// `{"type":"file","file":{"file_id"|"file_data"|"filename":…}}`
        case file
        /// `{"type":"refusal","refusal":…}` (assistant messages)
        case refusal
        /// Any other type, kept as is.
        case other(String)
    }

    /// The part as sent.
    public var json: JSONObject

    /// Wraps a part (validated by `ChatCompletionRequest` parsing, or trusted).
    public init(json: JSONObject) { self.json = json }

    /// A text part.
    public static func text(_ text: String) -> ChatContentPart {
        ChatContentPart(json: ["type": "text", "text": .string(text)])
    }

    /// An image part (`url` may be an http(s) URL or a `data:` URL).
    public static func imageURL(_ url: String, detail: String? = nil) -> ChatContentPart {
        var image: JSONObject = ["url": .string(url)]
        if let detail { image["detail"] = .string(detail) }
        return ChatContentPart(json: ["type": "image_url", "image_url": .object(image)])
    }

    public var type: String { json["type"]?.stringValue ?? "" }

    public var kind: Kind {
        switch type {
        case "text": return .text
        case "image_url": return .imageURL
        case "input_audio": return .inputAudio
        case "file": return .file
        case "refusal": return .refusal
        default: return .other(type)
        }
    }

    /// The text of a text part.
    public var text: String? { json["text"]?.stringValue }
    /// The URL of an image part (also when `image_url` was sent as a bare string).
    public var imageURL: String? { json["image_url"]?["url"]?.stringValue ?? json["image_url"]?.stringValue }
    /// `auto`, `low` or `high` for an image part.
    public var imageDetail: String? { json["image_url"]?["detail"]?.stringValue }
    /// Base64 audio of an `input_audio` part.
    public var audioData: String? { json["input_audio"]?["data"]?.stringValue }
    /// `wav` or `mp3` for an `input_audio` part.
    public var audioFormat: String? { json["input_audio"]?["format"]?.stringValue }
    /// A file part's uploaded file id.
    public var fileID: String? { json["file"]?["file_id"]?.stringValue }
    /// A file part's inline data (a base64 `data:` URL or bare base64).
    public var fileData: String? { json["file"]?["file_data"]?.stringValue }
    /// A file part's file name.
    public var filename: String? { json["file"]?["filename"]?.stringValue }
    /// The refusal text of a refusal part.
    public var refusal: String? { json["refusal"]?.stringValue }
    /// A `cache_control` member, passed through to providers that understand it.
    public var cacheControl: JSONValue? { json["cache_control"] }

    static func validate(_ value: JSONValue, _ path: String) throws(LayersError) {
        let object = try RequestFieldChecks.object(value, path)
        guard let typeValue = object["type"] else { throw RequestFieldChecks.missing("\(path).type") }
        let type = try RequestFieldChecks.string(typeValue, "\(path).type")
        switch type {
        case "text":
            try RequestFieldChecks.requiredString(object, "text", "\(path).text")
        case "image_url":
            guard let imageValue = object["image_url"] else { throw RequestFieldChecks.missing("\(path).image_url") }
            // The original Layers clients sometimes send `image_url` as a bare string.
            if case .string = imageValue { return }
            let image = try RequestFieldChecks.object(imageValue, "\(path).image_url")
            try RequestFieldChecks.requiredString(image, "url", "\(path).image_url.url")
            if let detail = image["detail"] {
                try RequestFieldChecks.oneOf(detail, "\(path).image_url.detail", ["auto", "low", "high"])
            }
        case "input_audio":
            guard let audioValue = object["input_audio"] else { throw RequestFieldChecks.missing("\(path).input_audio") }
            let audio = try RequestFieldChecks.object(audioValue, "\(path).input_audio")
            try RequestFieldChecks.requiredString(audio, "data", "\(path).input_audio.data")
            try RequestFieldChecks.requiredString(audio, "format", "\(path).input_audio.format")
        case "file":
            guard let fileValue = object["file"] else { throw RequestFieldChecks.missing("\(path).file") }
            let file = try RequestFieldChecks.object(fileValue, "\(path).file")
            for key in ["file_id", "file_data", "filename"] {
                try RequestFieldChecks.optionalString(file, key, "\(path).file.\(key)")
            }
            if file["file_id"] == nil && file["file_data"] == nil {
                throw RequestFieldChecks.missing("\(path).file.file_data")
            }
        case "refusal":
            try RequestFieldChecks.requiredString(object, "refusal", "\(path).refusal")
        default:
            break  // unknown part types pass through for providers that know them
        }
    }
}
