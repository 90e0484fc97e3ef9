import XCTest
@testable import LayersCore

final class ChatRequestValidatorTests: XCTestCase {
    private func validate(_ text: String, limits: ChatRequestLimits = .default) throws {
        try ChatRequestValidator(limits: limits).validate(try ChatCompletionRequest.parse(Array(text.utf8)))
    }

    private func error(_ text: String, limits: ChatRequestLimits = .default) -> LayersError? {
        do {
            try validate(text, limits: limits)
            return nil
        } catch let error as LayersError {
            return error
        } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    private func messages(_ count: Int, content: String = "hi") -> String {
        let one = #"{"role":"user","content":"\#(content)"}"#
        return "[" + Array(repeating: one, count: count).joined(separator: ",") + "]"
    }

    func testValidRequest() {
        XCTAssertNoThrow(try validate(#"{"model":"openai/gpt-4o","messages":[{"role":"user","content":"hi"}]}"#))
    }

    func testModelRequired() {
        for body in [#"{"messages":[{"role":"user","content":"hi"}]}"#,
                     #"{"model":"","messages":[{"role":"user","content":"hi"}]}"#,
                     #"{"model":"  ","messages":[{"role":"user","content":"hi"}]}"#,
                     #"{"model":null,"messages":[{"role":"user","content":"hi"}]}"#] {
            XCTAssertEqual(error(body), .missingModel, body)
        }
        XCTAssertEqual(error(#"{"messages":[]}"#)?.message, "Model is required")
    }

    func testMessagesRequiredAndNonEmpty() {
        XCTAssertEqual(error(#"{"model":"m"}"#), .missingMessages)
        XCTAssertEqual(error(#"{"model":"m","messages":[]}"#), .missingMessages)
        XCTAssertEqual(error(#"{"model":"m","messages":null}"#), .missingMessages)
        let message = error(#"{"model":"m","messages":[]}"#)?.message ?? ""
        XCTAssertTrue(message.contains("Messages") && message.contains("empty"))
    }

    func testMessageCountLimit() {
        XCTAssertNil(error(#"{"model":"m","messages":\#(messages(100))}"#))
        let tooMany = error(#"{"model":"m","messages":\#(messages(101))}"#)
        XCTAssertEqual(tooMany, .tooManyMessages(limit: 100, received: 101))
        XCTAssertEqual(tooMany?.status, 400)
        XCTAssertEqual(error(#"{"model":"m","messages":\#(messages(3))}"#, limits: .init(maxMessages: 2)),
                       .tooManyMessages(limit: 2, received: 3))
    }

    func testContentLengthLimit() {
        let atLimit = String(repeating: "a", count: 100_000)
        XCTAssertNil(error(#"{"model":"m","messages":[{"role":"user","content":"\#(atLimit)"}]}"#))
        let body = #"{"model":"m","messages":[{"role":"system","content":"s"},{"role":"user","content":"\#(atLimit)b"}]}"#
        let tooLong = error(body)
        XCTAssertEqual(tooLong, .messageTooLong(index: 1, limit: 100_000, received: 100_001))
        XCTAssertEqual(tooLong?.param, "messages[1].content")
        // Text parts add up.
        let half = String(repeating: "x", count: 6)
        XCTAssertEqual(error(#"{"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"\#(half)"},{"type":"text","text":"\#(half)"}]}]}"#,
                             limits: .init(maxContentLength: 10)),
                       .messageTooLong(index: 0, limit: 10, received: 12))
    }

    func testAssistantNeedsContentOrToolCalls() {
        let e = error(#"{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":null}]}"#)
        XCTAssertEqual(e?.param, "messages[1].content")
        XCTAssertNil(error(#"{"model":"m","messages":[{"role":"user","content":"q"},{"role":"assistant","content":null,"refusal":"no"}]}"#))
    }

    func testToolMessagesMustAnswerPrecedingToolCalls() {
        let call = #"{"role":"assistant","tool_calls":[{"id":"a","type":"function","function":{"name":"f","arguments":"{}"}},{"id":"b","type":"function","function":{"name":"f","arguments":"{}"}}]}"#
        let ok = #"{"model":"m","messages":[{"role":"user","content":"q"},\#(call),{"role":"tool","tool_call_id":"a","content":"1"},{"role":"tool","tool_call_id":"b","content":"2"},{"role":"user","content":"thanks"}]}"#
        XCTAssertNil(error(ok))
        let orphan = error(#"{"model":"m","messages":[{"role":"user","content":"q"},{"role":"tool","tool_call_id":"a","content":"1"}]}"#)
        XCTAssertEqual(orphan?.param, "messages[1].role")
        XCTAssertTrue(orphan?.message.contains("tool_calls") ?? false)
        let wrongID = error(#"{"model":"m","messages":[{"role":"user","content":"q"},\#(call),{"role":"tool","tool_call_id":"zzz","content":"1"}]}"#)
        XCTAssertEqual(wrongID?.param, "messages[2].tool_call_id")
        let afterUser = error(#"{"model":"m","messages":[\#(call),{"role":"user","content":"x"},{"role":"tool","tool_call_id":"a","content":"1"}]}"#)
        XCTAssertEqual(afterUser?.param, "messages[2].role")
    }

    func testToolsAndToolChoice() {
        let tool = #"{"type":"function","function":{"name":"f"}}"#
        XCTAssertNil(error(#"{"model":"m","messages":\#(messages(1)),"tools":[\#(tool)],"tool_choice":{"type":"function","function":{"name":"f"}}}"#))
        XCTAssertEqual(error(#"{"model":"m","messages":\#(messages(1)),"tools":[\#(tool)],"tool_choice":{"type":"function","function":{"name":"g"}}}"#)?.param,
                       "tool_choice.function.name")
        XCTAssertEqual(error(#"{"model":"m","messages":\#(messages(1)),"tool_choice":"required"}"#)?.param, "tool_choice")
        XCTAssertNil(error(#"{"model":"m","messages":\#(messages(1)),"tool_choice":"none"}"#))
        XCTAssertEqual(error(#"{"model":"m","messages":\#(messages(1)),"tools":[\#(tool),\#(tool)]}"#)?.param, "tools[1].function.name")
        XCTAssertEqual(error(#"{"model":"m","messages":\#(messages(1)),"tools":[\#(tool)]}"#, limits: .init(maxTools: 0))?.param, "tools")
    }

    func testOrderMatchesOriginal() {
        // Model is checked before messages; count before length.
        XCTAssertEqual(error(#"{"messages":[]}"#), .missingModel)
        let long = String(repeating: "a", count: 20)
        XCTAssertEqual(error(#"{"model":"m","messages":\#(messages(3, content: long))}"#,
                             limits: .init(maxMessages: 2, maxContentLength: 10))?.code, "too_many_messages")
    }
}
