import Foundation
import LayersCore

/// Embedding vectors in OpenAI's two encodings.
public enum EmbeddingVectorEncoding {
    /// Base64 of the values as little-endian float32, as OpenAI returns for `encoding_format: "base64"`.
    public static func base64(_ values: [JSONValue]) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(values.count * 4)
        for value in values {
            let number = Float(value.numberValue?.text ?? "") ?? 0
            let bits = number.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return Data(bytes).base64EncodedString()
    }

    /// The float32 values of a base64 vector (for tests and clients).
    public static func decode(base64 text: String) -> [Float]? {
        guard let data = Data(base64Encoded: text), data.count % 4 == 0 else { return nil }
        var out: [Float] = []
        out.reserveCapacity(data.count / 4)
        var index = data.startIndex
        while index < data.endIndex {
            var bits: UInt32 = 0
            for shift in 0..<4 { bits |= UInt32(data[index + shift]) << (8 * UInt32(shift)) }
            out.append(Float(bitPattern: bits))
            index += 4
        }
        return out
    }
}
