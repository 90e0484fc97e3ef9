/// Gemini function calls have no ids (or none we can rely on), so we synthesise OpenAI tool-call ids, and map a
/// `tool` message back to its `functionResponse.name` by finding the id among the assistant's earlier
/// `tool_calls`. Gemini 3 also requires the call's `thoughtSignature` on the next turn: it rides inside the id
/// (`call_<random>__thought__<signature>`), which clients send back unchanged.
enum GeminiToolCallID {
    static let marker = "__thought__"
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    static func make(signature: String?) -> String {
        var generator = SystemRandomNumberGenerator()
        var bits = (generator.next() as UInt64, generator.next() as UInt64)
        var random = ""
        for i in 0..<22 {  // 22 base-62 digits from 128 random bits
            if i == 11 { bits.0 = bits.1 }
            random.append(alphabet[Int(bits.0 % 62)])
            bits.0 /= 62
        }
        guard let signature, !signature.isEmpty else { return "call_" + random }
        return "call_" + random + marker + signature
    }

    static func signature(from id: String) -> String? {
        guard let range = id.range(of: marker) else { return nil }
        let signature = id[range.upperBound...]
        return signature.isEmpty ? nil : String(signature)
    }
}
