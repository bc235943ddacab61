import Rights
import Yams

/// A partner service, with the fields data·inclusion uses for services
/// (nom, types, adresse, code_insee, telephone, horaires_accueil in OpenStreetMap
/// `opening_hours` format, conditions d'accès, langues).
public struct PartnerService: Sendable, Equatable {
    public enum Kind: String, CaseIterable, Sendable {
        case cpam, pass, hospital, healthCentre = "health_centre", medecinsSolidaires = "medecins_solidaires"
        case cegidd, vaccination, socialServices = "social_services", pharmacy, association
    }

    public var id: String
    public var name: String
    public var kind: Kind
    public var address: String
    /// INSEE code when known, else empty and `commune` names it.
    public var communeCode: String
    public var commune: String
    public var phone: String
    /// OpenStreetMap `opening_hours`, e.g. `Mo-Fr 08:30-12:00,13:30-16:30; PH off`.
    public var openingHours: String
    public var accessConditions: LocalizedText
    public var languages: [String]
    /// Takes new patients as médecin traitant.
    public var acceptsNewPatients: Bool
}

/// The calendar: permanences in the villages and the weeks a visiting doctor is there.
public struct PermanenceCalendar: Sendable, Equatable {
    public struct Permanence: Sendable, Equatable {
        public var date: LocalDate
        public var communeCode: String
        public var commune: String
        public var place: String
        public var start: String
        public var end: String
    }

    public struct DoctorWeek: Sendable, Equatable {
        /// The Monday of the week.
        public var weekOf: LocalDate
        public var serviceID: String
    }

    public var permanences: [Permanence]
    public var doctorWeeks: [DoctorWeek]

    /// The next permanence on or after `day`.
    public func nextPermanence(onOrAfter day: LocalDate) -> Permanence? {
        permanences.filter { $0.date >= day }.min { $0.date < $1.date }
    }
}

/// Reads the partner directory and the calendar, reporting every problem with file and line.
public enum DirectoryLoader {
    public static func loadServices(file: String, text: String, communes: CommuneList) -> (services: [PartnerService], problems: [ContentProblem]) {
        var problems: [ContentProblem] = []
        func problem(_ line: Int, _ key: String, _ message: String) { problems.append(ContentProblem(file: file, line: line, key: key, message: message)) }
        guard let list = topList(file: file, text: text, key: "services", problems: &problems) else { return ([], problems) }
        var services: [PartnerService] = []
        var ids = Set<String>()
        for node in list {
            let line = YAMLSupport.line(node)
            guard let fields = node.mapping else {
                problem(line, "services", "each service must be a mapping")
                continue
            }
            let id = fields["id"]?.scalar?.string ?? ""
            let key = id.isEmpty ? "services" : id
            YAMLSupport.checkKeys(fields, allowed: ["id", "name", "kind", "address", "commune_code", "commune", "phone", "opening_hours", "access_conditions", "languages", "accepts_new_patients"], key: key, problem: problem)
            if id.isEmpty { problem(line, "services", "a service has no `id`") }
            if !ids.insert(id).inserted { problem(line, key, "duplicate service id") }
            func text(_ name: String, required: Bool = true) -> String {
                let value = fields[name]?.scalar?.string ?? ""
                if required, value.isEmpty { problem(line, key, "`\(name)` missing") }
                return value
            }
            let name = text("name"), address = text("address"), phone = text("phone")
            let kindText = text("kind")
            let kind = PartnerService.Kind(rawValue: kindText)
            if kind == nil, !kindText.isEmpty {
                problem(YAMLSupport.line(fields["kind"]!), key, "unknown kind '\(kindText)' (expected \(PartnerService.Kind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let code = text("commune_code", required: false)
            var communeName = text("commune", required: false)
            if !code.isEmpty {
                if let commune = communes.commune(id: code) { communeName = commune.name }
                else { problem(YAMLSupport.line(fields["commune_code"]!), key, "commune code \(code) is not in the territory's list") }
            } else if communeName.isEmpty {
                problem(line, key, "give `commune_code` (INSEE) or, when the code is not known, `commune`")
            }
            if !phone.isEmpty, !isPhone(phone) { problem(YAMLSupport.line(fields["phone"]!), key, "phone '\(phone)' is not a phone number") }
            let hours = text("opening_hours")
            if !hours.isEmpty, let message = OpeningHours.problem(in: hours) {
                problem(YAMLSupport.line(fields["opening_hours"]!), key, "opening_hours: \(message)")
            }
            var access = LocalizedText([:])
            if let node = fields["access_conditions"] {
                access = QuestionnaireLoader.readText(node, owner: key, what: "access_conditions", line: line, required: false,
                                                      languages: nil, problem: problem)
            }
            var languages: [String] = []
            for languageNode in fields["languages"]?.sequence ?? [] {
                let code = languageNode.scalar?.string ?? ""
                if code.count != 2 || !code.allSatisfy({ $0.isASCII && $0.isLowercase }) {
                    problem(YAMLSupport.line(languageNode), key, "language '\(code)' is not a two-letter ISO 639-1 code")
                }
                languages.append(code)
            }
            let accepts = fields["accepts_new_patients"]?.scalar?.string == "true"
            if let kind {
                services.append(PartnerService(id: id, name: name, kind: kind, address: address, communeCode: code, commune: communeName,
                                               phone: phone, openingHours: hours, accessConditions: access, languages: languages,
                                               acceptsNewPatients: accepts))
            }
        }
        return (services, problems)
    }

    public static func loadCalendar(file: String, text: String, communes: CommuneList, services: [PartnerService]) -> (calendar: PermanenceCalendar, problems: [ContentProblem]) {
        var problems: [ContentProblem] = []
        func problem(_ line: Int, _ key: String, _ message: String) { problems.append(ContentProblem(file: file, line: line, key: key, message: message)) }
        var calendar = PermanenceCalendar(permanences: [], doctorWeeks: [])
        let root: Node
        switch YAMLSupport.compose(file: file, text: text) {
        case .success(let node): root = node
        case .failure(let failure): return (calendar, [failure])
        }
        guard let top = root.mapping else {
            problem(1, "calendar", "expected `permanences` and `visiting_doctor_weeks`")
            return (calendar, problems)
        }
        YAMLSupport.checkKeys(top, allowed: ["permanences", "visiting_doctor_weeks"], key: "calendar", problem: problem)
        for node in top["permanences"]?.sequence ?? [] {
            let line = YAMLSupport.line(node)
            let fields = node.mapping
            let dateText = fields?["date"]?.scalar?.string ?? ""
            let key = "permanence \(dateText)"
            guard let fields, let date = LocalDate(iso: dateText) else {
                problem(line, key, "a permanence needs a `date` written YYYY-MM-DD")
                continue
            }
            YAMLSupport.checkKeys(fields, allowed: ["date", "commune_code", "commune", "place", "start", "end"], key: key, problem: problem)
            let code = fields["commune_code"]?.scalar?.string ?? ""
            var communeName = fields["commune"]?.scalar?.string ?? ""
            if !code.isEmpty {
                if let commune = communes.commune(id: code) { communeName = commune.name }
                else { problem(line, key, "commune code \(code) is not in the territory's list") }
            } else if communeName.isEmpty {
                problem(line, key, "give `commune_code` or `commune`")
            }
            let place = fields["place"]?.scalar?.string ?? ""
            if place.isEmpty { problem(line, key, "`place` missing") }
            let start = fields["start"]?.scalar?.string ?? "", end = fields["end"]?.scalar?.string ?? ""
            guard let startMinutes = OpeningHours.minutes(start), let endMinutes = OpeningHours.minutes(end) else {
                problem(line, key, "`start` and `end` must be times like 09:30")
                continue
            }
            if startMinutes >= endMinutes { problem(line, key, "ends (\(end)) before it starts (\(start))") }
            calendar.permanences.append(.init(date: date, communeCode: code, commune: communeName, place: place, start: start, end: end))
        }
        let serviceIDs = Set(services.map(\.id))
        for node in top["visiting_doctor_weeks"]?.sequence ?? [] {
            let line = YAMLSupport.line(node)
            let weekText = node.mapping?["week_of"]?.scalar?.string ?? ""
            let key = "week \(weekText)"
            guard let fields = node.mapping, let week = LocalDate(iso: weekText) else {
                problem(line, key, "a visiting-doctor week needs `week_of` (its Monday) written YYYY-MM-DD")
                continue
            }
            YAMLSupport.checkKeys(fields, allowed: ["week_of", "service"], key: key, problem: problem)
            // 1970-01-01 was a Thursday: day number 4 (mod 7) is a Monday.
            if ((week.dayNumber % 7) + 7) % 7 != 4 { problem(line, key, "week_of must be a Monday") }
            let service = fields["service"]?.scalar?.string ?? ""
            if !serviceIDs.contains(service) { problem(line, key, "service '\(service)' is not in the partner directory") }
            calendar.doctorWeeks.append(.init(weekOf: week, serviceID: service))
        }
        return (calendar, problems)
    }

    /// Reads `territory/communes.csv`: `insee_code,name[,population[,…]]` with a header line.
    public static func loadCommunes(file: String, text: String) -> (communes: CommuneList, problems: [ContentProblem]) {
        var problems: [ContentProblem] = []
        var communes: [CommuneList.Commune] = []
        var seen = Set<String>()
        var latitudeColumn: Int?, longitudeColumn: Int?
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: "\r")
            if index == 0 {
                if !line.hasPrefix("insee_code,name") {
                    problems.append(ContentProblem(file: file, line: 1, key: "communes", message: "the first line must be the header insee_code,name"))
                }
                let header = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                latitudeColumn = header.firstIndex(of: "latitude")
                longitudeColumn = header.firstIndex(of: "longitude")
                if (latitudeColumn == nil) != (longitudeColumn == nil) {
                    problems.append(ContentProblem(file: file, line: 1, key: "communes", message: "give both `latitude` and `longitude` columns, or neither"))
                }
                continue
            }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let columns = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let code = columns[0], name = columns.count > 1 ? columns[1] : ""
            if name.isEmpty { problems.append(ContentProblem(file: file, line: index + 1, key: "communes", message: "a commune has no name")); continue }
            if !code.isEmpty, code.count != 5 || !code.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "A" || $0 == "B") }) {
                problems.append(ContentProblem(file: file, line: index + 1, key: name, message: "INSEE code '\(code)' must have 5 characters (leave it empty when not known)"))
            }
            var population: Int?
            if columns.count > 2, !columns[2].isEmpty {
                population = Int(columns[2])
                if population == nil || population! < 0 {
                    problems.append(ContentProblem(file: file, line: index + 1, key: name, message: "population '\(columns[2])' is not a whole number"))
                }
            }
            // The centre's coordinates: both or neither, in degrees (an empty pair when not known: never guessed).
            func degrees(_ column: Int?, _ what: String, _ range: ClosedRange<Double>) -> Double? {
                guard let column, column < columns.count, !columns[column].isEmpty else { return nil }
                guard let value = Double(columns[column]), range.contains(value) else {
                    problems.append(ContentProblem(file: file, line: index + 1, key: name, message: "\(what) '\(columns[column])' is not a number of degrees in \(Int(range.lowerBound))…\(Int(range.upperBound))"))
                    return nil
                }
                return value
            }
            let latitude = degrees(latitudeColumn, "latitude", -90...90), longitude = degrees(longitudeColumn, "longitude", -180...180)
            if (latitude == nil) != (longitude == nil) {
                problems.append(ContentProblem(file: file, line: index + 1, key: name, message: "give both latitude and longitude, or leave both empty"))
            }
            let commune = CommuneList.Commune(code: code, name: name, population: population,
                                              latitude: longitude == nil ? nil : latitude, longitude: latitude == nil ? nil : longitude)
            if !seen.insert(commune.id).inserted { problems.append(ContentProblem(file: file, line: index + 1, key: name, message: "listed twice")) }
            communes.append(commune)
        }
        return (CommuneList(communes), problems)
    }

    static func topList(file: String, text: String, key: String, problems: inout [ContentProblem]) -> [Node]? {
        switch YAMLSupport.compose(file: file, text: text) {
        case .failure(let failure):
            problems.append(failure)
            return nil
        case .success(let root):
            guard let list = root.mapping?[key]?.sequence else {
                problems.append(ContentProblem(file: file, line: YAMLSupport.line(root), key: key, message: "expected a `\(key)` list at the top level"))
                return nil
            }
            return Array(list)
        }
    }

    static func isPhone(_ text: String) -> Bool {
        let digits = text.filter(\.isNumber)
        return (4...15).contains(digits.count) && text.allSatisfy { $0.isNumber || " +.()-".contains($0) }
    }
}

/// A subset of OpenStreetMap's `opening_hours`: rules separated by `;`, each a day
/// selector (`Mo-Fr`, `Mo,We`, `PH`) and time spans (`08:30-12:00,13:30-16:30`) or `off`; or `24/7`.
public enum OpeningHours {
    static let days = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su", "PH"]

    /// Nil when the text is valid, else what is wrong.
    public static func problem(in text: String) -> String? {
        if text.trimmingWhitespace == "24/7" { return nil }
        for rule in text.split(separator: ";").map({ String($0).trimmingWhitespace }) {
            if rule.isEmpty { return "an empty rule between ';'" }
            let parts = rule.split(separator: " ").map(String.init)
            var index = 0
            if index < parts.count, parts[index].first?.isLetter == true, parts[index] != "off", parts[index] != "closed" {
                for selector in parts[index].split(separator: ",") {
                    let bounds = selector.split(separator: "-").map(String.init)
                    if bounds.isEmpty || bounds.count > 2 || !bounds.allSatisfy(days.contains) {
                        return "'\(selector)' is not a day (Mo Tu We Th Fr Sa Su PH) or a day range"
                    }
                }
                index += 1
            }
            guard index < parts.count else { return "'\(rule)' has days but no hours (or off)" }
            let rest = parts[index...].joined(separator: " ")
            if rest == "off" || rest == "closed" { continue }
            for span in rest.split(separator: ",") {
                let times = span.split(separator: "-").map(String.init)
                guard times.count == 2, let start = minutes(times[0]), let end = minutes(times[1]) else {
                    return "'\(span)' is not a time span like 08:30-12:00"
                }
                if start >= end { return "'\(span)' ends before it starts" }
            }
        }
        return nil
    }

    /// Minutes since midnight of `HH:MM`.
    static func minutes(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2,
              let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...24).contains(hours), (0...59).contains(minutes) else { return nil }
        return hours * 60 + minutes
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var text = self
        while let last = text.last, set.contains(last) { text.removeLast() }
        return String(text)
    }
}

extension OpeningHours {
    /// Whether a place is open at a moment, and when it closes or next opens.
    public enum Status: Sendable, Equatable {
        /// Open now, until this minute of the day.
        case open(until: Int)
        /// Closed now; opens on that day (0 today, 1 tomorrow…) at that minute; nil when not within a week.
        case closed(opens: (dayOffset: Int, minute: Int)?)

        public static func == (a: Status, b: Status) -> Bool {
            switch (a, b) {
            case let (.open(x), .open(y)): return x == y
            case let (.closed(x), .closed(y)): return x?.dayOffset == y?.dayOffset && x?.minute == y?.minute
            default: return false
            }
        }
    }

    /// The time spans (minutes from midnight) a place is open on one day: the last rule naming the day wins, as in
    /// OpenStreetMap; `PH` rules apply on French public holidays.
    public static func spans(_ text: String, on day: LocalDate) -> [(start: Int, end: Int)] {
        if text.trimmingWhitespace == "24/7" { return [(0, 24 * 60)] }
        let weekday = day.isoWeekday
        let holiday = FrenchPublicHolidays.contains(day)
        var result: [(start: Int, end: Int)] = []
        for rule in text.split(separator: ";").map({ String($0).trimmingWhitespace }) where !rule.isEmpty {
            let parts = rule.split(separator: " ").map(String.init)
            var index = 0
            var applies = true
            if let first = parts.first, first.first?.isLetter == true, first != "off", first != "closed" {
                applies = first.split(separator: ",").contains { selector in
                    let bounds = selector.split(separator: "-").map(String.init)
                    if bounds == ["PH"] { return holiday }
                    guard let from = days.firstIndex(of: bounds[0]), from < 7 else { return false }
                    let to = bounds.count == 2 ? (days.firstIndex(of: bounds[1]) ?? from) : from
                    let wanted = weekday - 1
                    return from <= to ? (from...to).contains(wanted) : (wanted >= from || wanted <= to)
                }
                index = 1
            }
            guard applies, index < parts.count else { continue }
            let rest = parts[index...].joined(separator: " ")
            if rest == "off" || rest == "closed" { result = []; continue }
            result = rest.split(separator: ",").compactMap { span in
                let times = span.split(separator: "-").map(String.init)
                guard times.count == 2, let start = minutes(times[0]), let end = minutes(times[1]) else { return nil }
                return (start, end)
            }
        }
        return result
    }

    /// Open or closed at `minute` of `day`, and until when or from when (looking a week ahead).
    public static func status(_ text: String, on day: LocalDate, minute: Int) -> Status {
        let today = spans(text, on: day)
        if let span = today.first(where: { minute >= $0.start && minute < $0.end }) {
            // Open across midnight (24/7, or a span to 24:00 followed by one from 00:00): until the end of today's span.
            return .open(until: span.end)
        }
        if let later = today.filter({ $0.start > minute }).map(\.start).min() { return .closed(opens: (0, later)) }
        for offset in 1...7 {
            if let first = spans(text, on: day.addingDays(offset)).map(\.start).min() { return .closed(opens: (offset, first)) }
        }
        return .closed(opens: nil)
    }
}

extension LocalDate {
    public func addingDays(_ days: Int) -> LocalDate { LocalDate(dayNumber: dayNumber + days) }
}

/// The public holidays of metropolitan France (Code du travail, art. L3133-1): eight fixed days, Easter Monday,
/// Ascension and Whit Monday. (Alsace-Moselle's Good Friday and 26 December are not counted.)
public enum FrenchPublicHolidays {
    public static func contains(_ day: LocalDate) -> Bool {
        let fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
        if fixed.contains(where: { $0.0 == day.month && $0.1 == day.day }) { return true }
        guard let easter = easterSunday(day.year) else { return false }
        return [1, 39, 50].contains(day.dayNumber - easter.dayNumber)
    }

    /// Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm, Meeus/Jones/Butcher).
    public static func easterSunday(_ year: Int) -> LocalDate? {
        let a = year % 19, b = year / 100, c = year % 100, d = b / 4, e = b % 4
        let f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30
        let i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7
        let m = (a + 11 * h + 22 * l) / 451
        let month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1
        return LocalDate(year: year, month: month, day: day)
    }
}
