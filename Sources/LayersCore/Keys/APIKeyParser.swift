/// What was wrong with a presented key's shape. Descriptions never contain the key.
public enum APIKeyFormatProblem: String, Sendable, Hashable, CaseIterable {
    /// The `Authorization` header used a scheme other than `Bearer`.
    case notBearer = "not_bearer"
    /// The key does not start with `lyr_live_` or `lyr_test_`.
    case unknownPrefix = "unknown_prefix"
    /// The prefix is right but the secret is not 43 characters.
    case wrongLength = "wrong_length"
    /// The secret holds characters outside base64url.
    case invalidCharacters = "invalid_characters"

    /// A sentence for an error message. It never repeats the key.
    public var explanation: String {
        switch self {
        case .notBearer:
            return "The Authorization header must use the Bearer scheme: `Authorization: Bearer lyr_live_...`."
        case .unknownPrefix:
            return "Keys must start with lyr_live_ or lyr_test_."
        case .wrongLength:
            return "Keys are lyr_live_ or lyr_test_ followed by \(APIKey.secretLength) characters."
        case .invalidCharacters:
            return "Keys contain only letters, digits, '-' and '_' after the prefix."
        }
    }
}

/// How a request's key classifies before any database lookup.
public enum PresentedAPIKey: Sendable, Hashable, CustomStringConvertible {
    /// No key was sent (no header, or an empty one).
    case missing
    /// Something was sent but it cannot be a Layers key.
    case malformed(APIKeyFormatProblem)
    /// A well-formed `lyr_live_` key (not yet known to exist).
    case live(APIKey)
    /// A well-formed `lyr_test_` key (not yet known to exist).
    case test(APIKey)

    /// The key when well formed.
    public var key: APIKey? {
        switch self {
        case .live(let key), .test(let key): return key
        case .missing, .malformed: return nil
        }
    }

    /// Never contains the key itself.
    public var description: String {
        switch self {
        case .missing: return "missing"
        case .malformed(let problem): return "malformed(\(problem.rawValue))"
        case .live(let key): return "live(\(key.displayPrefix))"
        case .test(let key): return "test(\(key.displayPrefix))"
        }
    }
}

/// Classifies presented keys: from a raw string or from request headers.
///
/// ```swift
/// switch APIKeyParser.parse(authorization: headers["authorization"], xAPIKey: headers["x-api-key"]) {
/// case .missing: throw LayersError.authentication(.missing)
/// case .malformed(let problem): throw LayersError.authentication(.malformed(problem))
/// case .live(let key), .test(let key): lookup(key.hash)
/// }
/// ```
public enum APIKeyParser {
    /// Classifies a raw key string. Surrounding spaces and tabs are ignored.
    public static func classify(_ presented: String?) -> PresentedAPIKey {
        guard let presented else { return .missing }
        return classify(trimmed(Array(presented.utf8)[...]))
    }

    /// Classifies a key's UTF-8 bytes, already trimmed.
    private static func classify(_ bytes: ArraySlice<UInt8>) -> PresentedAPIKey {
        if bytes.isEmpty { return .missing }
        let mode: APIKeyMode
        if bytes.starts(with: APIKeyMode.live.prefix.utf8) {
            mode = .live
        } else if bytes.starts(with: APIKeyMode.test.prefix.utf8) {
            mode = .test
        } else {
            return .malformed(.unknownPrefix)
        }
        let secret = bytes.dropFirst(APIKey.prefixLength)
        guard secret.allSatisfy(Base64URL.isAlphabetCharacter) else { return .malformed(.invalidCharacters) }
        guard secret.count == APIKey.secretLength else { return .malformed(.wrongLength) }
        let key = APIKey(validatedPlaintext: String(decoding: bytes, as: UTF8.self), mode: mode)
        return mode == .live ? .live(key) : .test(key)
    }

    /// Classifies the key of a request: `Authorization: Bearer <key>` (scheme matched without
    /// regard to case), else `x-api-key: <key>` (Anthropic's header). An `Authorization`
    /// header with another scheme is malformed, unless `x-api-key` carries a key.
    public static func parse(authorization: String?, xAPIKey: String?) -> PresentedAPIKey {
        // The header's bytes are copied once and the key classified from a slice of them (the header is valid
        // UTF-8 already, so no round trip through a String is needed to trim and check it).
        if let authorization {
            let bytes = trimmed(Array(authorization.utf8)[...])
            if !bytes.isEmpty {
                let hasBearer = bytes.count >= bearer.count
                    && zip(bytes.prefix(bearer.count), bearer).allSatisfy { lowercased($0) == $1 }
                    && (bytes.count == bearer.count || bytes[bytes.startIndex + bearer.count] == UInt8(ascii: " ")
                        || bytes[bytes.startIndex + bearer.count] == UInt8(ascii: "\t"))
                if hasBearer {
                    return classify(trimmed(bytes.dropFirst(bearer.count)))
                }
                if let xAPIKey, classify(xAPIKey) != .missing { return classify(xAPIKey) }
                return .malformed(.notBearer)
            }
        }
        return classify(xAPIKey)
    }

    private static let bearer = Array("bearer".utf8)

    private static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var slice = bytes
        while let first = slice.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
            slice = slice.dropFirst()
        }
        while let last = slice.last, last == UInt8(ascii: " ") || last == UInt8(ascii: "\t") {
            slice = slice.dropLast()
        }
        return slice
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }
}
