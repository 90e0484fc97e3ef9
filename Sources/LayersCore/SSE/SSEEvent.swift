/// One Server-Sent Event, as dispatched by `SSEDecoder` or written by `SSEEncoder`.
///
/// Field semantics follow the WHATWG HTML "server-sent events" section:
/// `event` is the type (nil means the default type `message`), `data` is the data buffer
/// with its lines joined by `\n`, `id` is the last event id in effect when the event was
/// dispatched, and `retry` is the reconnection time in milliseconds if the event set one.
///
/// ```swift
/// let event = SSEEvent(data: #"{"id":"chatcmpl-1"}"#)
/// let named = SSEEvent(event: "message_start", data: "{}")
/// ```
public struct SSEEvent: Sendable, Hashable {
    /// The event type from an `event:` field, or nil for the default `message` type.
    public var event: String?
    /// The data, lines joined with `\n` (no trailing newline).
    public var data: String
    /// The last event id (from this or an earlier event's `id:` field), nil when none/empty.
    public var id: String?
    /// A reconnection time in milliseconds, set only on the event whose block carried `retry:`.
    public var retry: Int?

    /// Creates an event.
    public init(event: String? = nil, data: String, id: String? = nil, retry: Int? = nil) {
        self.event = event
        self.data = data
        self.id = id
        self.retry = retry
    }

    /// The effective event type: the `event:` name, or `message` when there was none.
    public var type: String { event ?? "message" }

    /// True for OpenAI's end-of-stream sentinel, `data: [DONE]`.
    public var isDone: Bool { data == "[DONE]" }
}
