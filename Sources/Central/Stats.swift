import Foundation
import Intake

/// One counted fact about a visit: on `day`, in `commune` ("" when not shared), `metric` had `value`.
/// The central store keeps only sums of these (`stat_count`), never a row per visit.
public struct StatKey: Sendable, Hashable {
    public var day: String
    public var commune: String
    public var metric: String
    public var value: String
    public init(day: String, commune: String, metric: String, value: String) {
        self.day = day
        self.commune = commune
        self.metric = metric
        self.value = value
    }
}

/// A stored sum.
public struct StatRow: Sendable, Equatable {
    public var day: String
    public var commune: String
    public var metric: String
    public var value: String
    public var count: Int
    public init(day: String, commune: String, metric: String, value: String, count: Int) {
        self.day = day
        self.commune = commune
        self.metric = metric
        self.value = value
        self.count = count
    }
}

/// Sums over a period, as the report needs them: per metric and value, and the visits per day and per commune.
public struct StatSums: Sendable, Equatable {
    public var byMetric: [(metric: String, value: String, count: Int)]
    public var visitsByDay: [(day: String, count: Int)]
    public var visitsByCommune: [(commune: String, count: Int)]

    public init(byMetric: [(metric: String, value: String, count: Int)], visitsByDay: [(day: String, count: Int)],
                visitsByCommune: [(commune: String, count: Int)]) {
        self.byMetric = byMetric
        self.visitsByDay = visitsByDay
        self.visitsByCommune = visitsByCommune
    }

    /// The sums of stored rows (what the storages compute in SQL).
    public init(rows: [StatRow]) {
        var metric: [String: [String: Int]] = [:], day: [String: Int] = [:], commune: [String: Int] = [:]
        for row in rows {
            metric[row.metric, default: [:]][row.value, default: 0] += row.count
            if row.metric == "visits" {
                day[row.day, default: 0] += row.count
                commune[row.commune, default: 0] += row.count
            }
        }
        byMetric = metric.flatMap { name, values in values.map { (metric: name, value: $0.key, count: $0.value) } }
        visitsByDay = day.map { (day: $0.key, count: $0.value) }
        visitsByCommune = commune.map { (commune: $0.key, count: $0.value) }
    }

    public static func == (lhs: StatSums, rhs: StatSums) -> Bool {
        func key(_ sums: StatSums) -> [String] {
            sums.byMetric.map { "m/\($0.metric)/\($0.value)/\($0.count)" }.sorted() + sums.visitsByDay.map { "d/\($0.day)/\($0.count)" }.sorted()
                + sums.visitsByCommune.map { "c/\($0.commune)/\($0.count)" }.sorted()
        }
        return key(lhs) == key(rhs)
    }
}

/// What a visit record counts for (pure).
public enum StatExtraction {
    /// The rights as the statistics name them.
    public static let rights = ["puma", "c2s_free", "c2s_participation", "ame", "medecin_traitant"]
    static let formOfRight = ["puma": "puma-request", "c2s_free": "cerfa-12504", "c2s_participation": "cerfa-12504",
                              "ame": "cerfa-11573", "medecin_traitant": "cerfa-12485"]
    public static let waitingBuckets = ["0-15", "15-30", "30-60", "60+"]

    /// The keys a decrypted record adds one to. Unknown kinds or unreadable records count for nothing.
    public static func keys(kind: String, payload: Data) -> [StatKey] {
        guard let record = (try? JSONSerialization.jsonObject(with: payload)) as? [String: Any] else { return [] }
        return keys(kind: kind, record: record)
    }

    /// The same from the record already parsed (the ingest parses it once, to check it is JSON).
    /// Reads `permanence.visit-record` / `permanence.visit-counts` v1 (`Intake.VisitRecord`) by hand: the
    /// central store opens thousands per second.
    public static func keys(kind: String, record: [String: Any]) -> [StatKey] {
        guard kind == VisitRecord.kind || kind == VisitRecord.countsKind,
              let day = record["day"] as? String, day.count == 10, let language = record["language"] as? String else { return [] }
        let answers = record["answers"] as? [String: Any] ?? [:]
        func choice(_ id: String) -> String? { (answers[id] as? [String: Any])?["choice"] as? String }
        func choices(_ id: String) -> [String]? { (answers[id] as? [String: Any])?["choices"] as? [String] }
        var commune = ""
        if kind == VisitRecord.kind, let code = (answers["commune"] as? [String: Any])?["text"] as? String { commune = String(code.prefix(64)) }
        var keys: [StatKey] = []
        func add(_ metric: String, _ value: String) { keys.append(StatKey(day: day, commune: commune, metric: metric, value: value)) }
        add("visits", "all")
        add("language", String(language.prefix(16)))
        let printed = Set(record["printed"] as? [String] ?? [])
        // A right "found" is one the visitor can act on: not a coverage they already have, not a doctor already declared.
        for case let found as [String: Any] in record["rights"] as? [Any] ?? [] {
            guard found["verdict"] as? String == "eligible", let right = found["right"] as? String else { continue }
            let variant = found["variant"] as? String
            if ["already_covered", "declared", "optional"].contains(variant ?? "") { continue }
            let name = right == "c2s" ? "c2s_\(variant ?? "free")" : right
            guard rights.contains(name) else { continue }
            add("right", name)
            if let form = formOfRight[name], printed.contains(form) { add("right_printed", name) }
        }
        if let gaveUp = choice("gave_up_care") { add("gave_up_care", gaveUp) }
        for reason in Set(choices("gave_up_reasons") ?? []) { add("gave_up_reason", reason) }
        for interest in Set(choices("prevention_interest") ?? []) where interest != "none" { add("prevention", interest) }
        for reason in Set(choices("reasons") ?? []) { add("reason", reason) }
        if record["urgent"] as? Bool == true { add("urgent", "yes") }
        if let number = record["waiting_minutes"] as? NSNumber {
            let minutes = number.intValue
            add("waiting", minutes < 15 ? "0-15" : minutes < 30 ? "15-30" : minutes < 60 ? "30-60" : "60+")
        }
        return keys
    }
}

/// A count as published: the number, or nothing when it is under the threshold (shown as "< 5").
public struct PublishedCount: Codable, Sendable, Equatable {
    public var count: Int?
    public var display: String

    public static func shown(_ value: Int) -> PublishedCount { PublishedCount(count: value, display: String(value)) }
    public static func hidden(threshold: Int) -> PublishedCount { PublishedCount(count: nil, display: "< \(threshold)") }
    public var isSuppressed: Bool { count == nil }
}

/// One line of a table: a label and its count.
public struct StatLine: Codable, Sendable, Equatable {
    public var key: String
    public var label: String
    public var count: PublishedCount
    /// For rights: how many were followed by a printed form.
    public var printed: PublishedCount?
}

/// The statistics for a period and territory, with small counts suppressed.
public struct StatsReport: Codable, Sendable, Equatable {
    public var from: String
    public var to: String
    public var commune: String?
    public var threshold: Int
    public var visits: PublishedCount
    public var visitsByWeek: [StatLine]
    public var visitsByCommune: [StatLine]
    public var rights: [StatLine]
    public var gaveUpCare: [StatLine]
    public var gaveUpReasons: [StatLine]
    public var prevention: [StatLine]
    public var reasons: [StatLine]
    public var languages: [StatLine]
    public var waiting: [StatLine]
    /// Visits where the person said they needed care now.
    public var urgent: PublishedCount?
}

/// Suppression of small counts (pure). A cell under the threshold is hidden; and in any table whose total
/// is published, a lone hidden cell would be recovered by subtraction, so the smallest other cell is hidden
/// with it (secondary suppression), until every table hides none or at least two cells.
public enum Suppression {
    public static func apply(_ values: [Int], threshold: Int) -> [Bool] {
        var hidden = values.map { $0 > 0 && $0 < threshold }
        if hidden.filter({ $0 }).count == 1, values.count > 1 {
            let candidates = values.indices.filter { !hidden[$0] && values[$0] > 0 }
            if let smallest = candidates.min(by: { values[$0] < values[$1] }) {
                hidden[smallest] = true
            } else if let zero = values.indices.first(where: { !hidden[$0] }) {
                // Only zeros left: hiding one of them still leaves the lone cell indistinguishable.
                hidden[zero] = true
            }
        }
        return hidden
    }
}

/// Builds the published report from stored sums (pure: no storage, no clock).
public enum StatsBuilder {
    public static func build(rows: [StatRow], from: String, to: String, commune: String?, threshold: Int,
                             communeNames: [String: String] = [:]) -> StatsReport {
        build(sums: StatSums(rows: rows), from: from, to: to, commune: commune, threshold: threshold, communeNames: communeNames)
    }

    public static func build(sums: StatSums, from: String, to: String, commune: String?, threshold: Int,
                             communeNames: [String: String] = [:]) -> StatsReport {
        var totals: [String: [String: Int]] = [:]
        var byWeek: [String: Int] = [:]
        var byCommune: [String: Int] = [:]
        for entry in sums.byMetric { totals[entry.metric, default: [:]][entry.value, default: 0] += entry.count }
        for entry in sums.visitsByDay { byWeek[isoWeek(entry.day), default: 0] += entry.count }
        for entry in sums.visitsByCommune { byCommune[entry.commune, default: 0] += entry.count }
        let visitTotal = totals["visits"]?["all"] ?? 0
        func publish(_ value: Int, hidden: Bool) -> PublishedCount { hidden ? .hidden(threshold: threshold) : .shown(value) }

        /// A table whose cells add up to the total (each visit in exactly one cell).
        func partition(_ entries: [(String, String, Int)]) -> [StatLine] {
            let hidden = Suppression.apply(entries.map(\.2), threshold: threshold)
            return entries.enumerated().map { StatLine(key: $0.element.0, label: $0.element.1, count: publish($0.element.2, hidden: hidden[$0.offset]), printed: nil) }
        }
        /// A table of several answers per visit: cells do not add up to anything published, each is
        /// suppressed on its own.
        func multiple(_ metric: String, _ order: [String] = []) -> [StatLine] {
            let values = totals[metric] ?? [:]
            let keys = order.isEmpty ? values.keys.sorted { (values[$0]!, $1) > (values[$1]!, $0) } : order
            return keys.map { key in
                let value = values[key] ?? 0
                return StatLine(key: key, label: StatLabels.label(metric, key), count: publish(value, hidden: value > 0 && value < threshold), printed: nil)
            }
        }

        let weeks = partition(byWeek.keys.sorted().map { ($0, $0, byWeek[$0]!) })
        let communes = partition(byCommune.keys.sorted { (byCommune[$0]!, $1) > (byCommune[$1]!, $0) }.map {
            ($0, $0.isEmpty ? "Non renseignée" : communeNames[$0] ?? $0, byCommune[$0]!)
        })
        var rights = multiple("right", StatExtraction.rights)
        let printed = totals["right_printed"] ?? [:]
        for index in rights.indices {
            let value = printed[rights[index].key] ?? 0
            rights[index].printed = publish(value, hidden: (value > 0 && value < threshold) || rights[index].count.isSuppressed)
        }
        let gaveUp = partition(["yes", "no"].map { ($0, StatLabels.label("gave_up_care", $0), totals["gave_up_care"]?[$0] ?? 0) })
        let languages = partition((totals["language"] ?? [:]).keys.sorted { ((totals["language"]![$0])!, $1) > ((totals["language"]![$1])!, $0) }
            .map { ($0, StatLabels.label("language", $0), totals["language"]![$0]!) })
        let waiting = partition(StatExtraction.waitingBuckets.map { ($0, StatLabels.label("waiting", $0), totals["waiting"]?[$0] ?? 0) })
        return StatsReport(from: from, to: to, commune: commune, threshold: threshold,
                           visits: publish(visitTotal, hidden: visitTotal > 0 && visitTotal < threshold),
                           visitsByWeek: weeks, visitsByCommune: communes, rights: rights, gaveUpCare: gaveUp,
                           gaveUpReasons: multiple("gave_up_reason"), prevention: multiple("prevention"),
                           reasons: multiple("reason"), languages: languages, waiting: waiting,
                           urgent: totals["urgent"]?["yes"].map { publish($0, hidden: $0 < threshold) } ?? .shown(0))
    }

    /// `2026-W47` for a `YYYY-MM-DD` day (ISO 8601 week).
    public static func isoWeek(_ day: String) -> String {
        let parts = day.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return day }
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        guard let date = calendar.date(from: DateComponents(year: parts[0], month: parts[1], day: parts[2])) else { return day }
        let week = calendar.component(.weekOfYear, from: date)
        let year = calendar.component(.yearForWeekOfYear, from: date)
        return String(format: "%04d-W%02d", year, week)
    }
}

/// French labels of the values the statistics show.
public enum StatLabels {
    static let labels: [String: [String: String]] = [
        "right": ["puma": "PUMa (assurance maladie de base)", "c2s_free": "C2S sans participation", "c2s_participation": "C2S avec participation",
                  "ame": "AME (aide médicale de l'État)", "medecin_traitant": "Déclaration de médecin traitant"],
        "gave_up_care": ["yes": "A renoncé à des soins", "no": "N'a pas renoncé"],
        "gave_up_reason": ["money": "Coût", "paperwork": "Démarches", "transport": "Transport", "distance": "Distance",
                           "waiting_time": "Délais d'attente", "language": "Langue", "other": "Autre"],
        "prevention": ["screening": "Dépistages", "vaccination": "Vaccination", "sexual_health": "Santé sexuelle"],
        "reason": ["coverage": "Couverture santé", "doctor": "Trouver un médecin", "paperwork": "Papiers", "care_now": "Soins maintenant",
                   "prevention": "Prévention", "other": "Autre"],
        "language": ["fr": "Français", "en": "Anglais", "es": "Espagnol", "ro": "Roumain", "uk": "Ukrainien"],
        "waiting": ["0-15": "Moins de 15 min", "15-30": "15 à 30 min", "30-60": "30 min à 1 h", "60+": "Plus d'une heure"],
    ]

    public static func label(_ metric: String, _ value: String) -> String { labels[metric]?[value] ?? value }
}
