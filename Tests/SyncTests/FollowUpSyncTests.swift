import Central
import CentralTestSupport
import FollowUp
import Foundation
import Intake
import KioskApp
import KioskStore
import Rights
import Sync
import SyncProtocol
import TestSupport
import Testing

/// A box's follow-up desk: the kiosk's runtime over the box's database, its pack file and the sync that fetches it.
struct FollowUpBox {
    let box: TestBoxHome
    let runtime: KioskRuntime
    let agent: SyncAgent
    var state: AppState

    init(_ box: TestBoxHome, commune: String, clock: Date = Date()) {
        self.box = box
        var config = KioskConfig(placeName: "Permanence de test")
        config.communeCode = commune
        runtime = KioskRuntime(database: box.database, content: ContentFixtures.content, engine: Fixtures.engine, config: config)
        // Requests may take up to 60 s, as the harness's drainer allows (a debug build under both cores' load: these tests
        // are about what arrives, not how fast).
        agent = SyncAgent(database: box.database, identity: box.identity, home: box.home, central: URL(string: box.identity.enrolment.central)!, commune: commune,
                          timeoutSeconds: 60)
        runtime.followUp = FollowUpDesk(database: box.database, packFile: agent.packFile, device: box.identity.enrolment.device)
        state = AppState(config: config, content: ContentFixtures.content, engine: Fixtures.engine, now: clock)
        state.mode = .mediator
    }

    var today: String { state.today.description }
    var desk: FollowUpDesk { runtime.followUp! }

    /// Runs an effect as the kiosk's loop does: its events go through `update`.
    mutating func run(_ effect: Effect) {
        for event in runtime.run(effect, state: state) { _ = KioskApp.update(&state, event) }
    }

    mutating func unlock(_ passphrase: String) throws {
        guard case .opened(let index) = desk.unlock(passphrase: passphrase, now: state.now, today: today) else {
            throw FollowUpStoreError("the pack did not open")
        }
        _ = KioskApp.update(&state, .packUnlocked(.opened(index)))
    }

    /// Sends the outbox, then fetches the pack.
    func sync() async throws {
        try await box.drainUntilEmpty(box.drainer())
        try await agent.updatePack()
    }

    func checkIn(_ name: String, consent: Consent, answers: [String: String] = [:]) throws -> Visit {
        var stored = [StoredAnswer(questionnaire: "checkin", questionID: "first_name", valueJSON: "\"\(name)\"")]
        for (key, json) in answers { stored.append(StoredAnswer(questionnaire: "checkin", questionID: key, valueJSON: json)) }
        return try box.database.checkIn(CheckIn(language: "ro", consent: consent, displayName: name, answers: stored))
    }

    mutating func openDossier(for visit: Visit, nickname: String, commune: String) -> String? {
        run(.openDossier(OpenDossier(visitID: visit.id, nickname: nickname, birthYear: 1961, commune: commune, language: "ro",
                                     answers: ["household_size": .number(Fixed4(integer: 2))])))
        return state.followUp.index?.find(nickname: nickname, birthYear: 1961).first?.id
    }

    mutating func addItem(_ dossier: String, _ item: FollowUpItem) {
        var event = FollowUpEvent(id: "", dossier: dossier, action: .addItem, day: today, at: AppDatabase.timestamp(state.now))
        event.item = item
        run(.recordFollowUp(event, opening: nil))
    }

    mutating func update(_ dossier: String, item: String, _ change: ItemChange) {
        let version = state.followUp.index?.dossier(id: dossier)?.items.first { $0.id == item }?.version ?? 0
        var event = FollowUpEvent(id: "", dossier: dossier, action: .updateItem, day: today, at: AppDatabase.timestamp(state.now))
        event.itemID = item
        event.baseVersion = version
        event.change = change
        run(.recordFollowUp(event, opening: nil))
    }
}

@Suite("Sync: follow-up dossiers", .serialized)
struct FollowUpSyncTests {
    static let passphrase = "le chat boit du lait froid"
    static let nickname = "Zéphyrine"
    static let note = "rappeler après quatorze heures"

    /// A lighter scrypt than the shipped one (2^12, 4 MiB): these tests are about what opens and what stays sealed, and
    /// each unlock runs synchronously on one of the test process's two cooperative threads, where the in-process central
    /// store also answers (the shipped cost in a debug build, under the full suite's load, starved it past a timeout).
    static func setPassphrase(_ central: LiveCentral) throws {
        try TeamKeyFile.set(passphrase: passphrase, in: central.service.configuration.dataDirectory, parameters: KDFParameters(logN: 12, r: 8, p: 1))
    }

    @Test("Stolen box: after a day of follow-up and a restart, nothing of the pack is in the data directory; it opens only with the passphrase, and wrong ones are throttled")
    func stolenBox() async throws {
        try await withCentral(.sqlite) { central in
            try Self.setPassphrase(central)
            let home = try await TestBoxHome.provisioned(at: central)
            var desk = FollowUpBox(home, commune: "11103")
            try await desk.sync()
            try desk.unlock(Self.passphrase)
            // A day of follow-up: a visitor who shares gets a dossier, items are added and one is done; the events go up.
            let visit = try desk.checkIn(Self.nickname, consent: .share)
            let opened = desk.openDossier(for: visit, nickname: Self.nickname, commune: "11103")
            let dossier = try #require(opened)
            desk.addItem(dossier, FollowUpItem(id: "", kind: .callBack, note: Self.note))
            desk.addItem(dossier, FollowUpItem(id: "", kind: .paperMissing, subject: "proof_of_address", nextPermanence: true))
            let item = try #require(desk.state.followUp.index?.dossier(id: dossier)?.items.first { $0.kind == .callBack }?.id)
            desk.update(dossier, item: item, ItemChange(status: .done, outcome: "called"))
            try await desk.sync()
            let code = try #require(desk.state.followUp.index?.dossier(id: dossier)?.code)
            #expect(try await central.storage.dossier(id: dossier)?.items.count == 2)
            // A second visitor found by code the same day, their visit linked.
            #expect(desk.state.followUp.index?.dossier(code: code.lowercased())?.id == dossier)
            try home.database.close(visitID: visit.id, outbox: [])
            // The end of the day's purge, then a restart (the database closed, the key gone with the process).
            try home.database.purge(policy: .hours(0))
            let needles = [Self.nickname, "phyrine", code, code.replacingOccurrences(of: "-", with: ""), Self.note, "quatorze"]
            for needle in needles {
                #expect(!anyFile(under: home.home, contains: needle), "found in clear in the data directory")
            }
            // Restarted: a new desk over the same files. Without the passphrase nothing opens; wrong ones wait longer each time.
            let restarted = FollowUpDesk(database: home.database, packFile: PackFile(home: home.home), device: home.identity.enrolment.device)
            #expect(!restarted.isOpen)
            let now = Date()
            #expect(restarted.unlock(passphrase: "le chat boit du lait chaud", now: now, today: desk.today) == .refused("wrong", waitUntil: nil))
            #expect(restarted.unlock(passphrase: "le chien", now: now, today: desk.today) == .refused("wrong", waitUntil: nil))
            guard case .refused("wrong", let until?) = restarted.unlock(passphrase: "encore faux", now: now, today: desk.today) else {
                Issue.record("the third wrong passphrase does not make the next try wait")
                return
            }
            #expect(until.timeIntervalSince(now) >= 29)
            guard case .refused("wait", _) = restarted.unlock(passphrase: Self.passphrase, now: now.addingTimeInterval(5), today: desk.today) else {
                Issue.record("while waiting, even the right passphrase must wait")
                return
            }
            guard case .opened(let index) = restarted.unlock(passphrase: "  le chat  boit du lait froid ", now: until.addingTimeInterval(1), today: desk.today) else {
                Issue.record("the right passphrase does not open the pack after the wait")
                return
            }
            let reopened = try #require(index.dossier(code: code))
            #expect(reopened.nickname == Self.nickname)
            #expect(reopened.items.first { $0.kind == .callBack }?.status == .done, "the day's change is in the pack (or the journal) after the restart")
            #expect(try home.database.auditEntries().filter { $0.action == "pack_unlock_failed" }.count == 3)
        }
    }

    @Test("Round trip: opened at box A, in box B's pack, updated at B and on the dashboard at once: both kept, the conflict flagged; resolved, it reaches B's next pack",
          arguments: StorageBackend.allCases)
    func roundTrip(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            try Self.setPassphrase(central)
            var a = FollowUpBox(try await TestBoxHome.provisioned(at: central), commune: "11103")
            var b = FollowUpBox(try await TestBoxHome.provisioned(at: central), commune: "11304")
            try await a.sync()
            try a.unlock(Self.passphrase)
            // The person lives in Quillan (11304) and came to Couiza's permanence (11103).
            let visit = try a.checkIn("Ana", consent: .share)
            let dossierOpened = a.openDossier(for: visit, nickname: "Ana", commune: "11304")
            let dossier = try #require(dossierOpened)
            a.addItem(dossier, FollowUpItem(id: "", kind: .rightRequested, subject: "c2s", status: .awaiting, since: a.today))
            try await a.sync()

            try await b.sync()
            try b.unlock(Self.passphrase)
            let atB = try #require(b.state.followUp.index?.dossier(id: dossier), "the dossier of a person of B's village is in B's pack")
            let item = try #require(atB.items.first { $0.kind == .rightRequested })
            #expect(item.version == 1)

            // At the same time: the coordinator records CPAM's answer on the dashboard, the mediator at B another change.
            #expect(try await central.service.updateItem(dossier: dossier, item: item.id, baseVersion: 1, change: ItemChange(status: .done, outcome: "granted"),
                                                         by: "coordination") == .applied)
            b.update(dossier, item: item.id, ItemChange(status: .awaiting, note: "relance envoyée"))
            try await b.sync()

            let conflicts = try await central.storage.dossierConflicts(dossier: dossier, unresolvedOnly: true)
            #expect(conflicts.count == 1)
            let conflict = try #require(conflicts.first)
            #expect(conflict.conflict.kind == .parallelUpdate)
            #expect(conflict.conflict.current?.outcome == "granted", "the dashboard's change is kept")
            #expect(conflict.conflict.change?.note == "relance envoyée", "B's change is kept too")
            let history = try await central.storage.dossierHistory(id: dossier)
            #expect(history.map(\.outcome).filter { $0 == "conflict" }.count == 1)
            #expect(history.contains { $0.source == "user:coordination" && $0.outcome == "applied" })

            // Resolved on the dashboard by taking B's change: the next pack at B has it.
            #expect(try await central.service.resolveConflict(conflict.seq, take: true, by: "coordination"))
            #expect(try await central.storage.dossierConflicts(dossier: dossier, unresolvedOnly: true).isEmpty)
            try await b.sync()
            guard case .opened(let after) = b.desk.unlock(passphrase: Self.passphrase, now: Date(), today: b.today) else {
                Issue.record("B's new pack does not open")
                return
            }
            let resolved = try #require(after.dossier(id: dossier)?.items.first { $0.id == item.id })
            #expect(resolved.note == "relance envoyée")
            #expect(resolved.outcome == "granted")
            #expect(resolved.version == 3)
            #expect(try await central.service.auditLog().contains { $0.action == "dossier_conflict_taken" && $0.subject == dossier })
        }
    }

    @Test("No dossier without consent to share; an erased dossier is gone from the central store, its envelopes and the next packs, and a late event does not bring it back")
    func consentAndErasure() async throws {
        try await withCentral(.sqlite) { central in
            try Self.setPassphrase(central)
            var a = FollowUpBox(try await TestBoxHome.provisioned(at: central), commune: "11103")
            try await a.sync()
            try a.unlock(Self.passphrase)
            let boxOnly = try a.checkIn("Mihai", consent: .boxOnly)
            // The mediator's screen does not offer it (the visit's consent is "box only")…
            a.state.mediator.visit = VisitDetail(visitID: boxOnly.id, ticket: boxOnly.ticketNumber, name: "Mihai", language: "ro", consent: .boxOnly,
                                                 status: .withMediator, answers: ["first_name": .text("Mihai")])
            a.state.mediator.tab = .followUp
            a.state.followUp.screen = .start
            #expect(KioskApp.update(&a.state, .input(.key(.character("+")))) == [])
            #expect(a.state.followUp.message?.contains("n'a pas accepté") == true)
            // …and the store refuses it even if asked.
            let refused = a.openDossier(for: boxOnly, nickname: "Mihai", commune: "11103")
            #expect(refused == nil)
            #expect(try a.box.database.outboxCount(kind: FollowUpEvent.kind) == 0, "nothing queued for a visitor who did not agree")

            let visit = try a.checkIn("Olena", consent: .share)
            let dossierOpened = a.openDossier(for: visit, nickname: "Olena", commune: "11103")
            let dossier = try #require(dossierOpened)
            try await a.sync()
            #expect(try await central.storage.dossier(id: dossier) != nil)
            #expect(try a.box.database.outboxCount(kind: FollowUpEvent.kind) > 0)
            #expect(try a.box.database.outboxPayloadBytes(kind: FollowUpEvent.kind) == 0, "the box keeps no copy of an acknowledged follow-up event")
            #expect(try await central.service.eraseDossier(dossier, by: "coordination"))
            #expect(try await central.storage.dossier(id: dossier) == nil)
            #expect(try await central.storage.dossierHistory(id: dossier).isEmpty)
            #expect(try await central.service.dossierSummaries(dueOnly: false).allSatisfy { $0.id != dossier })
            #expect(try await central.service.auditLog().contains { $0.action == "dossier_erased" && $0.subject == dossier })
            // The envelope that carried it keeps its id (a resend is a duplicate) but not its content.
            let envelopes = try await central.storage.envelopes(kind: FollowUpEvent.kind, limit: 100)
            #expect(!envelopes.isEmpty && envelopes.allSatisfy(\.body.isEmpty))
            // A change made at the box before it heard of the erasure: not applied, its content not kept.
            a.addItem(dossier, FollowUpItem(id: "", kind: .callBack, note: "après l'effacement"))
            try await a.sync()
            #expect(try await central.storage.dossier(id: dossier) == nil)
            #expect(try await central.storage.envelopes(kind: FollowUpEvent.kind, limit: 100).allSatisfy(\.body.isEmpty))
            // And the next pack does not hold it.
            guard case .opened(let index) = a.desk.unlock(passphrase: Self.passphrase, now: Date(), today: a.today) else {
                Issue.record("the pack does not open")
                return
            }
            #expect(index.dossier(id: dossier) == nil)
        }
    }
}
