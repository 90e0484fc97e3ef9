import XCTest
@testable import LayersCore

final class APIKeyTests: XCTestCase {
    /// A deterministic generator for reproducible keys (tests only; production uses the CSPRNG).
    struct CountingGenerator: RandomNumberGenerator {
        var state: UInt64 = 0
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            return state
        }
    }

    func testFormatAndLength() {
        for mode in APIKeyMode.allCases {
            let key = APIKey.generate(mode: mode)
            XCTAssertEqual(key.plaintext.count, 52)
            XCTAssertEqual(APIKey.length, 9 + 43)
            XCTAssertTrue(key.plaintext.hasPrefix("lyr_\(mode.rawValue)_"))
            let secret = key.plaintext.utf8.dropFirst(9)
            XCTAssertEqual(secret.count, 43)
            XCTAssertTrue(secret.allSatisfy(Base64URL.isAlphabetCharacter))
            XCTAssertFalse(key.plaintext.contains("="))
            XCTAssertEqual(key.mode, mode)
        }
    }

    func testUniqueness() {
        var seen = Set<String>()
        for _ in 0..<2000 { _ = seen.insert(APIKey.generate().plaintext) }
        XCTAssertEqual(seen.count, 2000)
        // Every position of the secret varies across keys (no constant bytes).
        let keys = (0..<200).map { _ in Array(APIKey.generate().plaintext.utf8) }
        for position in 9..<51 {
            XCTAssertGreaterThan(Set(keys.map { $0[position] }).count, 10, "position \(position)")
        }
    }

    func testGeneratorIsUsedAndDeterministic() {
        var a = CountingGenerator(), b = CountingGenerator()
        XCTAssertEqual(APIKey.generate(mode: .test, using: &a).plaintext,
                       APIKey.generate(mode: .test, using: &b).plaintext)
    }

    func testBase64URLMatchesRFC4648() {
        // RFC 4648 section 10 vectors, converted to the URL alphabet without padding.
        let vectors = ["": "", "f": "Zg", "fo": "Zm8", "foo": "Zm9v", "foob": "Zm9vYg", "fooba": "Zm9vYmE",
                       "foobar": "Zm9vYmFy"]
        for (input, output) in vectors { XCTAssertEqual(Base64URL.encode(Array(input.utf8)), output) }
        XCTAssertEqual(Base64URL.encode([0xfb, 0xff, 0xfe]), "-__-")
    }

    func testHashIsSHA256HexOfPlaintext() {
        let key = APIKey.generate()
        XCTAssertEqual(key.hash.hex, SHA256.hash(key.plaintext).hex)
        XCTAssertEqual(key.hash.hex.count, 64)
    }

    func testDisplayPrefixAndDescriptionNeverHoldTheSecret() {
        let key = APIKey.generate(mode: .live)
        let prefix = key.displayPrefix
        XCTAssertEqual(prefix, String(key.plaintext.prefix(13)) + "…")
        XCTAssertTrue(prefix.hasPrefix("lyr_live_"))
        XCTAssertEqual("\(key)", prefix)
        XCTAssertFalse(String(reflecting: key).contains(key.plaintext))
        XCTAssertFalse(String(describing: APIKeyParser.classify(key.plaintext)).contains(key.plaintext))
    }

    func testClassify() {
        let live = APIKey.generate(mode: .live), test = APIKey.generate(mode: .test)
        XCTAssertEqual(APIKeyParser.classify(live.plaintext), .live(live))
        XCTAssertEqual(APIKeyParser.classify(test.plaintext), .test(test))
        XCTAssertEqual(APIKeyParser.classify("  \(live.plaintext)\t"), .live(live))
        XCTAssertEqual(APIKeyParser.classify(nil), .missing)
        XCTAssertEqual(APIKeyParser.classify(""), .missing)
        XCTAssertEqual(APIKeyParser.classify("   "), .missing)
        XCTAssertEqual(APIKeyParser.classify("sk-proj-abc"), .malformed(.unknownPrefix))
        XCTAssertEqual(APIKeyParser.classify("lk_live_" + String(repeating: "a", count: 43)), .malformed(.unknownPrefix))
        XCTAssertEqual(APIKeyParser.classify("LYR_LIVE_" + String(repeating: "a", count: 43)), .malformed(.unknownPrefix))
        XCTAssertEqual(APIKeyParser.classify("lyr_live_"), .malformed(.wrongLength))
        XCTAssertEqual(APIKeyParser.classify(live.plaintext + "A"), .malformed(.wrongLength))
        XCTAssertEqual(APIKeyParser.classify(String(live.plaintext.dropLast())), .malformed(.wrongLength))
        XCTAssertEqual(APIKeyParser.classify("lyr_live_" + String(repeating: "a", count: 42) + "="),
                       .malformed(.invalidCharacters))
        XCTAssertEqual(APIKeyParser.classify("lyr_test_" + String(repeating: "+", count: 43)),
                       .malformed(.invalidCharacters))
        XCTAssertEqual(APIKeyParser.classify(live.plaintext).key?.hash, live.hash)
    }

    func testParseHeaders() {
        let key = APIKey.generate()
        XCTAssertEqual(APIKeyParser.parse(authorization: "Bearer \(key.plaintext)", xAPIKey: nil), .live(key))
        XCTAssertEqual(APIKeyParser.parse(authorization: "bearer  \(key.plaintext)", xAPIKey: nil), .live(key))
        XCTAssertEqual(APIKeyParser.parse(authorization: "BEARER\t\(key.plaintext)", xAPIKey: nil), .live(key))
        // Leading blanks (a library caller's untrimmed value): the scheme is still found, and short values after
        // many blanks neither crash nor pass.
        XCTAssertEqual(APIKeyParser.parse(authorization: "  \tBearer \(key.plaintext)", xAPIKey: nil), .live(key))
        XCTAssertEqual(APIKeyParser.parse(authorization: "        Bearer", xAPIKey: nil), .missing)
        XCTAssertEqual(APIKeyParser.parse(authorization: "  Bearerx \(key.plaintext)", xAPIKey: nil),
                       .malformed(.notBearer))
        XCTAssertEqual(APIKeyParser.parse(authorization: nil, xAPIKey: key.plaintext), .live(key))
        XCTAssertEqual(APIKeyParser.parse(authorization: nil, xAPIKey: nil), .missing)
        XCTAssertEqual(APIKeyParser.parse(authorization: "", xAPIKey: ""), .missing)
        XCTAssertEqual(APIKeyParser.parse(authorization: "Bearer", xAPIKey: nil), .missing)
        XCTAssertEqual(APIKeyParser.parse(authorization: "Bearer ", xAPIKey: nil), .missing)
        XCTAssertEqual(APIKeyParser.parse(authorization: "Basic dXNlcjpwYXNz", xAPIKey: nil), .malformed(.notBearer))
        XCTAssertEqual(APIKeyParser.parse(authorization: key.plaintext, xAPIKey: nil), .malformed(.notBearer))
        XCTAssertEqual(APIKeyParser.parse(authorization: "Bearerlyr_live_x", xAPIKey: nil), .malformed(.notBearer))
        // Anthropic SDKs may send a placeholder Authorization next to x-api-key.
        XCTAssertEqual(APIKeyParser.parse(authorization: "Basic x", xAPIKey: key.plaintext), .live(key))
        XCTAssertEqual(APIKeyParser.parse(authorization: "Bearer junk", xAPIKey: nil), .malformed(.unknownPrefix))
    }

    func testFormatProblemExplanationsDoNotEchoInput() {
        for problem in APIKeyFormatProblem.allCases {
            XCTAssertFalse(problem.explanation.isEmpty)
            XCTAssertFalse(problem.explanation.contains("sk-"))
        }
    }

    func testConstantTimeEquals() {
        XCTAssertTrue(ConstantTime.equals("", ""))
        XCTAssertTrue(ConstantTime.equals("secret-token", "secret-token"))
        XCTAssertFalse(ConstantTime.equals("secret-token", "secret-tokem"))
        XCTAssertFalse(ConstantTime.equals("secret-token", "Secret-token"))
        XCTAssertFalse(ConstantTime.equals("secret", "secret-token"))
        XCTAssertFalse(ConstantTime.equals([UInt8](), [0]))
        XCTAssertTrue(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 3][...]))
        let key = APIKey.generate()
        XCTAssertEqual(key, APIKeyParser.classify(key.plaintext).key)
        XCTAssertNotEqual(key, APIKey.generate())
    }
}
