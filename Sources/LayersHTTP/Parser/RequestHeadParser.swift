/// Parses a complete request head (request line and header lines, each ending in CRLF, checked by the
/// scanner in `RequestParser`) strictly: single spaces on the request line, token methods and header names,
/// no obs-fold, no control characters in values, unambiguous framing.
enum RequestHeadParser {
    /// `bytes` spans from the request line to just before the blank line's CRLF (the last header's CRLF included).
    static func parse(_ bytes: UnsafeBufferPointer<UInt8>, limits: RequestParserLimits) throws(HTTPParseError) -> RequestHead {
        var index = 0
        let end = bytes.count
        let lineEnd = nextCRLF(bytes, from: 0)
        let (method, target, version) = try parseRequestLine(UnsafeBufferPointer(rebasing: bytes[0..<lineEnd]))
        index = lineEnd + 2

        var headers = HTTPHeaders()
        headers.fields.reserveCapacity(8)
        var contentLength: Int?
        var transferEncoding: [String] = []
        var sawTransferEncoding = false
        var hostCount = 0
        var connectionClose = false
        var connectionKeepAlive = false
        var expectContinue = false

        while index < end {
            let lineEnd = nextCRLF(bytes, from: index)
            let first = bytes[index]
            if first == 0x20 || first == 0x09 { throw .obsoleteLineFolding }
            var colon = index
            while colon < lineEnd && bytes[colon] != UInt8(ascii: ":") {
                guard isTokenByte(bytes[colon]) else { throw .invalidHeaderName }
                colon += 1
            }
            guard colon < lineEnd, colon > index else { throw .invalidHeaderName }
            var valueStart = colon + 1
            var valueEnd = lineEnd
            while valueStart < valueEnd && (bytes[valueStart] == 0x20 || bytes[valueStart] == 0x09) { valueStart += 1 }
            while valueEnd > valueStart && (bytes[valueEnd - 1] == 0x20 || bytes[valueEnd - 1] == 0x09) { valueEnd -= 1 }
            for i in valueStart..<valueEnd {
                let byte = bytes[i]
                if (byte < 0x20 && byte != 0x09) || byte == 0x7F { throw .invalidHeaderValue }
            }
            guard headers.count < limits.maxHeaderCount else { throw .tooManyHeaders }
            let nameBytes = UnsafeBufferPointer(rebasing: bytes[index..<colon])
            let valueBytes = UnsafeBufferPointer(rebasing: bytes[valueStart..<valueEnd])
            let name = String(decoding: nameBytes, as: UTF8.self)
            let value = String(decoding: valueBytes, as: UTF8.self)
            headers.fields.append((name: name, value: value))

            switch nameBytes.count {
            case 4 where equalsLowercase(nameBytes, "host"):
                hostCount += 1
            case 14 where equalsLowercase(nameBytes, "content-length"):
                let length = try parseContentLength(valueBytes)
                if let existing = contentLength, existing != length { throw .conflictingContentLength }
                contentLength = length
            case 17 where equalsLowercase(nameBytes, "transfer-encoding"):
                sawTransferEncoding = true
                for part in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let coding = part.trimmingASCIISpaces()
                    guard !coding.isEmpty, coding.utf8.allSatisfy({ isTokenByte($0) }) else {
                        throw .invalidTransferEncoding
                    }
                    transferEncoding.append(coding.lowercased())
                }
            case 10 where equalsLowercase(nameBytes, "connection"):
                for part in value.split(separator: ",") {
                    let option = part.trimmingASCIISpaces()
                    if option.asciiCaseInsensitiveEquals("close") { connectionClose = true }
                    if option.asciiCaseInsensitiveEquals("keep-alive") { connectionKeepAlive = true }
                }
            case 6 where equalsLowercase(nameBytes, "expect"):
                guard value.asciiCaseInsensitiveEquals("100-continue") else { throw .unsupportedExpectation }
                expectContinue = true
            default:
                break
            }
            index = lineEnd + 2
        }

        if version == .http1_1 {
            if hostCount == 0 { throw .missingHost }
        }
        if hostCount > 1 { throw .duplicateHost }

        var framing = RequestHead.BodyFraming.none
        if sawTransferEncoding {
            if contentLength != nil { throw .contentLengthWithTransferEncoding }
            if version == .http1_0 { throw .transferEncodingInHTTP10 }
            // RFC 9112 6.3: without chunked as the final coding a request's body length is unknowable: 400.
            guard transferEncoding.last == "chunked" else { throw .invalidTransferEncoding }
            guard transferEncoding.count == 1 else {
                if transferEncoding.dropLast().contains("chunked") { throw .invalidTransferEncoding }
                // A coding we do not implement under chunked (e.g. gzip): 501 (RFC 9112 6.1).
                guard transferEncoding.dropLast().allSatisfy({ knownCodings.contains($0) }) else {
                    throw .invalidTransferEncoding
                }
                throw .unsupportedTransferEncoding
            }
            framing = .chunked
        } else if let contentLength {
            if contentLength > limits.maxBodyBytes { throw .bodyTooLarge }
            if contentLength > 0 { framing = .length(contentLength) }
        }

        let keepAlive = version == .http1_1 ? !connectionClose : (connectionKeepAlive && !connectionClose)
        return RequestHead(
            method: method, target: target, version: version, headers: headers, framing: framing,
            keepAlive: keepAlive, expectContinue: expectContinue && version == .http1_1)
    }

    private static let knownCodings: Set<String> = ["chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress", "identity", "br", "zstd"]

    static func parseRequestLine(
        _ line: UnsafeBufferPointer<UInt8>
    ) throws(HTTPParseError) -> (HTTPMethod, String, HTTPVersion) {
        guard let firstSpace = line.firstIndex(of: 0x20) else { throw .invalidRequestLine }
        guard firstSpace > 0 else { throw .invalidMethod }
        for i in 0..<firstSpace where !isTokenByte(line[i]) { throw .invalidMethod }
        var targetEnd = firstSpace + 1
        while targetEnd < line.count && line[targetEnd] != 0x20 { targetEnd += 1 }
        guard targetEnd < line.count, targetEnd > firstSpace + 1 else { throw .invalidRequestLine }
        for i in (firstSpace + 1)..<targetEnd {
            let byte = line[i]
            guard byte > 0x20 && byte < 0x7F else { throw .invalidTarget }
        }
        let method = HTTPMethod(bytes: UnsafeBufferPointer(rebasing: line[0..<firstSpace]))
        let version = try parseVersion(UnsafeBufferPointer(rebasing: line[(targetEnd + 1)...]))
        var target = String(decoding: UnsafeBufferPointer(rebasing: line[(firstSpace + 1)..<targetEnd]), as: UTF8.self)
        switch target.utf8.first {
        case UInt8(ascii: "/"):
            break
        case UInt8(ascii: "*") where target == "*" && method == .options:
            break
        default:
            target = try originForm(ofAbsolute: target)
        }
        return (method, target, version)
    }

    /// `http://host/path?q` -> `/path?q` (RFC 9112 3.2.2: servers must accept absolute-form).
    private static func originForm(ofAbsolute target: String) throws(HTTPParseError) -> String {
        let lower = target.lowercased()
        let schemeLength: Int
        if lower.hasPrefix("http://") { schemeLength = 7 }
        else if lower.hasPrefix("https://") { schemeLength = 8 }
        else { throw .invalidTarget }
        let rest = target.utf8.dropFirst(schemeLength)
        guard let slash = rest.firstIndex(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") }) else {
            guard !rest.isEmpty else { throw .invalidTarget }
            return "/"
        }
        guard slash != rest.startIndex else { throw .invalidTarget }
        let tail = String(target[slash...])
        return tail.hasPrefix("?") ? "/" + tail : tail
    }

    private static func parseVersion(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> HTTPVersion {
        guard bytes.count == 8, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"),
            bytes[2] == UInt8(ascii: "T"), bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/"),
            bytes[6] == UInt8(ascii: "."),
            (0x30...0x39).contains(bytes[5]), (0x30...0x39).contains(bytes[7])
        else { throw .invalidVersion }
        let major = Int(bytes[5] - 0x30), minor = Int(bytes[7] - 0x30)
        guard major == 1 else { throw .unsupportedVersion }
        return minor == 0 ? .http1_0 : .http1_1
    }

    /// `1*DIGIT`, possibly a comma list of identical values (RFC 9110 8.6).
    private static func parseContentLength(_ bytes: UnsafeBufferPointer<UInt8>) throws(HTTPParseError) -> Int {
        var result: Int?
        var current = 0
        var digits = 0
        var index = 0
        func finish() throws(HTTPParseError) {
            guard digits > 0 else { throw .invalidContentLength }
            if let result, result != current { throw .conflictingContentLength }
            result = current
            current = 0
            digits = 0
        }
        while index < bytes.count {
            let byte = bytes[index]
            if byte >= 0x30 && byte <= 0x39 {
                guard digits < 18 else { throw .bodyTooLarge }
                current = current * 10 + Int(byte - 0x30)
                digits += 1
            } else if byte == UInt8(ascii: ",") {
                try finish()
                index += 1
                while index < bytes.count && (bytes[index] == 0x20 || bytes[index] == 0x09) { index += 1 }
                continue
            } else {
                throw .invalidContentLength
            }
            index += 1
        }
        try finish()
        return result ?? 0
    }

    private static func nextCRLF(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while i + 1 < bytes.count && !(bytes[i] == 0x0D && bytes[i + 1] == 0x0A) { i += 1 }
        return i + 1 < bytes.count ? i : bytes.count
    }

    @inline(__always)
    private static func equalsLowercase(_ bytes: UnsafeBufferPointer<UInt8>, _ lower: StaticString) -> Bool {
        guard bytes.count == lower.utf8CodeUnitCount else { return false }
        let expected = lower.utf8Start
        for i in 0..<bytes.count where asciiLower(bytes[i]) != expected[i] { return false }
        return true
    }
}
