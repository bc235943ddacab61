import FollowUp
import Foundation
import Intake
import KioskStore
import Rights

/// `kiosk demo seed --visits N`: synthetic visits for demos, tests and `bench`, checked in, answered,
/// evaluated by the real rights engine and closed, so each queues its record exactly as a real visit does.
/// Deterministic for a given seed. Visits fall on permanence mornings (Tuesday and Thursday) over the
/// weeks before `until`, in the communes of the content's territory list; no real person is in them.
public enum DemoSeed {
    /// A small deterministic generator (SplitMix64).
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func uuid() -> uuid_t {
            var bytes = [UInt8](repeating: 0, count: 16)
            for index in bytes.indices { bytes[index] = UInt8.random(in: 0...255, using: &self) }
            bytes[6] = (bytes[6] & 0x0F) | 0x40
            bytes[8] = (bytes[8] & 0x3F) | 0x80
            return (bytes[0], bytes[1], bytes[2], bytes[3], bytes[4], bytes[5], bytes[6], bytes[7], bytes[8], bytes[9], bytes[10], bytes[11],
                    bytes[12], bytes[13], bytes[14], bytes[15])
        }
        mutating func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &self) < p }
        mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }
        mutating func some(_ items: [String], p: Double) -> [String] {
            let chosen = items.filter { _ in chance(p) }
            return chosen.isEmpty ? [pick(items)] : chosen
        }
    }

    /// A clock the seeder moves: check-in, then the visit closing some minutes later.
    final class MovingClock: @unchecked Sendable {
        private let lock = NSLock()
        private var value: Date
        init(_ start: Date) { value = start }
        var now: Date { lock.lock(); defer { lock.unlock() }; return value }
        func set(_ date: Date) { lock.lock(); value = date; lock.unlock() }
    }

    /// Seeds `count` closed visits into the database file at `path` (and, with `followUp` on an enrolled box, follow-up
    /// dossiers for some who share, as a mediator would open them). Returns the number of visits made.
    public static func seed(databaseAt path: URL, count: Int, content: KioskContent, parameters: Parameters,
                            until: Date, seed: UInt64 = 2026, territory: Territory = .metropole,
                            sealer: OutboxSealer? = nil, followUp: Bool = true) throws -> Int {
        let clock = MovingClock(until)
        let database = try AppDatabase.openOnDisk(at: path, clock: { clock.now })
        database.installSealer(sealer)
        var random = Generator(state: seed)
        let engine = RightsEngine(parameters: parameters)
        let questionnaires = content.questionnaires
        // Villages weighted by their population (a village of 60 people is seldom seen, Quillan often).
        let communes = content.communes.communes.map { (id: $0.id, weight: max(20, $0.population ?? 100)) }
        let totalWeight = communes.map(\.weight).reduce(0, +)
        // Permanence mornings, most recent first, going back as far as needed (about 6 visits each).
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        var mornings: [Date] = []
        var day = calendar.startOfDay(for: until)
        while mornings.count < max(1, count / 6 + 1) {
            let weekday = calendar.component(.weekday, from: day)
            if weekday == 3 || weekday == 5, day < until { mornings.append(day) }
            day = calendar.date(byAdding: .day, value: -1, to: day)!
        }
        mornings.reverse()
        // More visits in the grape harvest and the summer's seasonal work, fewer in winter: mornings weighted by month.
        let weights = mornings.map { seasonWeight[calendar.component(.month, from: $0) - 1] }
        let total = weights.reduce(0, +)
        var cumulative: [Double] = []
        var running = 0.0
        for weight in weights { running += weight / total; cumulative.append(running) }
        for index in 0..<count {
            let share = (Double(index) + 0.5) / Double(count)
            let morning = mornings[min(mornings.count - 1, cumulative.firstIndex { $0 >= share } ?? mornings.count - 1)]
            let arrival = morning.addingTimeInterval(9 * 3600 + Double.random(in: 0..<(3 * 3600), using: &random))
            let month = calendar.component(.month, from: arrival)
            let answers = answers(&random, communes: communes, totalWeight: totalWeight, year: calendar.component(.year, from: arrival))
            // Seasonal workers (Romanian, Spanish) come with the harvest.
            let harvest = month == 9 || month == 10
            let language = random.chance(harvest ? 0.6 : 0.8) ? "fr" : random.pick(harvest ? ["ro", "ro", "es", "es", "uk", "en"] : ["en", "es", "ro", "uk"])
            let consentShare = random.chance(0.85)
            clock.set(arrival)
            let visit = try database.checkIn(CheckIn(language: language, consent: consentShare ? .share : .boxOnly, displayName: nil,
                                                     answers: try answers.sorted { $0.key < $1.key }.map { key, value in
                                                         StoredAnswer(questionnaire: checkinQuestions.contains(key) ? "checkin" : "health-rights", questionID: key,
                                                                      valueJSON: String(decoding: try JSONEncoder().encode(value), as: UTF8.self))
                                                     }))
            let closing = arrival.addingTimeInterval(Double.random(in: 600..<5400, using: &random))
            clock.set(closing)
            let today = LocalDate(year: calendar.component(.year, from: arrival), month: calendar.component(.month, from: arrival),
                                  day: calendar.component(.day, from: arrival))!
            let situation = SituationBuilder.build(answers: answers, questionnaires: questionnaires, date: today, territory: territory)
            let evaluation = try? engine.evaluate(situation)
            let (kind, record) = VisitRecord.make(share: consentShare, visitID: visit.id, day: visit.day, ticketNumber: visit.ticketNumber,
                                                  language: language, createdAt: visit.createdAt, closedAt: AppDatabase.timestamp(closing),
                                                  answers: answers, questionnaires: questionnaires, evaluation: evaluation,
                                                  waitingMinutes: Int(closing.timeIntervalSince(arrival) / 60 / 2),
                                                  printed: formsPrinted(evaluation, &random))
            try database.close(visitID: visit.id, outbox: [OutboxRecord(kind: kind, schemaVersion: VisitRecord.schemaVersion, payload: try record.json())])
            // Some of those who agreed to share are followed up, as a mediator would open their dossier (sealed: only
            // on an enrolled box).
            if followUp, consentShare, sealer != nil, random.chance(0.4) {
                try openDossier(database, visit: visit, answers: answers, language: language, evaluation: evaluation, content: content,
                                at: closing, day: today.description, &random)
            }
        }
        return count
    }

    /// Nicknames of the demo (no real person's).
    static let nicknames = ["Ana", "Mihai", "Olena", "Fatima", "Karim", "Jeanne", "Lucía", "Bogdan", "Amina", "Yusuf", "Marcel", "Iryna",
                            "Sofia", "Ahmad", "Nadia", "Paul", "Elena", "Samir", "Maryam", "Louis"]

    static func openDossier(_ database: AppDatabase, visit: Visit, answers: [String: AnswerValue], language: String, evaluation: Evaluation?,
                            content: KioskContent, at closing: Date, day: String, _ random: inout Generator) throws {
        let stamp = AppDatabase.timestamp(closing)
        let dossier = UUID(uuid: random.uuid()).uuidString.lowercased()
        func event(_ action: FollowUpEvent.Action) -> FollowUpEvent {
            FollowUpEvent(id: UUID(uuid: random.uuid()).uuidString.lowercased(), dossier: dossier, action: action, day: day, at: stamp)
        }
        var items: [FollowUpItem] = []
        for right in evaluation?.rights ?? [] where right.verdict == .eligible && random.chance(0.7) {
            items.append(FollowUpItem(id: UUID(uuid: random.uuid()).uuidString.lowercased(), kind: .rightRequested, subject: right.right.rawValue,
                                      status: .awaiting, since: day))
        }
        let papers = content.texts.entries.keys.filter { $0.hasPrefix("document.") && $0.split(separator: ".").count == 2 }.sorted()
        if !papers.isEmpty, random.chance(0.5) {
            items.append(FollowUpItem(id: UUID(uuid: random.uuid()).uuidString.lowercased(), kind: .paperMissing,
                                      subject: String(random.pick(papers).dropFirst("document.".count)), nextPermanence: true, since: day))
        }
        if !content.services.isEmpty, random.chance(0.3) {
            items.append(FollowUpItem(id: UUID(uuid: random.uuid()).uuidString.lowercased(), kind: .appointment, partner: random.pick(content.services).id,
                                      nextPermanence: true, since: day))
        }
        if random.chance(0.15) { items.append(FollowUpItem(id: UUID(uuid: random.uuid()).uuidString.lowercased(), kind: .callBack, since: day)) }
        if items.isEmpty { items.append(FollowUpItem(id: UUID(uuid: random.uuid()).uuidString.lowercased(), kind: .callBack, since: day)) }
        var open = event(.open)
        open.code = FollowUpCode.make(using: &random)
        open.nickname = random.pick(nicknames)
        if case .number(let year)? = answers["birth_year"] { open.birthYear = Int(year.raw / Fixed4.scale) }
        if case .text(let commune)? = answers["commune"] { open.commune = commune }
        open.language = language
        open.visitID = visit.id
        open.answers = answers.filter { !["first_name"].contains($0.key) }
        open.item = items.removeFirst()
        var events = [open]
        for item in items {
            var add = event(.addItem)
            add.item = item
            events.append(add)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        for (offset, followUp) in events.enumerated() {
            try database.queueFollowUp(OutboxRecord(kind: FollowUpEvent.kind, schemaVersion: FollowUpEvent.schemaVersion, payload: try encoder.encode(followUp)),
                                       journal: nil, day: day, opening: offset == 0 ? visit.id : nil)
        }
    }

    /// The forms of the rights found, most of them printed (as a mediator would).
    static func formsPrinted(_ evaluation: Evaluation?, _ random: inout Generator) -> [String] {
        guard let evaluation else { return [] }
        return evaluation.rights.filter { $0.verdict == .eligible }.compactMap { $0.form?.rawValue }.filter { _ in random.chance(0.7) }.sorted()
    }

    static let checkinQuestions: Set<String> = ["consent", "first_name", "birth_year", "commune", "reasons", "interpreter", "interpreter_language"]

    /// Relative visits per month, January first: the grape harvest (September, October) and the summer busiest.
    static let seasonWeight: [Double] = [0.8, 0.8, 0.9, 1.0, 1.0, 1.1, 1.3, 1.2, 1.6, 1.5, 1.0, 0.8]

    static func answers(_ random: inout Generator, communes: [(id: String, weight: Int)], totalWeight: Int, year: Int) -> [String: AnswerValue] {
        var answers: [String: AnswerValue] = [:]
        answers["birth_year"] = .number(Fixed4(integer: year - Int.random(in: 18...88, using: &random)))
        if !communes.isEmpty {
            var pick = Int.random(in: 0..<totalWeight, using: &random)
            for commune in communes {
                if pick < commune.weight { answers["commune"] = .text(commune.id); break }
                pick -= commune.weight
            }
        }
        answers["reasons"] = .choices(random.some(["coverage", "doctor", "paperwork", "care_now", "prevention", "other"], p: 0.3))
        answers["interpreter"] = .choice(random.chance(0.1) ? "yes" : "no")
        answers["base_coverage"] = .choice(random.pick(["puma", "puma", "puma", "puma", "ame", "none"]))
        answers["complementary"] = .choice(random.pick(["c2s", "private", "none", "none"]))
        let partner = random.chance(0.4)
        answers["has_partner"] = .choice(partner ? "yes" : "no")
        if partner { answers["partner_birth_year"] = .number(Fixed4(integer: year - Int.random(in: 20...85, using: &random))) }
        let children = random.chance(0.35) ? Int.random(in: 1...4, using: &random) : 0
        answers["children_under_25"] = .number(Fixed4(integer: children))
        answers["resources_12_months"] = .number(Fixed4(integer: Int.random(in: 0...30, using: &random) * 1000))
        answers["benefits"] = .choices(random.chance(0.3) ? [random.pick(["rsa", "aah", "aspa", "ass"])] : ["none"])
        answers["housing"] = .choice(random.pick(["tenant", "tenant", "owner", "housed_free", "homeless"]))
        answers["residence_status"] = .choice(random.pick(["french", "french", "french", "french", "eu", "regular", "asylum_seeker", "irregular"]))
        answers["has_medecin_traitant"] = .choice(random.chance(0.6) ? "yes" : "no")
        let gaveUp = random.chance(0.45)
        answers["gave_up_care"] = .choice(gaveUp ? "yes" : "no")
        if gaveUp {
            answers["gave_up_reasons"] = .choices(random.some(["money", "paperwork", "transport", "distance", "waiting_time", "language"], p: 0.3))
        }
        answers["prevention_interest"] = .choices(random.chance(0.5) ? random.some(["screening", "vaccination", "sexual_health"], p: 0.4) : ["none"])
        return answers
    }
}
