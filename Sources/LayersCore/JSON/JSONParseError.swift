/// Why a document is not valid JSON, and where (a byte offset into the input).
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Reason: String, Sendable {
        case unexpectedEnd = "unexpected end of input"
        case unexpectedCharacter = "unexpected character"
        case invalidNumber = "invalid number"
        case invalidEscape = "invalid escape sequence"
        case invalidUnicodeEscape = "invalid \\u escape"
        case controlCharacterInString = "unescaped control character in string"
        case duplicateKey = "duplicate object key"
        case tooDeep = "nesting too deep"
        case trailingContent = "unexpected content after the JSON value"
    }

    public let reason: Reason
    public let offset: Int

    public var description: String { "\(reason.rawValue) at byte \(offset)" }
}
