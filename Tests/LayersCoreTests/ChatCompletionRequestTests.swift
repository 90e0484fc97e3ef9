import XCTest
import LayersCredits
@testable import LayersCore

final class ChatCompletionRequestTests: XCTestCase {
    private func parse(_ text: String) throws(LayersError) -> ChatCompletionRequest {
        try ChatCompletionRequest.parse(Array(text.utf8))
    }

    /// Asserts that parsing fails with a 400 naming `param`.
    private func assertRejected(_ text: String, param: String, code: String? = nil,
                                file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try parse(text)
            XCTFail("accepted: \(text)", file: file, line: line)
        } catch {
            XCTAssertEqual(error.status, 400, file: file, line: line)
            XCTAssertEqual(error.param, param, "\(error.message)", file: file, line: line)
            XCTAssertTrue(error.message.contains(param), "\(error.message)", file: file, line: line)
            if let code { XCTAssertEqual(error.code, code, file: file, line: line) }
        }
    }

    static let fullRequest = #"""
        {"model":"anthropic/claude-sonnet-4.5",
         "messages":[
           {"role":"system","content":"Be brief."},
           {"role":"developer","content":"Answer in French."},
           {"role":"user","name":"ann","content":[
              {"type":"text","text":"What is in this image?","cache_control":{"type":"ephemeral"}},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"low"}},
              {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
              {"type":"file","file":{"filename":"a.pdf","file_data":"data:application/pdf;base64,JVBERi0="}}]},
           {"role":"assistant","content":null,"tool_calls":[
              {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}}]},
           {"role":"tool","tool_call_id":"call_1","content":"{\"temp\":21}"},
           {"role":"assistant","content":"It is 21°C.","reasoning_content":"thought"}],
         "max_tokens":500,"max_completion_tokens":400,"temperature":0.7,"top_p":1,"stop":["\n\n","END"],
         "n":1,"seed":42,"frequency_penalty":0.5,"presence_penalty":-0.5,
         "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}},"strict":true},"cache_control":{"type":"ephemeral"}}],
         "tool_choice":{"type":"function","function":{"name":"get_weather"}},
         "parallel_tool_calls":false,
         "response_format":{"type":"json_schema","json_schema":{"name":"answer","schema":{"type":"object"},"strict":true}},
         "reasoning_effort":"low","stream":true,"stream_options":{"include_usage":false,"include_obfuscation":false},
         "user":"u-1","metadata":{"project":"docs","pattern":"rag"},
         "thinking":{"type":"enabled","budget_tokens":2048},"web_search":true,"search_domains":["swift.org","-reddit.com"],
         "cache":true,"anthropic":{"top_k":5},"openai":{"store":false},"google":{"safetySettings":[]},
         "mirror_factory":{"base_cost_usd":0.0105},
         "search_recency_filter":"week","x_custom":{"nested":[1,2.50,"x"]}}
        """#

    func testParsesEveryTypedField() throws {
        let request = try parse(Self.fullRequest)
        XCTAssertEqual(request.model, "anthropic/claude-sonnet-4.5")
        XCTAssertEqual(request.messageCount, 6)
        let messages = request.messages
        XCTAssertEqual(messages.map(\.role), [.system, .developer, .user, .assistant, .tool, .assistant])
        XCTAssertEqual(messages[0].textContent, "Be brief.")
        XCTAssertEqual(messages[2].name, "ann")
        let parts = messages[2].parts
        XCTAssertEqual(parts.map(\.kind), [.text, .imageURL, .inputAudio, .file])
        XCTAssertEqual(parts[0].cacheControl, ["type": "ephemeral"])
        XCTAssertEqual(parts[1].imageURL, "data:image/png;base64,iVBORw0KGgo=")
        XCTAssertEqual(parts[1].imageDetail, "low")
        XCTAssertEqual(parts[2].audioData, "UklGRg==")
        XCTAssertEqual(parts[2].audioFormat, "wav")
        XCTAssertEqual(parts[3].filename, "a.pdf")
        XCTAssertEqual(parts[3].fileData, "data:application/pdf;base64,JVBERi0=")
        XCTAssertTrue(messages[2].hasNonTextParts)
        XCTAssertEqual(messages[2].textContent, "What is in this image?")
        XCTAssertNil(messages[3].content)
        XCTAssertEqual(messages[3].toolCalls, [ToolCall(id: "call_1", name: "get_weather", arguments: #"{"city":"Paris"}"#)])
        XCTAssertEqual(messages[4].toolCallID, "call_1")
        XCTAssertEqual(messages[5].reasoningContent, "thought")
        XCTAssertEqual(request.maxTokens, 500)
        XCTAssertEqual(request.maxCompletionTokens, 400)
        XCTAssertEqual(request.requestedMaxOutputTokens, 400)
        XCTAssertEqual(request.temperature, 0.7)
        XCTAssertEqual(request.topP, 1)
        XCTAssertEqual(request.stop, ["\n\n", "END"])
        XCTAssertEqual(request.n, 1)
        XCTAssertEqual(request.seed, 42)
        XCTAssertEqual(request.frequencyPenalty, 0.5)
        XCTAssertEqual(request.presencePenalty, -0.5)
        XCTAssertEqual(request.tools.count, 1)
        XCTAssertEqual(request.tools[0].name, "get_weather")
        XCTAssertEqual(request.tools[0].description, "Weather")
        XCTAssertEqual(request.tools[0].strict, true)
        XCTAssertEqual(request.tools[0].parameters?["type"], "object")
        XCTAssertEqual(request.tools[0].cacheControl, ["type": "ephemeral"])
        XCTAssertEqual(request.toolChoice, .function(name: "get_weather"))
        XCTAssertEqual(request.parallelToolCalls, false)
        XCTAssertEqual(request.responseFormat, .jsonSchema(name: "answer", schema: ["type": "object"], strict: true, description: nil))
        XCTAssertEqual(request.reasoningEffort, "low")
        XCTAssertTrue(request.stream)
        XCTAssertFalse(request.includeUsage)
        XCTAssertEqual(request.user, "u-1")
        XCTAssertEqual(request.metadata, ["project": "docs", "pattern": "rag"])
        XCTAssertEqual(request.thinking, ThinkingOption(enabled: true, budgetTokens: 2048))
        XCTAssertTrue(request.webSearch)
        XCTAssertEqual(request.searchDomains, ["swift.org", "-reddit.com"])
        XCTAssertTrue(request.cache)
        XCTAssertEqual(request.providerOptions("anthropic"), ["top_k": 5])
        XCTAssertEqual(request.providerOptions("openai"), ["store": false])
        XCTAssertNotNil(request.providerOptions("google"))
        XCTAssertEqual(request.mirrorFactoryBaseCost, Picodollars(usd: "0.0105"))
    }

    func testUnknownFieldsPreservedInOrderAndRoundTrip() throws {
        let request = try parse(Self.fullRequest)
        XCTAssertEqual(request.unknownFields.keys, ["search_recency_filter", "x_custom"])
        // Byte-for-byte identical to a re-serialization of the original (numbers keep their text).
        let original = try JSONValue.parse(Self.fullRequest)
        XCTAssertEqual(request.json.serialized(), original.serialized())
        XCTAssertTrue(request.json.serialized().contains("[1,2.50,\"x\"]"))
        XCTAssertEqual(request.json.keys, original.objectValue?.keys)
        XCTAssertEqual(try ChatCompletionRequest.parse(request.json.serializedBytes()), request)
    }

    func testEditsKeepEverythingElse() throws {
        var request = try parse(Self.fullRequest)
        request.model = "claude-sonnet-4-5"
        request.includeUsage = true
        request.stream = false
        XCTAssertEqual(request.json["model"], "claude-sonnet-4-5")
        XCTAssertEqual(request.json["stream_options"], ["include_usage": true, "include_obfuscation": false])
        XCTAssertEqual(request.json.keys, try JSONValue.parse(Self.fullRequest).objectValue?.keys)
        var messages = request.messages
        messages.append(ChatMessage(role: .user, text: "more"))
        request.messages = messages
        XCTAssertEqual(request.messageCount, 7)
        XCTAssertEqual(request.messages[2].parts[0].cacheControl, ["type": "ephemeral"])
    }

    func testMinimalRequestDefaults() throws {
        let request = try parse(#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}]}"#)
        XCTAssertFalse(request.stream)
        XCTAssertFalse(request.includeUsage)
        XCTAssertNil(request.maxTokens)
        XCTAssertNil(request.toolChoice)
        XCTAssertNil(request.responseFormat)
        XCTAssertEqual(request.stop, [])
        XCTAssertEqual(request.tools, [])
        XCTAssertNil(request.thinking)
        XCTAssertFalse(request.webSearch)
        XCTAssertNil(request.mirrorFactoryBaseCost)
        XCTAssertTrue(request.unknownFields.isEmpty)
        XCTAssertEqual(try parse(#"{"model":"m","messages":[],"stop":"END"}"#).stop, ["END"])
        XCTAssertEqual(try parse(#"{"model":"m","messages":[],"tool_choice":"required"}"#).toolChoice, .required)
        XCTAssertEqual(try parse(#"{"model":"m","messages":[],"response_format":{"type":"json_object"}}"#).responseFormat, .jsonObject)
        // Missing model/messages are the validator's to report.
        XCTAssertEqual(try parse("{}").model, "")
        XCTAssertEqual(try parse("{}").messageCount, 0)
    }

    func testBuildingARequest() throws {
        let request = ChatCompletionRequest(model: "m", messages: [
            ChatMessage(role: .system, text: "s"),
            ChatMessage(role: .user, parts: [.text("look"), .imageURL("https://x/y.png", detail: "high")]),
            ChatMessage(assistantText: nil, toolCalls: [ToolCall(id: "c", name: "f", arguments: "{}")]),
            ChatMessage(toolCallID: "c", result: "ok"),
        ], stream: true)
        let reparsed = try ChatCompletionRequest.parse(request.json.serializedBytes())
        XCTAssertEqual(reparsed, request)
        XCTAssertEqual(reparsed.messages[1].parts[1].imageDetail, "high")
        XCTAssertNoThrow(try ChatRequestValidator().validate(reparsed))
    }

    func testNotJSONOrNotObject() {
        XCTAssertThrowsError(try parse("{\"model\":")) { error in
            XCTAssertEqual((error as? LayersError)?.code, "invalid_json")
        }
        XCTAssertThrowsError(try parse("[1,2]")) { error in
            XCTAssertEqual((error as? LayersError)?.status, 400)
            XCTAssertTrue((error as? LayersError)?.message.contains("array") ?? false)
        }
    }

    func testPreciseFieldErrors() {
        assertRejected(#"{"model":5}"#, param: "model", code: "invalid_type")
        assertRejected(#"{"messages":{}}"#, param: "messages", code: "invalid_type")
        assertRejected(#"{"messages":["hi"]}"#, param: "messages[0]")
        assertRejected(#"{"messages":[{"content":"x"}]}"#, param: "messages[0].role", code: "missing_required_parameter")
        assertRejected(#"{"messages":[{"role":"bot","content":"x"}]}"#, param: "messages[0].role", code: "invalid_value")
        assertRejected(#"{"messages":[{"role":"user","content":"a"},{"role":"user","content":"b"},{"role":"user","content":7}]}"#,
                       param: "messages[2].content", code: "invalid_type")
        assertRejected(#"{"messages":[{"role":"user"}]}"#, param: "messages[0].content")
        assertRejected(#"{"messages":[{"role":"user","content":[{"type":"text"}]}]}"#, param: "messages[0].content[0].text")
        assertRejected(#"{"messages":[{"role":"user","content":[{"text":"x"}]}]}"#, param: "messages[0].content[0].type")
        assertRejected(#"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{}}]}]}"#,
                       param: "messages[0].content[0].image_url.url")
        assertRejected(#"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":{"url":"u","detail":"max"}}]}]}"#,
                       param: "messages[0].content[0].image_url.detail")
        assertRejected(#"{"messages":[{"role":"user","content":[{"type":"input_audio","input_audio":{"data":"x"}}]}]}"#,
                       param: "messages[0].content[0].input_audio.format")
        assertRejected(#"{"messages":[{"role":"user","content":[{"type":"file","file":{"filename":"a"}}]}]}"#,
                       param: "messages[0].content[0].file.file_data")
        assertRejected(#"{"messages":[{"role":"user","content":"x","name":1}]}"#, param: "messages[0].name")
        assertRejected(#"{"messages":[{"role":"user","content":"x","tool_calls":[]}]}"#, param: "messages[0].tool_calls")
        assertRejected(#"{"messages":[{"role":"assistant","tool_calls":[{"id":"c","type":"function","function":{"name":"f"}}]}]}"#,
                       param: "messages[0].tool_calls[0].function.arguments")
        assertRejected(#"{"messages":[{"role":"tool","content":"x"}]}"#, param: "messages[0].tool_call_id")
        assertRejected(#"{"max_tokens":0}"#, param: "max_tokens", code: "invalid_value")
        assertRejected(#"{"max_tokens":1.5}"#, param: "max_tokens", code: "invalid_type")
        assertRejected(#"{"max_completion_tokens":"100"}"#, param: "max_completion_tokens")
        assertRejected(#"{"temperature":2.5}"#, param: "temperature", code: "invalid_value")
        assertRejected(#"{"temperature":"hot"}"#, param: "temperature", code: "invalid_type")
        assertRejected(#"{"top_p":-0.1}"#, param: "top_p")
        assertRejected(#"{"n":0}"#, param: "n")
        assertRejected(#"{"stop":["a","b","c","d","e"]}"#, param: "stop")
        assertRejected(#"{"stop":[1]}"#, param: "stop[0]")
        assertRejected(#"{"stream":"yes"}"#, param: "stream")
        assertRejected(#"{"stream_options":{"include_usage":1}}"#, param: "stream_options.include_usage")
        assertRejected(#"{"tools":[{"type":"function","function":{}}]}"#, param: "tools[0].function.name")
        assertRejected(#"{"tools":[{"type":"function","function":{"name":"has space"}}]}"#, param: "tools[0].function.name")
        assertRejected(#"{"tools":[{"type":"function","function":{"name":"f","parameters":[]}}]}"#, param: "tools[0].function.parameters")
        assertRejected(#"{"tool_choice":"sometimes"}"#, param: "tool_choice")
        assertRejected(#"{"tool_choice":{"type":"function","function":{}}}"#, param: "tool_choice.function.name")
        assertRejected(#"{"response_format":{"type":"yaml"}}"#, param: "response_format.type")
        assertRejected(#"{"response_format":{"type":"json_schema"}}"#, param: "response_format.json_schema")
        assertRejected(#"{"response_format":{"type":"json_schema","json_schema":{"schema":{}}}}"#, param: "response_format.json_schema.name")
        assertRejected(#"{"reasoning_effort":"extreme"}"#, param: "reasoning_effort")
        assertRejected(#"{"metadata":"x"}"#, param: "metadata")
        assertRejected(#"{"thinking":{"type":"on"}}"#, param: "thinking.type")
        assertRejected(#"{"thinking":{"type":"enabled","budget_tokens":"lots"}}"#, param: "thinking.budget_tokens")
        assertRejected(#"{"web_search":"true"}"#, param: "web_search")
        assertRejected(#"{"search_domains":"a.com"}"#, param: "search_domains")
        assertRejected(#"{"anthropic":[]}"#, param: "anthropic")
        assertRejected(#"{"mirror_factory":{"base_cost_usd":-1}}"#, param: "mirror_factory.base_cost_usd")
        assertRejected(#"{"mirror_factory":{"base_cost_usd":"0.1"}}"#, param: "mirror_factory.base_cost_usd")
    }

    func testOtherOpenAIFields() throws {
        let request = try parse(#"{"model":"m","messages":[],"logprobs":true,"top_logprobs":3,"logit_bias":{"50256":-100},"modalities":["text","audio"],"audio":{"voice":"alloy","format":"wav"},"prediction":{"type":"content","content":"x"},"store":false,"service_tier":"flex","verbosity":"low","web_search_options":{"search_context_size":"high"},"prompt_cache_key":"k","safety_identifier":"s"}"#)
        XCTAssertEqual(request.logprobs, true)
        XCTAssertEqual(request.topLogprobs, 3)
        XCTAssertEqual(request.logitBias, ["50256": -100])
        XCTAssertEqual(request.modalities, ["text", "audio"])
        XCTAssertEqual(request.audio?["voice"], "alloy")
        XCTAssertEqual(request.prediction?["type"], "content")
        XCTAssertEqual(request.store, false)
        XCTAssertEqual(request.serviceTier, "flex")
        XCTAssertEqual(request.verbosity, "low")
        XCTAssertEqual(request.webSearchOptions?["search_context_size"], "high")
        XCTAssertEqual(request.promptCacheKey, "k")
        XCTAssertEqual(request.safetyIdentifier, "s")
        XCTAssertTrue(request.unknownFields.isEmpty)
        assertRejected(#"{"top_logprobs":21}"#, param: "top_logprobs")
        assertRejected(#"{"logit_bias":[1]}"#, param: "logit_bias")
        assertRejected(#"{"modalities":"text"}"#, param: "modalities")
        assertRejected(#"{"logprobs":"yes"}"#, param: "logprobs")
    }

    func testNullOptionalFieldsAreAccepted() throws {
        let request = try parse(#"{"model":"m","messages":[],"temperature":null,"tools":null,"stop":null,"user":null}"#)
        XCTAssertNil(request.temperature)
        XCTAssertEqual(request.tools, [])
    }

    func testImageURLAsBareStringAndUnknownPartTypes() throws {
        let request = try parse(#"{"messages":[{"role":"user","content":[{"type":"image_url","image_url":"https://x/a.png"},{"type":"image","image":"abc"}]}]}"#)
        let parts = request.messages[0].parts
        XCTAssertEqual(parts[0].imageURL, "https://x/a.png")
        XCTAssertEqual(parts[1].kind, .other("image"))
    }

    func testContentLengthCountsUTF16LikeTheOriginal() {
        XCTAssertEqual(ChatMessage(role: .user, text: "héllo").contentLength, 5)
        XCTAssertEqual(ChatMessage(role: .user, text: "🚀").contentLength, 2)
        let parts = ChatMessage(role: .user, parts: [.text("abc"), .imageURL("data:image/png;base64," + String(repeating: "A", count: 1000)), .text("de")])
        XCTAssertEqual(parts.contentLength, 5)
    }
}

/// Every known field, and every member of every message and part, replaced by every JSON
/// type: parsing must either accept it or fail with a 400 whose `param` starts with that
/// field's path (never crash, never blame another field).
final class ChatCompletionRequestMutationTests: XCTestCase {
    static let replacements: [JSONValue] = [.null, 1, -1, 2.5, "x", true, [], [:], ["x"], ["a": 1]]

    private func check(_ body: JSONObject, path: String, file: StaticString = #filePath, line: UInt = #line) {
        do {
            _ = try ChatCompletionRequest(json: body)
        } catch {
            XCTAssertEqual(error.status, 400, file: file, line: line)
            let param = error.param ?? ""
            XCTAssertTrue(param.hasPrefix(path), "mutating \(path) blamed '\(param)': \(error.message)", file: file, line: line)
        }
    }

    func testTopLevelMutations() throws {
        let original = try XCTUnwrap(JSONValue.parse(ChatCompletionRequestTests.fullRequest).objectValue)
        for key in original.keys where key != "messages" {
            for replacement in Self.replacements {
                var body = original
                body[key] = replacement
                // tool_choice names a tool: keep the rest consistent by testing shape only.
                check(body, path: key)
            }
        }
    }

    func testMessageMutations() throws {
        let original = try XCTUnwrap(JSONValue.parse(ChatCompletionRequestTests.fullRequest).objectValue)
        let messages = try XCTUnwrap(original["messages"]?.arrayValue)
        for (index, message) in messages.enumerated() {
            let object = try XCTUnwrap(message.objectValue)
            for key in object.keys + ["tool_calls", "name"] {
                for replacement in Self.replacements {
                    var mutated = object
                    mutated[key] = replacement
                    var list = messages
                    list[index] = .object(mutated)
                    var body = original
                    body["messages"] = .array(list)
                    check(body, path: "messages[\(index)]")
                }
            }
            // Each part's members too.
            for (partIndex, part) in (object["content"]?.arrayValue ?? []).enumerated() {
                let partObject = try XCTUnwrap(part.objectValue)
                for key in partObject.keys {
                    for replacement in Self.replacements {
                        var mutatedPart = partObject
                        mutatedPart[key] = replacement
                        var content = object["content"]!.arrayValue!
                        content[partIndex] = .object(mutatedPart)
                        var mutated = object
                        mutated["content"] = .array(content)
                        var list = messages
                        list[index] = .object(mutated)
                        var body = original
                        body["messages"] = .array(list)
                        check(body, path: "messages[\(index)].content[\(partIndex)]")
                    }
                }
            }
        }
    }
}

/// `ChatCompletionRequest.openAIFields` must be exactly the members of OpenAI's
/// `CreateChatCompletionRequest` (checked against the full spec in `../shared/reference` when it
/// is there), so no OpenAI field is ever counted as an unknown pass-through field and vice versa.
final class ChatCompletionRequestSpecTests: XCTestCase {
    func testOpenAIFieldsAreTheSpecsRequestMembers() throws {
        let spec = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("shared/reference/openai-openapi.json")
        guard let data = try? Data(contentsOf: spec) else {
            throw XCTSkip("no OpenAI spec at \(spec.path)")
        }
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let schemas = try XCTUnwrap((root["components"] as? [String: Any])?["schemas"] as? [String: Any])
        var members = Set<String>()
        func collect(_ node: Any?) {
            guard let node = node as? [String: Any] else { return }
            if let ref = node["$ref"] as? String {
                collect(schemas[String(ref.split(separator: "/").last ?? "")])
                return
            }
            for key in ["allOf", "anyOf", "oneOf"] { (node[key] as? [Any])?.forEach(collect) }
            members.formUnion((node["properties"] as? [String: Any])?.keys ?? [:].keys)
        }
        collect(schemas["CreateChatCompletionRequest"])
        XCTAssertGreaterThan(members.count, 30)
        XCTAssertEqual(ChatCompletionRequest.openAIFields, members)
        XCTAssertTrue(ChatCompletionRequest.layersFields.isDisjoint(with: members))
    }
}
