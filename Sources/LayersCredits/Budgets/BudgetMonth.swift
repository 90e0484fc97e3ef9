import Foundation

/// A calendar month in UTC, the period a key budget covers: spend resets at 00:00 UTC on the 1st.
///
/// ```swift
/// let month = BudgetMonth(containing: Date())
/// month.start ..< month.end          // [2026-12-01T00:00Z, 2027-01-01T00:00Z)
/// ```
public struct BudgetMonth: Sendable, Hashable, CustomStringConvertible {
    public let year: Int
    /// 1 ... 12.
    public let month: Int

    private static let calendar: Calendar = {
        var c = Calendar(identifier: .gregorian)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    public init(year: Int, month: Int) {
        precondition((1...12).contains(month), "month must be 1...12")
        self.year = year
        self.month = month
    }

    /// The UTC month `date` falls in.
    public init(containing date: Date) {
        let parts = Self.calendar.dateComponents([.year, .month], from: date)
        self.init(year: parts.year!, month: parts.month!)
    }

    /// 00:00 UTC on the first day (inclusive).
    public var start: Date {
        Self.calendar.date(from: DateComponents(year: year, month: month, day: 1))!
    }

    /// 00:00 UTC on the first day of the next month (exclusive).
    public var end: Date { next.start }

    public var next: BudgetMonth {
        month == 12 ? BudgetMonth(year: year + 1, month: 1) : BudgetMonth(year: year, month: month + 1)
    }

    /// `YYYY-MM`.
    public var description: String {
        let m = month < 10 ? "0\(month)" : "\(month)"
        return "\(year)-\(m)"
    }
}
