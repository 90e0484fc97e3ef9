// Translation CPU cost of each provider adapter, per request and per stream event (release build).
//
//   bash bench/providers/run.sh [iterations]     (release build, then the run, also against the local fake)
//
// CPU time is user+sys from getrusage (steady on a noisy machine, unlike wall time).
import Foundation
import LayersCore
import LayersGateway
import LayersModels

func cpuMicros() -> Double {
    var usage = rusage()
    getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
    let user = Double(usage.ru_utime.tv_sec) * 1e6 + Double(usage.ru_utime.tv_usec)
    let system = Double(usage.ru_stime.tv_sec) * 1e6 + Double(usage.ru_stime.tv_usec)
    return user + system
}

func measure(_ iterations: Int, _ body: () throws -> Void) rethrows -> Double {
    for _ in 0..<max(1, iterations / 10) { try body() }  // warm-up
    let start = cpuMicros()
    for _ in 0..<iterations { try body() }
    return (cpuMicros() - start) / Double(iterations)
}

/// Writes a line at once (unbuffered), so a pipe sees each row as it is measured.
func emit(_ line: String) { FileHandle.standardOutput.write(Data((line + "\n").utf8)) }

let iterations = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 2000 : 2000
let words = (0..<40).map { "word\($0)" }.joined(separator: " ")
let answer = String(repeating: words + ". ", count: 5)  // ~200 words
let deltas = (0..<200).map { "tok\($0) " }

let requestJSON = """
{"model":"MODEL","temperature":0.7,"max_tokens":1024,"stream":STREAM,
 "tools":[{"type":"function","function":{"name":"get_weather","description":"Current weather","parameters":{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}}},
          {"type":"function","function":{"name":"search","description":"Search the web","parameters":{"type":"object","properties":{"q":{"type":"string"}},"required":["q"]}}}],
 "messages":[{"role":"system","content":"You are a helpful assistant. \(words)"},
  {"role":"user","content":"\(words)"},{"role":"assistant","content":"\(words)"},
  {"role":"user","content":"What is the weather in Paris?"},
  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},
  {"role":"tool","tool_call_id":"call_1","content":"{\\"temp\\":21,\\"sky\\":\\"clear\\"}"},
  {"role":"user","content":"\(words) Thanks, and tomorrow?"}]}
"""

func request(_ model: String, stream: Bool) -> ChatCompletionRequest {
    let text = requestJSON.replacingOccurrences(of: "MODEL", with: model)
        .replacingOccurrences(of: "STREAM", with: stream ? "true" : "false")
    return try! ChatCompletionRequest.parse(Array(text.utf8))
}

func json(_ value: JSONValue) -> String { value.serialized() }

struct Case {
    var name: String
    var api: ProviderAPI
    var modelID: String
    var response: String
    var events: [String]
}

let usageOpenAI: JSONValue = ["prompt_tokens": 900, "completion_tokens": 260, "total_tokens": 1160,
                              "prompt_tokens_details": ["cached_tokens": 0], "completion_tokens_details": ["reasoning_tokens": 0]]
func openAIChunk(_ delta: JSONValue, finish: JSONValue = .null) -> String {
    "data: " + json(["id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o",
                     "choices": [["index": 0, "delta": delta, "finish_reason": finish]]]) + "\n\n"
}
let openAIResponse = json(["id": "chatcmpl-1", "object": "chat.completion", "created": 1, "model": "gpt-4o",
                           "choices": [["index": 0, "message": ["role": "assistant", "content": .string(answer), "refusal": .null],
                                        "finish_reason": "stop", "logprobs": .null]], "usage": usageOpenAI])
let openAIEvents = [openAIChunk(["role": "assistant", "content": ""])] + deltas.map { openAIChunk(["content": .string($0)]) }
    + [openAIChunk([:], finish: "stop"),
       "data: " + json(["id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "gpt-4o",
                        "choices": [], "usage": usageOpenAI]) + "\n\n", "data: [DONE]\n\n"]

let perplexityResponse = json(["id": "p1", "object": "chat.completion", "created": 1, "model": "sonar-reasoning-pro",
                               "citations": ["https://a.example", "https://b.example"],
                               "choices": [["index": 0, "message": ["role": "assistant", "content": .string("<think>\(words)</think>\n\n" + answer)],
                                            "finish_reason": "stop"]],
                               "usage": ["prompt_tokens": 900, "completion_tokens": 260, "total_tokens": 1160,
                                         "search_context_size": "low", "num_search_queries": 1, "reasoning_tokens": 40]])
let perplexityEvents = [openAIChunk(["role": "assistant", "content": "<think>"])] + deltas.prefix(40).map { openAIChunk(["content": .string($0)]) }
    + [openAIChunk(["content": "</think>\n\n"])] + deltas.dropFirst(40).map { openAIChunk(["content": .string($0)]) }
    + ["data: " + json(["id": "p1", "object": "chat.completion.chunk", "created": 1, "model": "sonar",
                        "choices": [["index": 0, "delta": [:], "finish_reason": "stop"]],
                        "usage": ["prompt_tokens": 900, "completion_tokens": 260, "total_tokens": 1160]]) + "\n\n",
       "data: [DONE]\n\n"]

func anthropicEvent(_ name: String, _ data: JSONValue) -> String { "event: \(name)\ndata: \(json(data))\n\n" }
let anthropicUsage: JSONValue = ["input_tokens": 900, "output_tokens": 260, "cache_read_input_tokens": 0,
                                 "cache_creation_input_tokens": 0]
let anthropicResponse = json(["id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-4-5",
                              "content": [["type": "text", "text": .string(answer)],
                                          ["type": "tool_use", "id": "toolu_1", "name": "search", "input": ["q": "weather paris"]]],
                              "stop_reason": "tool_use", "stop_sequence": .null, "usage": anthropicUsage])
let anthropicEvents = [anthropicEvent("message_start", ["type": "message_start", "message": ["id": "msg_1", "type": "message",
                            "role": "assistant", "content": [], "model": "claude-sonnet-4-5", "usage": anthropicUsage]]),
                       anthropicEvent("content_block_start", ["type": "content_block_start", "index": 0,
                                                              "content_block": ["type": "text", "text": ""]])]
    + deltas.map { anthropicEvent("content_block_delta", ["type": "content_block_delta", "index": 0,
                                                         "delta": ["type": "text_delta", "text": .string($0)]]) }
    + [anthropicEvent("content_block_stop", ["type": "content_block_stop", "index": 0]),
       anthropicEvent("message_delta", ["type": "message_delta", "delta": ["stop_reason": "end_turn"],
                                        "usage": ["output_tokens": 260]]),
       anthropicEvent("message_stop", ["type": "message_stop"])]

let geminiUsage: JSONValue = ["promptTokenCount": 900, "candidatesTokenCount": 260, "totalTokenCount": 1160]
let geminiResponse = json(["candidates": [["content": ["role": "model", "parts": [["text": .string(answer)],
                                           ["functionCall": ["name": "search", "args": ["q": "weather paris"]]]]],
                                           "finishReason": "STOP", "index": 0]],
                           "usageMetadata": geminiUsage, "modelVersion": "gemini-2.5-flash", "responseId": "r1"])
let geminiEvents = deltas.enumerated().map { i, d in
    var candidate: JSONObject = ["content": ["role": "model", "parts": [["text": .string(d)]]], "index": 0]
    if i == deltas.count - 1 { candidate["finishReason"] = "STOP" }
    return "data: " + json(["candidates": [.object(candidate)], "usageMetadata": geminiUsage, "responseId": "r1"]) + "\r\n\r\n"
}

// Thinking + tool-call streams: reasoning deltas, a signature, text, then a tool call's arguments in fragments.
let argumentFragments = ["{\"q\":\""] + (0..<48).map { "w\($0) " } + ["\"}"]
let anthropicToolEvents = [anthropicEvents[0],
                           anthropicEvent("content_block_start", ["type": "content_block_start", "index": 0,
                                                                  "content_block": ["type": "thinking", "thinking": ""]])]
    + deltas.prefix(50).map { anthropicEvent("content_block_delta", ["type": "content_block_delta", "index": 0,
                                                                    "delta": ["type": "thinking_delta", "thinking": .string($0)]]) }
    + [anthropicEvent("content_block_delta", ["type": "content_block_delta", "index": 0,
                                              "delta": ["type": "signature_delta", "signature": .string(String(repeating: "s", count: 300))]]),
       anthropicEvent("content_block_stop", ["type": "content_block_stop", "index": 0]),
       anthropicEvent("content_block_start", ["type": "content_block_start", "index": 1, "content_block": ["type": "text", "text": ""]])]
    + deltas.prefix(100).map { anthropicEvent("content_block_delta", ["type": "content_block_delta", "index": 1,
                                                                     "delta": ["type": "text_delta", "text": .string($0)]]) }
    + [anthropicEvent("content_block_stop", ["type": "content_block_stop", "index": 1]),
       anthropicEvent("content_block_start", ["type": "content_block_start", "index": 2, "content_block": [
           "type": "tool_use", "id": "toolu_1", "name": "search", "input": [:]]])]
    + argumentFragments.map { anthropicEvent("content_block_delta", ["type": "content_block_delta", "index": 2,
                                                                     "delta": ["type": "input_json_delta", "partial_json": .string($0)]]) }
    + [anthropicEvent("content_block_stop", ["type": "content_block_stop", "index": 2]),
       anthropicEvent("message_delta", ["type": "message_delta", "delta": ["stop_reason": "tool_use"],
                                        "usage": ["output_tokens": 260]]),
       anthropicEvent("message_stop", ["type": "message_stop"])]

let geminiToolEvents = deltas.prefix(50).map { d in
    "data: " + json(["candidates": [["content": ["role": "model", "parts": [["text": .string(d), "thought": true]]], "index": 0]],
                     "usageMetadata": geminiUsage, "responseId": "r1"]) + "\r\n\r\n"
} + deltas.prefix(100).map { d in
    "data: " + json(["candidates": [["content": ["role": "model", "parts": [["text": .string(d)]]], "index": 0]],
                     "usageMetadata": geminiUsage, "responseId": "r1"]) + "\r\n\r\n"
} + ["data: " + json(["candidates": [["content": ["role": "model", "parts": [
        ["functionCall": ["name": "search", "args": ["q": .string(words)]], "thoughtSignature": .string(String(repeating: "s", count: 300))]]],
        "finishReason": "STOP", "index": 0]],
        "usageMetadata": ["promptTokenCount": 900, "candidatesTokenCount": 260, "thoughtsTokenCount": 80,
                          "totalTokenCount": 1240], "responseId": "r1"]) + "\r\n\r\n"]

let cases = [
    Case(name: "openai (pass-through)", api: .openAI, modelID: "openai/gpt-4o", response: openAIResponse, events: openAIEvents),
    Case(name: "perplexity (<think> split)", api: .perplexity, modelID: "perplexity/sonar-reasoning-pro",
         response: perplexityResponse, events: perplexityEvents),
    Case(name: "anthropic", api: .anthropic, modelID: "anthropic/claude-sonnet-4.5", response: anthropicResponse,
         events: anthropicEvents),
    Case(name: "gemini", api: .gemini, modelID: "google/gemini-2.5-flash", response: geminiResponse, events: geminiEvents),
    Case(name: "anthropic (thinking+tool stream)", api: .anthropic, modelID: "anthropic/claude-sonnet-4.5",
         response: anthropicResponse, events: anthropicToolEvents),
    Case(name: "gemini (thinking+tool stream)", api: .gemini, modelID: "google/gemini-2.5-flash",
         response: geminiResponse, events: geminiToolEvents),
]

emit("iterations: \(iterations); request: \(requestJSON.utf8.count) B, 7 messages, 2 tools; answer ~\(answer.utf8.count) B; stream: \(deltas.count) text events")
emit("adapter                          | request->upstream µs | response->client µs | per stream event µs | events")
for c in cases {
    let model = ModelRegistry.builtIn.model(id: c.modelID)!
    let translator = OfflineTranslator(api: c.api, model: model)
    let plain = request(c.modelID, stream: false)
    let streamed = request(c.modelID, stream: true)
    let responseBytes = Array(c.response.utf8)
    let pieces = c.events.map { Array($0.utf8) }
    let prepared = try translator.prepare(plain, stream: false)
    let preparedStream = try translator.prepare(streamed, stream: true)
    var sink = 0
    let requestCost = try measure(iterations) { sink &+= try translator.prepare(plain, stream: false).body.count }
    let responseCost = try measure(iterations) {
        let result = try translator.response(from: responseBytes, prepared: prepared)
        sink &+= JSONValue.object(result.body).serializedBytes().count
    }
    let streamIterations = max(1, iterations / 20)
    let streamCost = try measure(streamIterations) {
        _ = try translator.stream(pieces, prepared: preparedStream) { chunk in
            var out: [UInt8] = []
            SSEEncoder.writeJSON(.object(chunk), to: &out)
            sink &+= out.count
        }
    } / Double(pieces.count)
    emit(c.name.padding(toLength: 33, withPad: " ", startingAt: 0)
          + "| " + String(format: "%20.1f", requestCost) + " | " + String(format: "%19.1f", responseCost)
          + " | " + String(format: "%19.2f", streamCost) + " | " + String(format: "%6d", pieces.count))
    if sink == 42 { emit("") }
}

// Optional: the curl client's own CPU per streamed event and per request, against a local server
// (e.g. the fake: LAYERS_BENCH_UPSTREAM=http://127.0.0.1:<port> from `python3 Tests/fakes/fake_providers.py`).
if let base = ProcessInfo.processInfo.environment["LAYERS_BENCH_UPSTREAM"] {
    let client = UpstreamHTTPClient()
    let events = 5000
    let semaphore = DispatchSemaphore(value: 0)
    let body = Array(requestJSON.utf8)
    Task.detached {  // not on the main actor, which semaphore.wait() blocks
        defer { semaphore.signal() }
        do {
            let requests = 300
            for _ in 0..<20 { _ = try await client.request(UpstreamRequest(url: base + "/_test/echo", body: body)) }
            let startRequests = cpuMicros()
            for _ in 0..<requests {
                let r = try await client.request(UpstreamRequest(url: base + "/_test/echo", body: body))
                precondition(r.status == 200, "echo answered \(r.status)")
            }
            let perRequest = (cpuMicros() - startRequests) / Double(requests)
            var newlines = 0
            let start = cpuMicros()
            for _ in 0..<3 {
                let stream = try await client.stream(UpstreamRequest(method: "GET",
                                                                     url: base + "/_test/stream?events=\(events)&size=64"))
                precondition(stream.status == 200, "stream answered \(stream.status)")
                for try await chunk in stream.body { newlines += chunk.reduce(0) { $1 == 10 ? $0 + 1 : $0 } }
            }
            let seen = newlines / 2  // each event ends with a blank line
            let perEvent = (cpuMicros() - start) / Double(max(1, seen))
            emit("curl client (keep-alive, loopback): \(String(format: "%.1f", perRequest)) µs CPU per \(body.count) B POST "
                  + "request; \(String(format: "%.2f", perEvent)) µs CPU per streamed event (\(seen) events)")
        } catch {
            emit("curl client run failed: \(error)")
        }
    }
    semaphore.wait()
}
