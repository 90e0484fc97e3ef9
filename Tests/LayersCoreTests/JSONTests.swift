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

    func testNestedObjectsAndArraysKeepTheirOwnMembers() throws {
        // Members of enclosing objects and arrays are still being gathered while inner ones are parsed.
        let text = #"{"a":{"a":1,"b":[{"a":2},[],{},[3,[4,{"c":5}]]]},"b":[1,{"a":{"a":{}}}],"c":"x"}"#
        let value = try JSONValue.parse(text)
        XCTAssertEqual(value.serialized(), text)
        XCTAssertEqual(value["a"]?["b"]?[3]?[1]?[1]?["c"]?.intValue, 5)
        XCTAssertEqual(value["b"]?[1]?["a"]?["a"], .object(JSONObject()))
        XCTAssertEqual(value["c"]?.stringValue, "x")
    }

    func testLargeParsedObjectsAndArrays() throws {
        let members = (0..<100).map { #""k\#($0)":[\#($0),{"n":\#($0)}]"# }.joined(separator: ",")
        let text = "{" + members + "}"
        let value = try JSONValue.parse(text)
        XCTAssertEqual(value.serialized(), text)
        XCTAssertEqual(value.objectValue?.count, 100)
        XCTAssertEqual(value["k73"]?[1]?["n"]?.intValue, 73)
        XCTAssertEqual(value.objectValue?.keys.last, "k99")
        let elements = (0..<300).map(String.init).joined(separator: ",")
        XCTAssertEqual(try JSONValue.parse("[" + elements + "]").arrayValue?.count, 300)
    }

    func testDuplicateKeysAreRejectedInSmallAndLargeObjects() {
        let large = (0..<40).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        for text in [#"{"a":1,"b":2,"a":3}"#, "{" + large + #","k7":0}"#, "{" + large + #","k39":0}"#,
                     #"{"x":{"a":1,"a":2}}"#] {
            XCTAssertThrowsError(try JSONValue.parse(text), text) { error in
                XCTAssertEqual((error as? JSONParseError)?.reason, .duplicateKey)
            }
        }
        // The same key at different levels, or in sibling objects, is no duplicate.
        XCTAssertNoThrow(try JSONValue.parse(#"{"a":{"a":1},"b":[{"a":1},{"a":2}]}"#))
        XCTAssertNoThrow(try JSONValue.parse("{" + large + #","k40":{"k1":1}}"#))
    }

    func testStringEscapesAtEveryPosition() throws {
        // Characters that need escaping (and multi-byte UTF-8 that must not be) at every position of strings of
        // several lengths: the writer copies the runs between them.
        let specials: [Character] = ["\"", "\\", "\n", "\u{0}", "\u{1f}", "\t", "é", "🚀", " ", "\u{7f}"]
        for length in [0, 1, 7, 8, 9, 15, 16, 17, 40] {
            for position in 0..<max(1, length) {
                for special in specials {
                    var characters = Array(repeating: Character("a"), count: length)
                    if length > 0 { characters[position] = special }
                    let text = String(characters)
                    var writer = JSONWriter()
                    writer.writeString(text)
                    XCTAssertEqual(String(decoding: writer.bytes, as: UTF8.self), Self.referenceEscaped(text))
                    XCTAssertEqual(try JSONValue.parse(writer.bytes).stringValue, text)
                }
            }
        }
    }

    /// JSON string escaping one byte at a time, as the writer specifies it.
    private static func referenceEscaped(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{c}": out += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    func testDecimalLiteralsAreWhatTheParserCallsNumbers() {
        let texts = ["0", "-0", "1", "-1", "0.021", "60", "62.5", "3.36", "1e5", "1E+5", "1e-7", "-0.5e10", " 1.5 ",
                     "\n2\t", "", " ", "-", "+1", "01", "1.", ".5", "1.e5", "1e", "1e+", "0x1", "1 2", "1,", "true",
                     "null", "\"1\"", "[1]", "1.5.5", "--1", "9223372036854775807123", "\u{a0}1", "1\u{a0}", "١"]
        for text in texts {
            let parsed: JSONNumber?
            if case .number(let number)? = try? JSONValue.parse(text) { parsed = number } else { parsed = nil }
            XCTAssertEqual(JSONNumber(decimalLiteral: text)?.text, parsed?.text, text.debugDescription)
        }
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
