#if canImport(Glibc)
import Glibc
#endif
import XCTest

/// A blocking loopback TCP client for tests: sends raw bytes, reads and parses raw responses.
/// Every read has a 10 s socket timeout so a broken server fails the test instead of hanging it.
final class RawClient {
    struct Response {
        var status: Int
        var reason: String
        var headers: [(String, String)]
        var body: [UInt8]
        var chunked: Bool

        func header(_ name: String) -> String? {
            headers.first { $0.0.lowercased() == name.lowercased() }?.1
        }

        var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    enum ClientError: Error {
        case connectFailed(Int32)
        case closedEarly
        case malformed(String)
    }

    let fd: Int32
    private var buffer: [UInt8] = []

    init(port: Int, receiveBufferBytes: Int? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        if let receiveBufferBytes {
            var size = Int32(receiveBufferBytes)
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            let error = errno
            close(fd)
            throw ClientError.connectFailed(error)
        }
    }

    deinit { close(fd) }

    func send(_ text: String) {
        send(Array(text.utf8))
    }

    func send(_ bytes: [UInt8]) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return }
            offset += n
        }
    }

    /// Closes our side completely (the server sees EOF / RST).
    func closeNow() {
        shutdown(fd, Int32(SHUT_RDWR))
    }

    /// Reads more bytes into the buffer; false on EOF or error.
    @discardableResult
    private func fill() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { return false }
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Reads exactly `count` raw bytes (or fewer at EOF).
    func readBytes(_ count: Int) -> [UInt8] {
        while buffer.count < count && fill() {}
        let taken = Array(buffer.prefix(count))
        buffer.removeFirst(taken.count)
        return taken
    }

    /// Reads up to and including the first occurrence of `marker`.
    func readUntil(_ marker: String) throws -> String {
        let needle = Array(marker.utf8)
        while true {
            if let range = firstRange(of: needle) {
                let taken = Array(buffer[..<range])
                buffer.removeFirst(range)
                return String(decoding: taken, as: UTF8.self)
            }
            guard fill() else { throw ClientError.closedEarly }
        }
    }

    private func firstRange(of needle: [UInt8]) -> Int? {
        guard buffer.count >= needle.count else { return nil }
        for start in 0...(buffer.count - needle.count) where buffer[start] == needle[0] {
            if Array(buffer[start..<(start + needle.count)]) == needle { return start + needle.count }
        }
        return nil
    }

    /// True when the server closed the connection (EOF or reset) with no further bytes.
    func isClosedByPeer() -> Bool {
        if !buffer.isEmpty { return false }
        var byte: UInt8 = 0
        let n = recv(fd, &byte, 1, 0)
        if n == 1 { buffer.append(byte) }
        return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
    }

    /// Reads and discards until the server closes; false if the 10 s read timeout hit first.
    func waitForClose() -> Bool {
        buffer = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n == 0 { return true }
            if n < 0 { return errno != EAGAIN && errno != EWOULDBLOCK }
        }
    }

    /// Reads one response. `headRequest` / 1xx / 204 / 304 responses have no body.
    func readResponse(headRequest: Bool = false) throws -> Response {
        let head = try readUntil("\r\n\r\n")
        var lines = head.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        guard !lines.isEmpty else { throw ClientError.malformed(head) }
        let statusLine = lines.removeFirst()
        let parts = statusLine.split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count >= 2, parts[0] == "HTTP/1.1", let status = Int(parts[1]) else {
            throw ClientError.malformed(statusLine)
        }
        var headers: [(String, String)] = []
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw ClientError.malformed(line) }
            headers.append((String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
        }
        var response = Response(status: status, reason: parts.count > 2 ? parts[2] : "", headers: headers, body: [], chunked: false)
        if headRequest || status < 200 || status == 204 || status == 304 { return response }
        if let te = response.header("transfer-encoding") {
            XCTAssertEqual(te.lowercased(), "chunked")
            response.chunked = true
            while true {
                let sizeLine = try readUntil("\r\n").replacingOccurrences(of: "\r\n", with: "")
                guard let size = Int(sizeLine.split(separator: ";")[0], radix: 16) else {
                    throw ClientError.malformed(String(sizeLine))
                }
                if size == 0 {
                    _ = try readUntil("\r\n")
                    break
                }
                let data = readBytes(size)
                guard data.count == size else { throw ClientError.closedEarly }
                response.body += data
                guard readBytes(2) == [0x0D, 0x0A] else { throw ClientError.malformed("chunk end") }
            }
        } else if let length = response.header("content-length").flatMap({ Int($0) }) {
            response.body = readBytes(length)
            guard response.body.count == length else { throw ClientError.closedEarly }
        } else {
            while fill() {}
            response.body = buffer
            buffer = []
        }
        return response
    }
}
