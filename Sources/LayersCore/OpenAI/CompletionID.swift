/// Ids for responses the gateway creates.
public enum CompletionID {
    /// A new `chatcmpl-…` id: 18 random bytes in base64url (24 characters) from the system CSPRNG.
    public static func make(prefix: String = "chatcmpl-") -> String {
        var generator = SystemRandomNumberGenerator()
        var bytes: [UInt8] = []
        bytes.reserveCapacity(18)
        for _ in 0..<3 {
            var word = generator.next()
            for _ in 0..<6 {
                bytes.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return prefix + Base64URL.encode(bytes)
    }
}
