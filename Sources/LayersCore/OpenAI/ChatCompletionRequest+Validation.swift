import LayersCredits

extension ChatCompletionRequest {
    /// Checks the type (and obvious ranges) of every known field that is present.
    /// Absent `model`/`messages` are left to `ChatRequestValidator`, which words them as the
    /// original Layers did.
    static func validateShape(_ json: JSONObject) throws(LayersError) {
        typealias Check = RequestFieldChecks
        if let model = json["model"], !model.isNull { try Check.string(model, "model") }
        if let messages = json["messages"], !messages.isNull {
            for (i, message) in try Check.array(messages, "messages").enumerated() {
                try ChatMessage.validate(message, "messages[\(i)]")
            }
        }
        for (key, value) in json where !value.isNull {
            switch key {
            case "max_tokens", "max_completion_tokens":
                try Check.integer(value, key, min: 1)
            case "n":
                try Check.integer(value, key, min: 1, max: 128)
            case "seed":
                try Check.integer(value, key)
            case "top_logprobs":
                try Check.integer(value, key, min: 0, max: 20)
            case "temperature":
                try Check.number(value, key, min: 0, max: 2)
            case "top_p":
                try Check.number(value, key, min: 0, max: 1)
            case "frequency_penalty", "presence_penalty":
                try Check.number(value, key, min: -2, max: 2)
            case "stop":
                if case .string = value { break }
                let stops = try Check.array(value, key)
                if stops.count > 4 { throw Check.valueError(key, "at most 4 stop sequences are allowed.") }
                try Check.stringArray(value, key)
            case "stream", "parallel_tool_calls", "logprobs", "store", "web_search", "cache":
                try Check.bool(value, key)
            case "stream_options":
                let options = try Check.object(value, key)
                if let include = options["include_usage"], !include.isNull { try Check.bool(include, "stream_options.include_usage") }
            case "tools":
                for (i, tool) in try Check.array(value, key).enumerated() { try ChatTool.validate(tool, "tools[\(i)]") }
            case "tool_choice":
                try ToolChoice.validate(value, key)
            case "response_format":
                try ResponseFormat.validate(value, key)
            case "reasoning_effort":
                try Check.oneOf(value, key, ["none", "minimal", "low", "medium", "high", "xhigh", "max"])
            case "user", "safety_identifier", "prompt_cache_key", "service_tier", "verbosity":
                try Check.string(value, key)
            case "metadata", "logit_bias", "web_search_options", "prediction", "audio",
                 "anthropic", "openai", "google":
                try Check.object(value, key)
            case "modalities":
                try Check.stringArray(value, key)
            case "thinking":
                try ThinkingOption.validate(value, key)
            case "search_domains":
                try Check.stringArray(value, key)
            case "mirror_factory":
                let object = try Check.object(value, key)
                if let cost = object["base_cost_usd"] {
                    try Check.number(cost, "mirror_factory.base_cost_usd", min: 0)
                    if Picodollars(usdString: cost.numberValue?.text ?? "") == nil {
                        throw Check.valueError("mirror_factory.base_cost_usd",
                                               "must be a non-negative decimal number of US dollars with at most 12 decimal places.")
                    }
                }
            default:
                break
            }
        }
    }
}
