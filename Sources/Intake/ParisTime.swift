import Foundation
import Rights

/// Paris civil time and the store's timestamps, in plain arithmetic: no Calendar, TimeZone or date formatter, whose
/// ICU data would cost the kiosk several MiB of memory (DECISIONS.md, the lean kiosk). The box is in metropolitan
/// France: UTC+1, and UTC+2 from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC (the EU
/// rule since 1996). Pure: the date comes in.
public enum ParisTime {
    /// A moment's civil fields (weekday 1 = Sunday … 7 = Saturday, as Calendar counts).
    public struct Parts: Equatable, Sendable {
        public var date: LocalDate
        public var hour: Int
        public var minute: Int
        public var second: Int
        public var millisecond: Int
        public var weekday: Int { ((date.dayNumber % 7) + 7 + 4) % 7 + 1 }
        public var year: Int { date.year }
        public var month: Int { date.month }
        public var day: Int { date.day }
    }

    /// The fields of `date` at UTC `offset` seconds.
    static func parts(_ date: Date, offset: Int, rounding: FloatingPointRoundingRule = .down) -> Parts {
        let milliseconds = Int((date.timeIntervalSince1970 * 1000).rounded(rounding)) + offset * 1000
        let (days, inDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (dayNumber, ms) = inDay < 0 ? (days - 1, inDay + 86_400_000) : (days, inDay)
        return Parts(date: LocalDate(dayNumber: dayNumber), hour: ms / 3_600_000, minute: ms / 60_000 % 60, second: ms / 1000 % 60, millisecond: ms % 1000)
    }

    /// The last Sunday of `month` in `year`, at 01:00 UTC.
    static func lastSundayChange(year: Int, month: Int) -> TimeInterval {
        let last = LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))!
        let weekday = ((last.dayNumber % 7) + 7 + 4) % 7   // 0 = Sunday
        return TimeInterval((last.dayNumber - weekday) * 86_400 + 3600)
    }

    /// Seconds east of UTC in Paris at `date`: 3600 or 7200.
    public static func offset(at date: Date) -> Int {
        let year = parts(date, offset: 0).year
        let moment = date.timeIntervalSince1970
        return moment >= lastSundayChange(year: year, month: 3) && moment < lastSundayChange(year: year, month: 10) ? 7200 : 3600
    }

    /// Paris civil fields of `date`.
    public static func parts(_ date: Date) -> Parts { parts(date, offset: offset(at: date)) }

    /// The day of `date` in Paris.
    public static func day(of date: Date) -> LocalDate { parts(date).date }

    /// The moment a Paris wall-clock time happens (the first one, in the hour the clocks go back).
    public static func date(_ day: LocalDate, hour: Int = 0, minute: Int = 0) -> Date {
        let wall = TimeInterval(day.dayNumber * 86_400 + hour * 3600 + minute * 60)
        let winter = Date(timeIntervalSince1970: wall - 3600)
        let summer = Date(timeIntervalSince1970: wall - 7200)
        return offset(at: summer) == 7200 ? summer : winter
    }

    /// The store's timestamp: UTC with milliseconds, `2026-11-24T09:05:00.250Z` (what ISO8601DateFormatter wrote
    /// with internet date-time and fractional seconds: to the nearest millisecond).
    public static func timestamp(_ date: Date) -> String {
        let p = parts(date, offset: 0, rounding: .toNearestOrAwayFromZero)
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        let ms = p.millisecond < 10 ? "00\(p.millisecond)" : p.millisecond < 100 ? "0\(p.millisecond)" : String(p.millisecond)
        let year = String(repeating: "0", count: max(0, 4 - String(p.year).count)) + String(p.year)
        return "\(year)-\(two(p.month))-\(two(p.day))T\(two(p.hour)):\(two(p.minute)):\(two(p.second)).\(ms)Z"
    }

    /// Reads an ISO 8601 date-time: `YYYY-MM-DDTHH:MM:SS`, optional fraction, then `Z` or `±HH:MM`. Nil otherwise.
    public static func parse(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<from + count] {
                guard (48...57).contains(byte) else { return nil }
                value = value * 10 + Int(byte - 48)
            }
            return value
        }
        guard bytes.count >= 20, bytes[4] == 45, bytes[7] == 45, bytes[10] == 84 || bytes[10] == 116, bytes[13] == 58, bytes[16] == 58,
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2), let minute = number(14, 2),
              let second = number(17, 2), let date = LocalDate(year: year, month: month, day: day), hour < 24, minute < 60, second < 61 else { return nil }
        var index = 19
        var fraction = 0.0
        if index < bytes.count, bytes[index] == 46 {
            index += 1
            var scale = 0.1
            let start = index
            while index < bytes.count, (48...57).contains(bytes[index]) {
                fraction += Double(bytes[index] - 48) * scale
                scale /= 10
                index += 1
            }
            if index == start { return nil }
        }
        var offset = 0
        guard index < bytes.count else { return nil }
        switch bytes[index] {
        case 90, 122:
            index += 1
        case 43, 45:
            guard let hours = number(index + 1, 2), index + 3 < bytes.count, bytes[index + 3] == 58, let minutes = number(index + 4, 2) else { return nil }
            offset = (hours * 3600 + minutes * 60) * (bytes[index] == 45 ? -1 : 1)
            index += 6
        default:
            return nil
        }
        guard index == bytes.count else { return nil }
        let seconds = TimeInterval(date.dayNumber * 86_400 + hour * 3600 + minute * 60 + second - offset) + fraction
        return Date(timeIntervalSince1970: seconds)
    }
}
