import LayersCore

/// One translated `chat.completion.chunk` (as an object, not LayersCore's typed `ChatCompletionChunk`), with its wire
/// form when the adapter already has it.
///
/// `encoded`, when set, is byte for byte what `object.serializedBytes()` would write: the adapter took the
/// provider's own compact bytes and only spliced in the client-facing `model`, so relaying the chunk costs no
/// re-serialisation. It is nil whenever the adapter changed anything else (think-tag split, usage removed, ...)
/// or the provider's bytes were not in that exact compact form.
public struct TranslatedChunk: Sendable {
    public var object: JSONObject
    public var encoded: [UInt8]?

    public init(_ object: JSONObject, encoded: [UInt8]? = nil) {
        self.object = object
        self.encoded = encoded
    }
}
