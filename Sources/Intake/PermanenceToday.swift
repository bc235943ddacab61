import Rights

/// Whether the team is at this box's village today, from the calendar and the box's own commune (pure: the day and
/// the time come in as values). The box's clock may be wrong (no battery, weeks offline): a day before `notBefore`
/// (the binary's install), or more than a month outside the calendar's dates, is "date unknown", never an invented day.
public enum PermanenceToday: Sendable, Equatable {
    case dateUnknown
    /// On now, here, until its end.
    case onNow(PermanenceCalendar.Permanence)
    /// Here later today.
    case laterToday(PermanenceCalendar.Permanence)
    /// None here today: the next here (if the calendar has one) and the next ones elsewhere (soonest first).
    case notToday(nextHere: PermanenceCalendar.Permanence?, elsewhere: [PermanenceCalendar.Permanence])

    /// Days after the calendar's last permanence during which its dates are still believed.
    public static let calendarGrace = 31

    /// `distances` (km from the box's commune, by commune code or name) picks the nearest villages for "elsewhere",
    /// each with its next date; without them, the soonest permanences elsewhere.
    public static func evaluate(_ calendar: PermanenceCalendar, day: LocalDate, minutes: Int, commune: String?,
                                notBefore: LocalDate? = nil, elsewhereCount: Int = 3, distances: [String: Double] = [:]) -> PermanenceToday {
        if let notBefore, day < notBefore { return .dateUnknown }
        // Outside the calendar's dates (with a month's grace either side) the day itself is doubtful.
        guard let first = calendar.permanences.map(\.date).min(), let last = calendar.permanences.map(\.date).max(),
              day.dayNumber >= first.dayNumber - calendarGrace, day.dayNumber <= last.dayNumber + calendarGrace else { return .dateUnknown }
        func here(_ permanence: PermanenceCalendar.Permanence) -> Bool {
            guard let commune, !commune.isEmpty else { return false }
            return permanence.communeCode == commune || permanence.commune == commune
        }
        let todayHere = calendar.permanences.filter { $0.date == day && here($0) }.sorted { $0.start < $1.start }
        for permanence in todayHere {
            guard let start = OpeningHours.minutes(permanence.start), let end = OpeningHours.minutes(permanence.end) else { continue }
            if minutes >= start && minutes < end { return .onNow(permanence) }
            if minutes < start { return .laterToday(permanence) }
        }
        let upcoming = calendar.permanences.filter { $0.date > day }.sorted { ($0.date, $0.start) < ($1.date, $1.start) }
        let nextHere = upcoming.first(where: here)
        let others = upcoming.filter { !here($0) }
        guard !distances.isEmpty else { return .notToday(nextHere: nextHere, elsewhere: Array(others.prefix(elsewhereCount))) }
        // The nearest villages with a permanence to come, each with its next one (villages of unknown distance last).
        var seen = Set<String>()
        let nextByVillage = others.filter { seen.insert($0.communeCode.isEmpty ? $0.commune : $0.communeCode).inserted }
        func km(_ permanence: PermanenceCalendar.Permanence) -> Double {
            distances[permanence.communeCode.isEmpty ? permanence.commune : permanence.communeCode] ?? .infinity
        }
        let nearest = nextByVillage.enumerated().sorted { (km($0.element), $0.offset) < (km($1.element), $1.offset) }.map(\.element)
        // Said soonest first: the visitor picks a day, the distance is beside each village.
        let chosen = nearest.prefix(elsewhereCount).sorted { ($0.date, $0.start) < ($1.date, $1.start) }
        return .notToday(nextHere: nextHere, elsewhere: chosen)
    }
}

extension LocalDate {
    /// 1 Monday … 7 Sunday (1970-01-01 was a Thursday).
    public var isoWeekday: Int { ((dayNumber + 3) % 7 + 7) % 7 + 1 }
}
