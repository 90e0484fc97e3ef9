/// Limits `ChatRequestValidator` enforces. Defaults are the original Layers' limits.
public struct ChatRequestLimits: Sendable, Hashable, Codable {
    /// Most messages in one request (original: 100).
    public var maxMessages: Int
    /// Most characters in one message's text content (original: 100,000), counted as
    /// UTF-16 code units like the original's JavaScript `length`.
    public var maxContentLength: Int
    /// Most tools in one request.
    public var maxTools: Int

    public init(maxMessages: Int = 100, maxContentLength: Int = 100_000, maxTools: Int = 128) {
        self.maxMessages = maxMessages
        self.maxContentLength = maxContentLength
        self.maxTools = maxTools
    }

    /// The original Layers limits.
    public static let `default` = ChatRequestLimits()
}
