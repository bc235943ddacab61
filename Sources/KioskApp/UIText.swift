import Intake
import Rights

/// The visitor screens' words come from the content's text catalogue (`Kiosk/texts/*.yaml`, keys `ui.…`);
/// nothing a visitor reads is written in Swift. Mediator screens are in French.
extension AppState {
    /// A `ui.…` text (or any catalogue key) in a language (the visitor's, or French for the mediator), placeholders filled.
    func ui(_ key: String, in language: String, _ arguments: [String: MessageArgument] = [:]) -> String {
        content.texts.text(key, language, arguments)
    }

    /// The language's name in itself, from the catalogue.
    func languageName(_ code: String) -> String { content.texts.language(code)?.name ?? code }

    /// The mark the mediator's screens put after a language whose translation no native speaker has checked yet
    /// (`reviewed: false`); empty for the others.
    func unreviewedMark(_ code: String) -> String {
        content.texts.language(code)?.reviewed == false ? ui("mediator.unreviewed_short", in: "fr") : ""
    }

    /// "mardi 8 décembre" in the visitor's language (the catalogue's weekday and month names).
    func dayAndMonth(_ date: LocalDate, in language: String) -> String {
        ui("ui.date.day_month", in: language, ["weekday": .text(ui("ui.weekday.\(date.isoWeekday)", in: language)),
                                                "day": .integer(date.day), "month": .text(ui("ui.month.\(date.month)", in: language))])
    }

    /// "Espéraza (4 km)": a place's name with its distance from this box's village, rounded to the kilometre (the
    /// name alone when the distance is not known, or under a kilometre).
    func withDistance(_ name: String, _ km: Double?, in language: String) -> String {
        guard let km, km >= 1 else { return name }
        return ui("ui.distance_after", in: language, ["name": .text(name), "km": .integer(Int(km.rounded()))])
    }

    /// What the box says about the team's coming, in a language: on now, later today, not today and when next, or that
    /// the date is not known.
    func permanenceLines(in language: String) -> [String] {
        let distances = distancesFromHere
        func at(_ permanence: PermanenceCalendar.Permanence, far: Bool = false) -> [String: MessageArgument] {
            let name = permanence.commune.isEmpty ? content.communes.commune(id: permanence.communeCode)?.name ?? permanence.communeCode : permanence.commune
            let km = distances[permanence.communeCode.isEmpty ? permanence.commune : permanence.communeCode]
            return ["commune": .text(far ? withDistance(name, km, in: language) : name),
             "place": .text(permanence.place), "date": .text(dayAndMonth(permanence.date, in: language)),
             "start": .text(permanence.start), "end": .text(permanence.end)]
        }
        var lines: [String]
        switch permanenceToday {
        case .dateUnknown: return [ui("ui.permanence.date_unknown", in: language)]
        case .onNow(let permanence): lines = [ui("ui.permanence.now", in: language, at(permanence))]
        case .laterToday(let permanence): lines = [ui("ui.permanence.later_today", in: language, at(permanence))]
        case let .notToday(nextHere, elsewhere):
            lines = [ui("ui.permanence.none_today", in: language)]
            if let nextHere { lines.append(ui("ui.permanence.next_here", in: language, at(nextHere))) }
            else { lines.append(ui("ui.permanence.none_planned_here", in: language)) }
            if !elsewhere.isEmpty {
                let list = elsewhere.map { ui("ui.permanence.elsewhere_item", in: language, at($0, far: true)) }
                lines.append(ui("ui.permanence.elsewhere", in: language, ["list": .text(list.joined(separator: ui("list.separator", in: language)))]))
            }
        }
        // This week's visiting doctor at a partner centre (a Médecins Solidaires centre), where the calendar has one.
        let monday = LocalDate(dayNumber: today.dayNumber - (today.isoWeekday - 1))
        for week in content.calendar.doctorWeeks where week.weekOf == monday {
            guard let service = content.services.first(where: { $0.id == week.serviceID }) else { continue }
            let commune = service.commune.isEmpty ? content.communes.commune(id: service.communeCode)?.name ?? "" : service.commune
            lines.append(ui("ui.permanence.doctor_week", in: language, ["name": .text(service.name), "commune": .text(commune)]))
        }
        return lines
    }
}
