import Foundation
import Intake
import Rights
import Testing

/// Paris time by arithmetic, checked against Foundation's calendar and formatter (which the kiosk no longer loads).
@Suite("Paris time without ICU")
struct ParisTimeTests {
    static let paris: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        return calendar
    }()

    @Test("Day, hour and minute agree with Europe/Paris on 20,000 moments from 2000 to 2040, and around each change of hour")
    func agreesWithTheCalendar() {
        var generator = SystemRandomNumberGenerator()
        var moments = (0..<20_000).map { _ in Date(timeIntervalSince1970: Double.random(in: 946_684_800...2_208_988_800, using: &generator)) }
        for year in 2000...2040 {
            for month in [3, 10] {
                let last = LocalDate(year: year, month: month, day: LocalDate.daysIn(month: month, year: year))!
                let sunday = last.dayNumber - ((last.dayNumber % 7) + 7 + 4) % 7
                let change = Double(sunday * 86_400 + 3600)
                let around: [Double] = [-1, 0, 1, -0.001, 3599, 3600]
                for delta in around { moments.append(Date(timeIntervalSince1970: change + delta)) }
            }
        }
        for moment in moments {
            let expected = Self.paris.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: moment)
            let parts = ParisTime.parts(moment)
            let got: [Int] = [parts.year, parts.month, parts.day, parts.hour, parts.minute, parts.second, parts.weekday]
            let want: [Int] = [expected.year!, expected.month!, expected.day!, expected.hour!, expected.minute!, expected.second!, expected.weekday!]
            #expect(got == want, "at \(moment.timeIntervalSince1970)")
        }
    }

    @Test("A Paris wall-clock time gives its moment; midnight after a change of hour too")
    func wallClock() {
        for (text, hour) in [("2026-03-29", 0), ("2026-03-30", 0), ("2026-10-25", 0), ("2026-10-26", 0), ("2026-11-24", 10), ("2026-07-14", 23)] {
            let day = LocalDate(iso: text)!
            let expected = Self.paris.date(from: DateComponents(year: day.year, month: day.month, day: day.day, hour: hour))!
            #expect(ParisTime.date(day, hour: hour) == expected, "\(text) \(hour):00")
        }
    }

    @Test("The store's timestamps are what ISO8601DateFormatter wrote, and read back; other ISO forms read; bad ones are nil")
    func timestamps() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5_000 {
            let moment = Date(timeIntervalSince1970: (Double.random(in: 0...4_102_444_800, using: &generator) * 1000).rounded() / 1000)
            let stamp = ParisTime.timestamp(moment)
            #expect(stamp == formatter.string(from: moment))
            #expect(abs(ParisTime.parse(stamp)!.timeIntervalSince(moment)) < 0.0005)
        }
        #expect(ParisTime.parse("2026-11-24T10:00:00+01:00") == ISO8601DateFormatter().date(from: "2026-11-24T10:00:00+01:00"))
        #expect(ParisTime.parse("2026-11-24T09:00:00Z") == ISO8601DateFormatter().date(from: "2026-11-24T09:00:00Z"))
        let withFraction = ParisTime.parse("2026-07-01T12:30:00.5-02:30")?.timeIntervalSince1970
        let fifteen: Double = ISO8601DateFormatter().date(from: "2026-07-01T15:00:00Z")!.timeIntervalSince1970
        #expect(withFraction == fifteen + 0.5)
        for bad in ["", "2026-11-24", "2026-11-24T10:00:00", "2026-02-30T10:00:00Z", "2026-11-24T25:00:00Z", "2026-11-24T10:00:00.Z", "2026-11-24T10:00:00Zx", "tomorrow"] {
            #expect(ParisTime.parse(bad) == nil, "\(bad)")
        }
    }
}
