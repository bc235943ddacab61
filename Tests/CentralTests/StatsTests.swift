@testable import Central
import Foundation
import Intake
import SyncProtocol
import TestSupport
import Testing

@Suite("Statistics: counts, suppression, CSV")
struct StatsTests {
    func row(_ day: String, _ commune: String, _ metric: String, _ value: String, _ count: Int) -> StatRow {
        StatRow(day: day, commune: commune, metric: metric, value: value, count: count)
    }

    @Test("A visit record counts for its day, commune, rights found (not those already had) and printed, reasons, prevention, language, waiting time")
    func extraction() {
        let record = Data(#"""
            {"visit_id":"v","day":"2026-11-17","ticket_number":3,"language":"ro",
             "answers":{"commune":{"text":"11103"},"gave_up_care":{"choice":"yes"},"gave_up_reasons":{"choices":["money","transport"]},
                        "prevention_interest":{"choices":["none"]},"reasons":{"choices":["coverage"]}},
             "rights":[{"right":"c2s","verdict":"eligible","variant":"free"},{"right":"ame","verdict":"not_eligible"},
                       {"right":"puma","verdict":"eligible","variant":"already_covered"},{"right":"medecin_traitant","verdict":"eligible","variant":"declared"}],
             "waiting_minutes":22,"printed":["cerfa-12504"]}
            """#.utf8)
        let keys = Set(StatExtraction.keys(kind: VisitRecord.kind, payload: record).map { "\($0.commune)/\($0.metric)/\($0.value)" })
        #expect(keys == ["11103/visits/all", "11103/language/ro", "11103/right/c2s_free", "11103/right_printed/c2s_free",
                         "11103/gave_up_care/yes", "11103/gave_up_reason/money", "11103/gave_up_reason/transport",
                         "11103/reason/coverage", "11103/waiting/15-30"])
        // Anonymous counts carry no commune.
        let counts = StatExtraction.keys(kind: VisitRecord.countsKind, payload: record)
        #expect(counts.allSatisfy { $0.commune.isEmpty })
        #expect(StatExtraction.keys(kind: "other", payload: record).isEmpty)
        #expect(StatExtraction.keys(kind: VisitRecord.kind, payload: Data("{}".utf8)).isEmpty)
        // An urgent need is counted, in both kinds of record.
        let urgent = Data(#"{"day":"2026-11-17","language":"fr","answers":{"reasons":{"choices":["care_now"]}},"rights":[],"urgent":true}"#.utf8)
        #expect(StatExtraction.keys(kind: VisitRecord.countsKind, payload: urgent).contains { $0.metric == "urgent" && $0.value == "yes" })
        let report = StatsBuilder.build(rows: [StatRow(day: "2026-11-17", commune: "", metric: "visits", value: "all", count: 9),
                                               StatRow(day: "2026-11-17", commune: "", metric: "urgent", value: "yes", count: 6)],
                                        from: "2026-11-01", to: "2026-11-30", commune: nil, threshold: 5)
        #expect(report.urgent == .shown(6))
    }

    @Test("Known sums give the expected report")
    func knownData() {
        let rows = [
            row("2026-11-17", "11103", "visits", "all", 30), row("2026-11-19", "11010", "visits", "all", 12), row("2026-11-24", "11103", "visits", "all", 8),
            row("2026-11-17", "11103", "right", "c2s_free", 9), row("2026-11-17", "11103", "right_printed", "c2s_free", 7),
            row("2026-11-19", "11010", "right", "ame", 6), row("2026-11-19", "11010", "right_printed", "ame", 2),
            row("2026-11-17", "11103", "gave_up_care", "yes", 20), row("2026-11-17", "11103", "gave_up_care", "no", 10),
            row("2026-11-19", "11010", "gave_up_care", "no", 12), row("2026-11-24", "11103", "gave_up_care", "yes", 8),
        ]
        let report = StatsBuilder.build(rows: rows, from: "2026-11-01", to: "2026-11-30", commune: nil, threshold: 5,
                                        communeNames: ["11103": "Couiza", "11010": "Antugnac"])
        #expect(report.visits == .shown(50))
        #expect(report.visitsByWeek.map(\.key) == ["2026-W47", "2026-W48"])
        #expect(report.visitsByWeek.map(\.count) == [.shown(42), .shown(8)])
        #expect(report.visitsByCommune.map(\.label) == ["Couiza", "Antugnac"])
        #expect(report.visitsByCommune.map(\.count) == [.shown(38), .shown(12)])
        let c2s = report.rights.first { $0.key == "c2s_free" }
        #expect(c2s?.count == .shown(9))
        #expect(c2s?.printed == .shown(7))
        let ame = report.rights.first { $0.key == "ame" }
        #expect(ame?.count == .shown(6))
        #expect(ame?.printed == .hidden(threshold: 5), "2 printed forms is under the threshold")
        #expect(report.gaveUpCare.map(\.count) == [.shown(28), .shown(22)])
    }

    @Test("A cell under the threshold is hidden, and never alone in a table whose total is published")
    func secondarySuppression() {
        #expect(Suppression.apply([30, 3, 12], threshold: 5) == [false, true, true])
        #expect(Suppression.apply([30, 3, 2, 12], threshold: 5) == [false, true, true, false])
        #expect(Suppression.apply([30, 12], threshold: 5) == [false, false])
        #expect(Suppression.apply([4], threshold: 5) == [true])
        #expect(Suppression.apply([4, 0], threshold: 5) == [true, true])
    }

    @Test("Over many random tables, no count under the threshold can be read directly or by subtraction from the total")
    func suppressionProperty() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2000 {
            let threshold = Int.random(in: 3...10, using: &generator)
            let values = (0..<Int.random(in: 1...12, using: &generator)).map { _ in Int.random(in: 0...40, using: &generator) }
            let hidden = Suppression.apply(values, threshold: threshold)
            for (value, isHidden) in zip(values, hidden) where value > 0 && value < threshold {
                #expect(isHidden, "\(values) threshold \(threshold)")
            }
            let hiddenCount = hidden.filter { $0 }.count
            // With the total published, exactly one hidden cell would equal total − the shown ones.
            if values.count > 1 { #expect(hiddenCount != 1, "\(values) threshold \(threshold)") }
        }
    }

    @Test("In the built report, each published partition hides no cell or at least two")
    func reportPartitions() {
        var rows: [StatRow] = []
        for (index, commune) in ["11103", "11010", "11015", "11055"].enumerated() {
            rows.append(row("2026-11-17", commune, "visits", "all", [40, 3, 9, 1][index]))
            rows.append(row("2026-11-17", commune, "language", ["fr", "uk", "ro", "es"][index], [40, 3, 9, 1][index]))
        }
        let report = StatsBuilder.build(rows: rows, from: "2026-11-01", to: "2026-11-30", commune: nil, threshold: 5)
        for table in [report.visitsByCommune, report.languages, report.visitsByWeek, report.waiting, report.gaveUpCare] {
            let hidden = table.filter(\.count.isSuppressed).count
            #expect(hidden == 0 || hidden >= 2)
            for line in table { if let count = line.count.count { #expect(count == 0 || count >= 5) } }
        }
        #expect(report.visitsByCommune.filter(\.count.isSuppressed).map(\.key).sorted() == ["11010", "11055"], "3 and 1 hidden; together they need no other")
    }

    @Test("The CSV has one line per cell and shows masked counts as '< 5'")
    func csv() {
        let rows = [row("2026-11-17", "11103", "visits", "all", 30), row("2026-11-17", "11010", "visits", "all", 2),
                    row("2026-11-17", "11103", "gave_up_reason", "money", 3)]
        let report = StatsBuilder.build(rows: rows, from: "2026-11-01", to: "2026-11-30", commune: nil, threshold: 5,
                                        communeNames: ["11103": "Couiza, Aude"])
        let text = Dashboard.csv(report)
        #expect(text.hasPrefix("section,key,label,count,printed\n"))
        #expect(text.contains("visits,all,Passages,32,"))
        #expect(text.contains("visits_by_commune,11103,\"Couiza, Aude\",< 5,"), "the only other cell (2) is hidden, so 30 is hidden too")
        #expect(text.contains("gave_up_reasons,money,Coût,< 5,"))
        #expect(!text.contains(",2,") && !text.contains(",3,"))
    }

    @Test("Query parameters: defaults to the last year, names a bad date")
    func query() throws {
        let today = ISO8601DateFormatter().date(from: "2026-11-23T12:00:00Z")!
        let defaults = try StatsQuery.parse(from: nil, to: nil, commune: nil, today: today)
        #expect(defaults.to == "2026-11-23")
        #expect(defaults.from == "2025-11-24")
        #expect(throws: Problem.self) { try StatsQuery.parse(from: "2026-13-01", to: nil, commune: nil, today: today) }
        #expect(throws: Problem.self) { try StatsQuery.parse(from: "2026-11-20", to: "2026-11-01", commune: nil, today: today) }
        #expect(throws: Problem.self) { try StatsQuery.parse(from: nil, to: nil, commune: "<script>", today: today) }
    }

    @Test("ISO weeks")
    func weeks() {
        #expect(StatsBuilder.isoWeek("2026-11-23") == "2026-W48")
        #expect(StatsBuilder.isoWeek("2027-01-01") == "2026-W53")
        #expect(StatsBuilder.isoWeek("2026-01-01") == "2026-W01")
    }
}
