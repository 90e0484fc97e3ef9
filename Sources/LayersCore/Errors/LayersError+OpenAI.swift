extension LayersError {
    /// The OpenAI error body:
    /// `{"error":{"message":…,"type":…,"param":…|null,"code":…, …extra fields}}`.
    ///
    /// `requestID`, when given, is added as `error.request_id` (unless the case already has one).
    public func openAIBody(requestID: String? = nil) -> JSONValue {
        var error = JSONObject()
        error["message"] = .string(message)
        error["type"] = .string(type)
        error["param"] = param.map(JSONValue.string) ?? .null
        error["code"] = .string(code)
        for (key, value) in extraFields { error[key] = value }
        if let requestID, error["request_id"] == nil { error["request_id"] = .string(requestID) }
        var body = JSONObject()
        body["error"] = .object(error)
        return .object(body)
    }

    /// The OpenAI error body as compact JSON bytes.
    public func openAIBodyBytes(requestID: String? = nil) -> [UInt8] {
        openAIBody(requestID: requestID).serializedBytes()
    }

    /// The error as an SSE event for a stream that already started (OpenAI clients read a
    /// `data: {"error":{…}}` event), to be followed by closing the stream.
    public func openAIStreamEvent(requestID: String? = nil) -> SSEEvent {
        SSEEvent(data: openAIBody(requestID: requestID).serialized())
    }
}
