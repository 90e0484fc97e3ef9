/// A `data:<mime>;base64,<payload>` URL split into its parts.
struct DataURL: Sendable, Hashable {
    var mimeType: String
    var base64: String

    init?(_ url: String) {
        guard url.hasPrefix("data:"), let comma = url.firstIndex(of: ",") else { return nil }
        let header = url[url.index(url.startIndex, offsetBy: 5)..<comma]
        guard header.hasSuffix(";base64") else { return nil }
        let mime = header.dropLast(7)
        mimeType = mime.isEmpty ? "application/octet-stream" : String(mime)
        base64 = String(url[url.index(after: comma)...])
    }

    var string: String { "data:\(mimeType);base64,\(base64)" }
}

/// The MIME type an http(s) URL probably has, from its extension.
func guessMimeType(url: String) -> String {
    let path = url.split(separator: "?").first.map(String.init)?.lowercased() ?? ""
    if path.hasSuffix(".png") { return "image/png" }
    if path.hasSuffix(".gif") { return "image/gif" }
    if path.hasSuffix(".webp") { return "image/webp" }
    if path.hasSuffix(".pdf") { return "application/pdf" }
    if path.hasSuffix(".mp3") { return "audio/mpeg" }
    if path.hasSuffix(".wav") { return "audio/wav" }
    if path.hasSuffix(".mp4") { return "video/mp4" }
    return "image/jpeg"
}
