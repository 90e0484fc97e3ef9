/// Serializes a response head straight into the connection's output buffer.
enum ResponseHeadWriter {
    /// Writes the status line, the handler's headers (minus the ones the server owns, and minus any with an
    /// invalid name or a CR/LF/NUL in the value, so a handler can never split a response), then the framing,
    /// `Connection`, `Date`, `Server` and `x-request-id` headers.
    static func write(
        status: HTTPStatus, headers: HTTPHeaders, version: HTTPVersion, requestID: String, keepAlive: Bool,
        contentLength: Int?, chunked: Bool, date: [UInt8], serverName: String?, into out: inout [UInt8]
    ) {
        out.reserveCapacity(out.count + 256)
        appendStatusLine(status, to: &out)
        var hasRequestID = false
        for field in headers.fields {
            let name = field.name.utf8
            switch name.count {
            case 4 where field.name.asciiCaseInsensitiveEquals("date"): continue
            case 10 where field.name.asciiCaseInsensitiveEquals("connection"): continue
            case 10 where field.name.asciiCaseInsensitiveEquals("keep-alive"): continue
            case 12 where field.name.asciiCaseInsensitiveEquals("x-request-id"): hasRequestID = true
            case 14 where field.name.asciiCaseInsensitiveEquals("content-length"): continue
            case 17 where field.name.asciiCaseInsensitiveEquals("transfer-encoding"): continue
            default: break
            }
            appendField(name: field.name, value: field.value, to: &out)
        }
        if let contentLength {
            out.append(contentsOf: contentLengthPrefix)
            appendDecimal(contentLength, to: &out)
            out.append(0x0D)
            out.append(0x0A)
        }
        if chunked { out.append(contentsOf: chunkedLine) }
        if !keepAlive {
            out.append(contentsOf: closeLine)
        } else if version == .http1_0 {
            out.append(contentsOf: keepAliveLine)
        }
        out.append(contentsOf: date)
        if let serverName {
            out.append(contentsOf: "Server: ".utf8)
            out.append(contentsOf: serverName.utf8)
            out.append(0x0D)
            out.append(0x0A)
        }
        if !hasRequestID {
            out.append(contentsOf: requestIDPrefix)
            out.append(contentsOf: requestID.utf8)
            out.append(0x0D)
            out.append(0x0A)
        }
        out.append(0x0D)
        out.append(0x0A)
    }

    /// Appends `name: value` unless the name is not a token or the value holds a control character other than
    /// tab (a handler can never split a response). Works on the contiguous UTF-8 of both: one pass to check, one
    /// copy each.
    private static func appendField(name: String, value: String, to out: inout [UInt8]) {
        var name = name
        var value = value
        name.withUTF8 { nameBytes in
            value.withUTF8 { valueBytes in
                guard !nameBytes.isEmpty, nameBytes.allSatisfy({ isTokenByte($0) }),
                      valueBytes.allSatisfy({ ($0 >= 0x20 || $0 == 0x09) && $0 != 0x7F })
                else { return }
                out.append(contentsOf: nameBytes)
                out.append(UInt8(ascii: ":"))
                out.append(0x20)
                out.append(contentsOf: valueBytes)
                out.append(0x0D)
                out.append(0x0A)
            }
        }
    }

    private static let contentLengthPrefix = Array("Content-Length: ".utf8)
    private static let chunkedLine = Array("Transfer-Encoding: chunked\r\n".utf8)
    private static let closeLine = Array("Connection: close\r\n".utf8)
    private static let keepAliveLine = Array("Connection: keep-alive\r\n".utf8)
    private static let requestIDPrefix = Array("x-request-id: ".utf8)
    private static let statusLines: [Int: [UInt8]] = {
        var lines: [Int: [UInt8]] = [:]
        for code in [100, 200, 201, 202, 204, 206, 301, 302, 304, 400, 401, 402, 403, 404, 405, 408, 409, 413, 414,
                     417, 422, 429, 431, 500, 501, 502, 503, 504, 505] {
            lines[code] = Array("HTTP/1.1 \(code) \(HTTPStatus(code).reasonPhrase)\r\n".utf8)
        }
        return lines
    }()

    private static func appendStatusLine(_ status: HTTPStatus, to out: inout [UInt8]) {
        if let line = statusLines[status.code] {
            out.append(contentsOf: line)
            return
        }
        let code = min(max(status.code, 100), 999)
        out.append(contentsOf: "HTTP/1.1 ".utf8)
        appendDecimal(code, to: &out)
        out.append(0x20)
        out.append(contentsOf: HTTPStatus(code).reasonPhrase.utf8)
        out.append(0x0D)
        out.append(0x0A)
    }
}
