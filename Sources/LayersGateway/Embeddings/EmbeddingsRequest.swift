import LayersCore

/// `encoding_format` of an embeddings request.
public enum EmbeddingEncodingFormat: String, Sendable, Hashable {
    /// JSON arrays of numbers.
    case float
    /// Base64 of the little-endian float32 bytes (what the `openai` SDKs ask for by default).
    case base64
}

/// The input of an embeddings request: strings, or pre-tokenised arrays (OpenAI only).
public enum EmbeddingsInput: Sendable, Hashable {
    case texts([String])
    case tokens([[Int64]])

    public var count: Int {
        switch self {
        case .texts(let t): return t.count
        case .tokens(let t): return t.count
        }
    }
}

/// A `POST /v1/embeddings` body, checked, with the original JSON kept for pass-through.
///
/// ```swift
/// let request = try EmbeddingsRequest(json: try JSONValue.parse(body))
/// ```
public struct EmbeddingsRequest: Sendable, Hashable {
    /// Gateway id (`openai/text-embedding-3-small`, `google/gemini-embedding-001`).
    public var model: String
    public var input: EmbeddingsInput
    public var dimensions: Int?
    public var encodingFormat: EmbeddingEncodingFormat
    public var user: String?
    /// The body as the client sent it.
    public var json: JSONValue

    /// Most inputs in one request (OpenAI's limit).
    public static let maxInputs = 2048

    public init(json: JSONValue) throws(MediaError) {
        guard json.objectValue != nil else { throw .invalidRequest("the request body must be a JSON object") }
        guard let model = json["model"]?.stringValue, !model.isEmpty else {
            throw .invalidRequest("model is required", param: "model", code: "missing_model")
        }
        self.model = model
        self.json = json
        guard let input = json["input"], !input.isNull else {
            throw .invalidRequest("input is required: a string or an array of strings", param: "input",
                                  code: "missing_input")
        }
        self.input = try Self.parseInput(input)
        guard self.input.count >= 1 else {
            throw .invalidRequest("input must not be empty", param: "input", code: "empty_input")
        }
        guard self.input.count <= Self.maxInputs else {
            throw .invalidRequest("input has \(self.input.count) items; the maximum is \(Self.maxInputs)",
                                  param: "input", code: "too_many_inputs")
        }
        if let dims = json["dimensions"], !dims.isNull {
            guard let value = dims.intValue, value >= 1, value <= 65_536 else {
                throw .invalidRequest("dimensions must be a positive integer", param: "dimensions",
                                      code: "invalid_dimensions")
            }
            dimensions = value
        }
        if let format = json["encoding_format"], !format.isNull {
            guard let text = format.stringValue, let parsed = EmbeddingEncodingFormat(rawValue: text) else {
                throw .invalidRequest("encoding_format must be 'float' or 'base64'", param: "encoding_format",
                                      code: "invalid_encoding_format")
            }
            encodingFormat = parsed
        } else {
            encodingFormat = .float
        }
        user = json["user"]?.stringValue
    }

    static func parseInput(_ value: JSONValue) throws(MediaError) -> EmbeddingsInput {
        if let text = value.stringValue {
            guard !text.isEmpty else { throw .invalidRequest("input must not be an empty string", param: "input") }
            return .texts([text])
        }
        guard let list = value.arrayValue else {
            throw .invalidRequest("input must be a string, an array of strings, or token arrays", param: "input")
        }
        if list.allSatisfy({ $0.stringValue != nil }) {
            let texts = list.compactMap(\.stringValue)
            if texts.contains(where: \.isEmpty) {
                throw .invalidRequest("input must not contain empty strings", param: "input")
            }
            return .texts(texts)
        }
        if !list.isEmpty, list.allSatisfy({ $0.int64Value != nil }) {
            return .tokens([list.compactMap(\.int64Value)])
        }
        if list.allSatisfy({ $0.arrayValue?.allSatisfy { $0.int64Value != nil } == true }) {
            return .tokens(list.map { ($0.arrayValue ?? []).compactMap(\.int64Value) })
        }
        throw .invalidRequest("input must be a string, an array of strings, or token arrays", param: "input")
    }
}
