/// Response headers, in arrival order, names lower-cased.
public struct UpstreamHeaders: Sendable, Hashable, Sequence {
    public private(set) var entries: [HTTPHeader] = []

    public init(_ entries: [HTTPHeader] = []) {
        self.entries = entries.map { HTTPHeader($0.name.lowercased(), $0.value) }
    }

    /// `name` must already be lower-case (the header callback lowers the bytes itself).
    mutating func append(lowercasedName name: String, value: String) {
        entries.append(HTTPHeader(name, value))
    }

    /// The first value of a header, by case-insensitive name.
    public subscript(name: String) -> String? {
        let lower = name.lowercased()
        return entries.first(where: { $0.name == lower })?.value
    }

    public func makeIterator() -> IndexingIterator<[HTTPHeader]> { entries.makeIterator() }
}

/// A complete (non-streamed) upstream response.
public struct UpstreamResponse: Sendable {
    public var status: Int
    public var headers: UpstreamHeaders
    public var body: [UInt8]
    /// The HTTP version libcurl negotiated (e.g. 2 for HTTP/2, 1 for HTTP/1.1).
    public var httpVersion: Int

    public init(status: Int, headers: UpstreamHeaders, body: [UInt8], httpVersion: Int = 1) {
        self.status = status
        self.headers = headers
        self.body = body
        self.httpVersion = httpVersion
    }
}
