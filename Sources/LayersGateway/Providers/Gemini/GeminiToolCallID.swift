/// Gemini function calls have no ids (or none we can rely on), so we synthesise OpenAI tool-call ids, and map a
/// `tool` message back to its `functionResponse.name` by finding the id among the assistant's earlier
/// `tool_calls`. Gemini 3 also requires the call's `thoughtSignature` on the next turn: it rides inside the id
/// (`call_<random>__thought__<signature>`), which clients send back unchanged.
enum GeminiToolCallID {
    static let marker = "__thought__"
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")

    static func make(signature: String?) -> String {
        var generator = SystemRandomNumberGenerator()
        let random = String((0..<24).map { _ in alphabet[Int(generator.next(upperBound: UInt(alphabet.count)))] })
        guard let signature, !signature.isEmpty else { return "call_" + random }
        return "call_" + random + marker + signature
    }

    static func signature(from id: String) -> String? {
        guard let range = id.range(of: marker) else { return nil }
        let signature = id[range.upperBound...]
        return signature.isEmpty ? nil : String(signature)
    }
}
