import Foundation

/// Converts between `Date` and PostgreSQL's ISO text form of `timestamptz` in UTC
/// (`2026-03-01 01:00:00.123456+00`), with microsecond precision and no formatter objects.
enum PostgresTimestamp {
    static func format(_ date: Date) -> String {
        let micros = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
        var seconds = micros / 1_000_000
        var fraction = micros % 1_000_000
        if fraction < 0 {
            fraction += 1_000_000
            seconds -= 1
        }
        var days = seconds / 86_400
        var secondOfDay = seconds % 86_400
        if secondOfDay < 0 {
            secondOfDay += 86_400
            days -= 1
        }
        let (y, m, d) = civil(fromDays: days)
        // PostgreSQL has no year 0 and Foundation's distantPast/-Future are far out: clamp to infinities.
        if y < 1 { return "-infinity" }
        if y > 99_999 { return "infinity" }
        // `YYYY-MM-DD HH:MM:SS[.ffffff]+00` (a five-digit year past 9999), written straight into the string's
        // storage: every settled request's usage row carries one.
        let yearDigits = y >= 10_000 ? 5 : 4
        let length = yearDigits + 15 + (fraction != 0 ? 7 : 0) + 3
        return String(unsafeUninitializedCapacity: length) { out in
            var o = 0
            func digits(_ value: Int64, _ width: Int) {
                var value = value
                var i = o + width
                while i > o {
                    i -= 1
                    out[i] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
                o += width
            }
            func byte(_ character: Unicode.Scalar) {
                out[o] = UInt8(ascii: character)
                o += 1
            }
            digits(y, yearDigits)
            byte("-")
            digits(m, 2)
            byte("-")
            digits(d, 2)
            byte(" ")
            digits(secondOfDay / 3600, 2)
            byte(":")
            digits(secondOfDay / 60 % 60, 2)
            byte(":")
            digits(secondOfDay % 60, 2)
            if fraction != 0 {
                byte(".")
                digits(fraction, 6)
            }
            byte("+")
            byte("0")
            byte("0")
            return o
        }
    }

    /// Parses `YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM]]` (as output with DateStyle ISO). Nil when malformed.
    static func parse<C: Collection>(_ bytes: C) -> Date? where C.Element == UInt8 {
        var it = Array(bytes)[...]
        func number(_ count: Int) -> Int64? {
            guard it.count >= count else { return nil }
            var v: Int64 = 0
            for _ in 0..<count {
                let c = it.removeFirst()
                guard c >= 48 && c <= 57 else { return nil }
                v = v * 10 + Int64(c - 48)
            }
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard it.first == c else { return false }
            it.removeFirst()
            return true
        }
        guard let y = number(4), expect(45), let mo = number(2), expect(45), let d = number(2),
              expect(32) || expect(84), let h = number(2), expect(58), let mi = number(2), expect(58),
              let s = number(2) else { return nil }
        var micros: Int64 = 0
        if expect(46) {
            var digits = 0
            while let c = it.first, c >= 48 && c <= 57 {
                it.removeFirst()
                if digits < 6 {
                    micros = micros * 10 + Int64(c - 48)
                    digits += 1
                }
            }
            while digits < 6 {
                micros *= 10
                digits += 1
            }
        }
        var offset: Int64 = 0
        if let sign = it.first, sign == 43 || sign == 45 {
            it.removeFirst()
            guard let oh = number(2) else { return nil }
            var om: Int64 = 0
            if expect(58) { om = number(2) ?? 0 }
            offset = (oh * 3600 + om * 60) * (sign == 45 ? -1 : 1)
        }
        let days = daysFromCivil(y, mo, d)
        let seconds = days * 86_400 + h * 3600 + mi * 60 + s - offset
        return Date(timeIntervalSince1970: Double(seconds) + Double(micros) / 1_000_000)
    }

    // Howard Hinnant's civil calendar algorithms.
    static func daysFromCivil(_ y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int64, Int64, Int64) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}
