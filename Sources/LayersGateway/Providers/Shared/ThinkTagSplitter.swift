import LayersCore

/// Splits a leading `<think>…</think>` block (Perplexity sonar-reasoning, DeepSeek-style servers) out of
/// message content, incrementally: tags may be cut anywhere across stream deltas.
struct ThinkTagSplitter: Sendable {
    private enum State: Sendable { case start, inThink, after }
    private static let open = "<think>"
    private static let close = "</think>"
    private var state = State.start
    private var buffer = ""
    private var trimLeadingNewlines = false

    /// Feeds content; returns what is now known to be reasoning and what is answer content.
    mutating func feed(_ text: String) -> (reasoning: String, content: String) {
        // Past the think block, content passes through untouched (the common case, on every delta).
        if state == .after && !trimLeadingNewlines && buffer.isEmpty { return ("", text) }
        buffer += text
        var reasoning = ""
        var content = ""
        while true {
            switch state {
            case .start:
                let trimmed = buffer.drop(while: { $0.isWhitespace })
                if trimmed.hasPrefix(Self.open) {
                    buffer = String(trimmed.dropFirst(Self.open.count))
                    state = .inThink
                    continue
                }
                if Self.open.hasPrefix(trimmed) { return (reasoning, content) }  // maybe a cut tag: wait
                state = .after
                content += buffer
                buffer = ""
                return (reasoning, content)
            case .inThink:
                if let (lower, upper) = Self.find(Self.close, in: buffer) {
                    reasoning += buffer[..<lower]
                    buffer = String(buffer[upper...])
                    state = .after
                    trimLeadingNewlines = true
                    continue
                }
                let keep = Self.partialSuffixLength(of: buffer, matching: Self.close)
                reasoning += buffer.dropLast(keep)
                buffer = String(buffer.suffix(keep))
                return (reasoning, content)
            case .after:
                if trimLeadingNewlines {
                    let trimmed = buffer.drop(while: { $0 == "\n" || $0 == "\r" || $0 == " " })
                    if trimmed.isEmpty {
                        buffer = ""
                        return (reasoning, content)
                    }
                    buffer = String(trimmed)
                    trimLeadingNewlines = false
                }
                content += buffer
                buffer = ""
                return (reasoning, content)
            }
        }
    }

    /// End of the content: whatever is held back is released (as reasoning if a think block never closed).
    mutating func flush() -> (reasoning: String, content: String) {
        defer { buffer = "" }
        switch state {
        case .inThink: return (buffer, "")
        case .start, .after: return ("", trimLeadingNewlines ? "" : buffer)
        }
    }

    /// Splits a whole string at once.
    static func split(_ text: String) -> (reasoning: String?, content: String) {
        var splitter = ThinkTagSplitter()
        let a = splitter.feed(text)
        let b = splitter.flush()
        let reasoning = a.reasoning + b.reasoning
        return (reasoning.isEmpty && !text.drop(while: \.isWhitespace).hasPrefix(open) ? nil : reasoning,
                a.content + b.content)
    }

    /// First occurrence of an ASCII `needle`, by bytes (Foundation's `range(of:)` is slow on Linux).
    private static func find(_ needle: String, in text: String) -> (String.Index, String.Index)? {
        let n = Array(needle.utf8)
        let utf8 = text.utf8
        var i = utf8.startIndex
        while i != utf8.endIndex {
            if utf8[i] == n[0] {
                var j = i
                var k = 0
                while k < n.count, j != utf8.endIndex, utf8[j] == n[k] {
                    utf8.formIndex(after: &j)
                    k += 1
                }
                if k == n.count { return (i, j) }
            }
            utf8.formIndex(after: &i)
        }
        return nil
    }

    private static func partialSuffixLength(of text: String, matching tag: String) -> Int {
        var n = min(tag.count - 1, text.count)
        while n > 0 {
            if tag.hasPrefix(text.suffix(n)) { return n }
            n -= 1
        }
        return 0
    }
}

/// How a client wants `<think>` reasoning delivered (`reasoning_format`, a Layers extension, Groq's names).
enum ReasoningFormat: String, Sendable {
    /// Into `reasoning_content` (the default).
    case parsed
    /// Left in `content` as the provider sent it.
    case raw
    /// Removed.
    case hidden

    init(request: JSONObject) {
        self = request["reasoning_format"]?.stringValue.flatMap(ReasoningFormat.init(rawValue:)) ?? .parsed
    }
}
