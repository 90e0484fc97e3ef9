/// A Layers API key: `lyr_live_` or `lyr_test_` followed by 32 random bytes in base64url
/// without padding (9 + 43 = 52 characters).
///
/// The plaintext exists only when a key is created (to show it once) and while a request
/// presents it. Storage keeps `hash` (SHA-256, hex) and `displayPrefix`. `description`
/// prints the display prefix, never the secret, so a key cannot leak through logging.
///
/// ```swift
/// let key = APIKey.generate(mode: .live)
/// key.plaintext          // "lyr_live_Ab3dX...": show once
/// key.hash.hex           // store this
/// key.displayPrefix      // "lyr_live_Ab3d…": show in key lists
/// ```
public struct APIKey: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// Random bytes in a key's secret.
    public static let secretByteCount = 32
    /// Characters in a key's secret part (base64url of 32 bytes, no padding).
    public static let secretLength = 43
    /// Characters in the mode prefix (`lyr_live_`).
    public static let prefixLength = 9
    /// Total characters in a key.
    public static let length = prefixLength + secretLength
    /// Characters of the secret shown in `displayPrefix`.
    public static let displaySecretCharacters = 4

    /// Live or test.
    public let mode: APIKeyMode
    /// The full key. Show it once at creation; never log or store it.
    public let plaintext: String

    /// Wraps a key already checked by `APIKeyParser`.
    init(validatedPlaintext: String, mode: APIKeyMode) {
        self.plaintext = validatedPlaintext
        self.mode = mode
    }

    /// Creates a new key from the system CSPRNG (`getrandom` on Linux).
    public static func generate(mode: APIKeyMode = .live) -> APIKey {
        var generator = SystemRandomNumberGenerator()
        return generate(mode: mode, using: &generator)
    }

    /// Creates a new key from `generator`. Production code must pass a cryptographically
    /// secure generator; tests may pass a seeded one.
    public static func generate<Generator: RandomNumberGenerator>(
        mode: APIKeyMode, using generator: inout Generator
    ) -> APIKey {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(secretByteCount)
        while bytes.count < secretByteCount {
            var word = generator.next()
            for _ in 0..<8 where bytes.count < secretByteCount {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return APIKey(validatedPlaintext: mode.prefix + Base64URL.encode(bytes), mode: mode)
    }

    /// SHA-256 of the plaintext: what `api_keys.key_hash` holds (as `hash.hex`).
    public var hash: SHA256Digest { SHA256.hash(plaintext) }

    /// The prefix plus the first four secret characters and an ellipsis, e.g. `lyr_live_Ab3d…`:
    /// enough for a person to tell keys apart, far too little to guess one.
    public var displayPrefix: String {
        String(plaintext.prefix(Self.prefixLength + Self.displaySecretCharacters)) + "…"
    }

    /// The display prefix: never the secret.
    public var description: String { displayPrefix }
    /// The display prefix: never the secret.
    public var debugDescription: String { "APIKey(\(displayPrefix))" }

    public static func == (lhs: APIKey, rhs: APIKey) -> Bool {
        lhs.mode == rhs.mode && ConstantTime.equals(lhs.plaintext, rhs.plaintext)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(plaintext)
    }
}
