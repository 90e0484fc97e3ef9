import XCTest
@testable import LayersCore

final class SHA256Tests: XCTestCase {
    /// FIPS 180-4 example vectors (NIST CSRC "SHA256.pdf", and the long-message vectors of
    /// the NIST Cryptographic Algorithm Validation Program).
    func testNISTVectors() {
        XCTAssertEqual(SHA256.hash("abc").hex,
                       "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hash("").hex,
                       "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hash("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq").hex,
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256.hash("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu").hex,
                       "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
    }

    func testOneMillionA() {
        XCTAssertEqual(SHA256.hash([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)).hex,
                       "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    func testSingleByteVectors() {
        // NIST SHAVS byte-oriented short messages.
        XCTAssertEqual(SHA256.hash([0xbd]).hex,
                       "68325720aabd7c82f30f554b313d0570c95accbb7dc4b5aae11204c08ffe732b")
        XCTAssertEqual(SHA256.hash([0xc9, 0x8c, 0x8e, 0x55]).hex,
                       "7abc22c0ae5af26ce93dbb94433a0e0b2e119d014f8e7f65bd56c61ccccd9504")
    }

    func testPaddingBoundaries() {
        // Lengths around the 55/56/64-byte padding edges must agree with one-shot and
        // byte-by-byte hashing; known values for 55 and 64 bytes of 'a'.
        XCTAssertEqual(SHA256.hash(String(repeating: "a", count: 55)).hex,
                       "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
        XCTAssertEqual(SHA256.hash(String(repeating: "a", count: 64)).hex,
                       "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }

    func testIncrementalMatchesOneShotAtEverySplit() {
        let message = Array((0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        let expected = SHA256.hash(message)
        for cut in 0...message.count {
            var hasher = SHA256()
            hasher.update(message[..<cut])
            hasher.update(message[cut...])
            XCTAssertEqual(hasher.finalize(), expected, "split at \(cut)")
        }
        var bytewise = SHA256()
        for byte in message { bytewise.update(CollectionOfOne(byte)) }
        XCTAssertEqual(bytewise.finalize(), expected)
    }

    func testFinalizeDoesNotConsume() {
        var hasher = SHA256()
        hasher.update("ab")
        _ = hasher.finalize()
        hasher.update("c")
        XCTAssertEqual(hasher.finalize().hex, SHA256.hash("abc").hex)
    }

    func testDigestHexRoundTrip() {
        let digest = SHA256.hash("abc")
        XCTAssertEqual(SHA256Digest(hex: digest.hex), digest)
        XCTAssertEqual(SHA256Digest(hex: digest.hex.uppercased()), digest)
        XCTAssertNil(SHA256Digest(hex: "abc"))
        XCTAssertNil(SHA256Digest(hex: String(repeating: "g", count: 64)))
        XCTAssertEqual(digest.bytes.count, 32)
        XCTAssertNotEqual(digest, SHA256.hash("abd"))
    }
}
