/// A path pattern such as `/v1/models/:id` or `/static/*rest`.
///
/// Segments are literal, `:name` (one segment, captured) or `*name` (the rest of the path, last only).
public struct RoutePattern: Sendable, Hashable, CustomStringConvertible {
    enum Segment: Sendable, Hashable {
        case literal(String)
        case parameter(String)
        case rest(String)
    }

    let segments: [Segment]
    public let description: String
    /// True when every segment is literal (no parameters).
    let isLiteral: Bool
    /// For a literal pattern, the canonical path it matches (`/a/b`; `/` for the root), else `nil`.
    let literalPath: String?

    public init(_ pattern: String) {
        description = pattern
        segments = pattern.split(separator: "/", omittingEmptySubsequences: true).map { part in
            if part.hasPrefix(":") { return .parameter(String(part.dropFirst())) }
            if part.hasPrefix("*") { return .rest(String(part.dropFirst())) }
            return .literal(String(part))
        }
        var literal: [String] = []
        for segment in segments {
            guard case .literal(let text) = segment else { break }
            literal.append(text)
        }
        isLiteral = literal.count == segments.count
        literalPath = isLiteral ? "/" + literal.joined(separator: "/") : nil
    }

    /// The captured parameters when `path` matches, else `nil`. Captures are percent-decoded.
    func match(_ pathSegments: [Substring]) -> [String: String]? {
        var parameters: [String: String] = [:]
        var index = 0
        for segment in segments {
            switch segment {
            case .literal(let text):
                guard index < pathSegments.count, pathSegments[index] == text else { return nil }
                index += 1
            case .parameter(let name):
                guard index < pathSegments.count else { return nil }
                parameters[name] = percentDecodePath(pathSegments[index])
                index += 1
            case .rest(let name):
                parameters[name] = pathSegments[index...].map { percentDecodePath($0) }.joined(separator: "/")
                return parameters
            }
        }
        return index == pathSegments.count ? parameters : nil
    }
}

/// Percent-decodes a path segment (`+` stays a plus).
func percentDecodePath(_ text: Substring) -> String {
    guard text.utf8.contains(UInt8(ascii: "%")) else { return String(text) }
    return percentDecode(text.replacingPlus())
}

extension Substring {
    fileprivate func replacingPlus() -> String {
        String(decoding: utf8.flatMap { $0 == UInt8(ascii: "+") ? Array("%2B".utf8) : [$0] }, as: UTF8.self)
    }
}
