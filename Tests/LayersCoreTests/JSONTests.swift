import XCTest
@testable import LayersCore

final class JSONTests: XCTestCase {
    func testRoundTripKeepsOrderAndNumberLiterals() throws {
        let text = #"{"z":1,"a":[true,false,null],"n":-0.5e-7,"big":12345678901234567890,"s":"h\u00e9\"\\\n"}"#
        let value = try JSONValue.parse(text)
        XCTAssertEqual(value.serialized(), #"{"z":1,"a":[true,false,null],"n":-0.5e-7,"big":12345678901234567890,"s":"hé\"\\\n"}"#)
        XCTAssertEqual(value["a"]?[0], .bool(true))
        XCTAssertEqual(value["z"]?.intValue, 1)
        XCTAssertNil(value["big"]?.int64Value)
    }

    func testEditsPreserveOtherMembers() throws {
        var value = try JSONValue.parse(#"{"model":"a","messages":[],"extra":{"k":2}}"#)
        value["model"] = "b"
        value["stream_options"] = ["include_usage": true]
        XCTAssertEqual(value.serialized(), #"{"model":"b","messages":[],"extra":{"k":2},"stream_options":{"include_usage":true}}"#)
        value["model"] = nil
        XCTAssertEqual(value.serialized(), #"{"messages":[],"extra":{"k":2},"stream_options":{"include_usage":true}}"#)
    }

    /// Typed fields first, then the extra members in their order, without a second `{`.
    func testWriteMembersContinuesAnOpenObject() throws {
        var writer = JSONWriter()
        writer.writeRaw(#"{"id":1"#)
        let extra = try XCTUnwrap(try JSONValue.parse(#"{"b":[1,"x"],"a":{"q":null}}"#).objectValue)
        writer.writeMembers(of: extra)
        writer.writeMembers(of: JSONObject())
        writer.writeRaw("}")
        XCTAssertEqual(String(decoding: writer.bytes, as: UTF8.self), #"{"id":1,"b":[1,"x"],"a":{"q":null}}"#)
    }

    func testLargeObjectIndexStaysConsistent() throws {
        var object = JSONObject()
        for i in 0..<40 { object["k\(i)"] = JSONValue(i) }
        object.removeValue(forKey: "k3")
        XCTAssertEqual(object.count, 39)
        XCTAssertEqual(object["k39"]?.intValue, 39)
        XCTAssertNil(object["k3"])
        XCTAssertEqual(object.keys.first, "k0")
        XCTAssertEqual(object.keys[3], "k4")
    }

    func testSurrogatePairsAndControlEscapes() throws {
        let value = try JSONValue.parse(#""\ud83d\ude00\u0001""#)
        XCTAssertEqual(value.stringValue, "😀\u{1}")
        XCTAssertEqual(value.serialized(), "\"😀\\u0001\"")
    }

    func testRejectsInvalidDocuments() {
        let bad = ["", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "tru", "\"a", "\"\\x\"", "\"\u{1}\"",
                   "{\"a\":1,\"a\":2}", "[1] 2", "\"\\ud800\"", "nul", "{a:1}", "1e", "+1"]
        for text in bad {
            XCTAssertThrowsError(try JSONValue.parse(text), "accepted \(text.debugDescription)")
        }
    }

    func testDepthLimit() {
        let deep = String(repeating: "[", count: 1000) + String(repeating: "]", count: 1000)
        XCTAssertThrowsError(try JSONValue.parse(deep)) { error in
            XCTAssertEqual((error as? JSONParseError)?.reason, .tooDeep)
        }
        let fine = String(repeating: "[", count: 100) + String(repeating: "]", count: 100)
        XCTAssertNoThrow(try JSONValue.parse(fine))
    }

    func testErrorOffset() {
        XCTAssertThrowsError(try JSONValue.parse(#"{"a": tru}"#)) { error in
            let parseError = error as? JSONParseError
            XCTAssertEqual(parseError?.reason, .unexpectedCharacter)
            XCTAssertEqual(parseError?.offset, 9)
        }
    }

    func testNumbers() throws {
        XCTAssertEqual(JSONNumber(Double(3)).text, "3")
        XCTAssertEqual(JSONNumber(0.25).text, "0.25")
        XCTAssertEqual(JSONNumber(Double.nan).text, "0")
        XCTAssertEqual(try JSONValue.parse("2.0").int64Value, 2)
        XCTAssertNil(try JSONValue.parse("2.5").int64Value)
        XCTAssertEqual(JSONNumber(decimalLiteral: "0.021")?.text, "0.021")
        XCTAssertNil(JSONNumber(decimalLiteral: "0.02.1"))
        XCTAssertEqual(try JSONValue.parse("1.0"), try JSONValue.parse("1"))
    }

    func testObjectEqualityIgnoresOrder() throws {
        XCTAssertEqual(try JSONValue.parse(#"{"a":1,"b":2}"#), try JSONValue.parse(#"{"b":2,"a":1}"#))
        XCTAssertNotEqual(try JSONValue.parse(#"{"a":1,"b":2}"#), try JSONValue.parse(#"{"a":1,"b":3}"#))
    }

    func testCodableBridge() throws {
        struct Wrapper: Codable { var payload: JSONValue }
        let data = try JSONEncoder().encode(Wrapper(payload: ["x": [1, "y", nil]]))
        let decoded = try JSONDecoder().decode(Wrapper.self, from: data)
        XCTAssertEqual(decoded.payload, ["x": [1, "y", nil]])
    }

    func testInvalidUTF8IsRepairedNotCrashing() throws {
        let bytes: [UInt8] = [0x22, 0xFF, 0xFE, 0x22]
        XCTAssertEqual(try JSONValue.parse(bytes).stringValue, "\u{FFFD}\u{FFFD}")
    }
}
