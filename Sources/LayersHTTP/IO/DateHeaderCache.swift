#if canImport(Glibc)
import Glibc
#endif

/// The `Date: <IMF-fixdate>\r\n` header line, regenerated at most once per second. Loop-thread only.
struct DateHeaderCache {
    private var second: time_t = -1
    private(set) var line: [UInt8] = []

    private static let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
    private static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Returns the current header line, refreshing it when the second changed.
    mutating func current() -> [UInt8] {
        let now = time(nil)
        if now != second {
            second = now
            line = Self.format(now)
        }
        return line
    }

    static func format(_ time: time_t) -> [UInt8] {
        var t = time
        var parts = tm()
        gmtime_r(&t, &parts)
        var out = Array("Date: ".utf8)
        out += Array(days[Int(parts.tm_wday)].utf8)
        out += [UInt8(ascii: ","), 0x20]
        appendTwoDigits(Int(parts.tm_mday), to: &out)
        out.append(0x20)
        out += Array(months[Int(parts.tm_mon)].utf8)
        out.append(0x20)
        out += Array(String(Int(parts.tm_year) + 1900).utf8)
        out.append(0x20)
        appendTwoDigits(Int(parts.tm_hour), to: &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(Int(parts.tm_min), to: &out)
        out.append(UInt8(ascii: ":"))
        appendTwoDigits(Int(parts.tm_sec), to: &out)
        out += Array(" GMT\r\n".utf8)
        return out
    }

    private static func appendTwoDigits(_ value: Int, to out: inout [UInt8]) {
        out.append(UInt8(0x30 + value / 10))
        out.append(UInt8(0x30 + value % 10))
    }
}

/// Appends the decimal digits of a non-negative integer.
@inline(__always) func appendDecimal(_ value: Int, to out: inout [UInt8]) {
    if value < 10 {
        out.append(UInt8(0x30 + value))
        return
    }
    var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                 UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
        (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var count = 0
    var v = value
    withUnsafeMutableBytes(of: &digits) { buffer in
        while v > 0 {
            buffer[count] = UInt8(0x30 + v % 10)
            v /= 10
            count += 1
        }
        while count > 0 {
            count -= 1
            out.append(buffer[count])
        }
    }
}

/// Appends lowercase hex digits (chunk sizes).
@inline(__always) func appendHex(_ value: Int, to out: inout [UInt8]) {
    let hex: StaticString = "0123456789abcdef"
    var shift = 60
    while shift > 0 && (value >> shift) & 0xF == 0 { shift -= 4 }
    while shift >= 0 {
        out.append(hex.utf8Start[(value >> shift) & 0xF])
        shift -= 4
    }
}
