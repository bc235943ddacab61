import Central
import CentralClient
import CentralTestSupport
@preconcurrency import Crypto
import Foundation
import Intake
import KioskStore
import RulesLoader
import Sync
import SyncProtocol
import TestSupport

/// A box on disk for sync tests: its home, database and enrolled identity.
struct TestBoxHome: Sendable {
    let home: URL
    let database: AppDatabase
    let identity: BoxIdentity

    /// Provisions a new box with a fresh token against `central`.
    static func provisioned(central: URL, token: String) async throws -> TestBoxHome {
        let home = temporaryDirectory("box-home")
        let identity = try await BoxIdentity.provision(home: home, central: central, token: token, name: "test")
        let database = try AppDatabase.openOnDisk(at: home.appendingPathComponent("kiosk.sqlite"))
        database.installSealer(identity.sealer)
        return TestBoxHome(home: home, database: database, identity: identity)
    }

    static func provisioned(at central: LiveCentral) async throws -> TestBoxHome {
        try await provisioned(central: central.client.baseURL, token: try await central.service.makeEnrollToken())
    }

    /// Seeds `count` closed visits (queued, sealed).
    func seed(_ count: Int) throws {
        let check = ContentCheck.run(directory: Repository.root.appendingPathComponent("Kiosk"))
        _ = try DemoSeed.seed(databaseAt: home.appendingPathComponent("kiosk.sqlite"), count: count, content: check.content!,
                              parameters: check.parameters!, until: Date(), sealer: identity.sealer, followUp: false)
    }

    /// A drainer for this box. Each request may take up to `timeout` (60 s): a batch of 500 envelopes in a debug build,
    /// opened and checked while the other suites load both cores, took more than the 5 s this once allowed, and these
    /// tests are about what arrives, not how fast (tools/bench times the sync).
    func drainer(_ url: URL? = nil, batchCount: Int = 500) -> Drainer {
        Drainer(database: database, identity: identity, client: CentralClient(baseURL: url ?? URL(string: identity.enrolment.central)!, timeout: .seconds(60)),
                batchCount: batchCount)
    }

    /// Drains until nothing is left, at most `attempts` passes (bounded), with a short pause between passes.
    @discardableResult
    func drainUntilEmpty(_ drainer: Drainer, attempts: Int = 100) async throws -> (passes: Int, duplicates: Int) {
        var duplicates = 0
        for pass in 1...attempts {
            try database.requeueInterruptedSends()
            let report = await drainer.drain(ignoringBackoff: true)
            duplicates += report.duplicates
            if report.remaining == 0 && report.stoppedBecause == nil { return (pass, duplicates) }
            try await Task.sleep(for: .milliseconds(100))
        }
        return (attempts, duplicates)
    }

    var unacknowledged: Int {
        get throws {
            let summary = try database.outboxSummary()
            return (summary.counts[.queued] ?? 0) + (summary.counts[.sending] ?? 0)
        }
    }

    var acknowledged: Int { get throws { try database.outboxSummary().counts[.acknowledged] ?? 0 } }

    /// A closed visit whose visitor has a distinctive name (to look for it in bytes that must be sealed).
    func closeVisit(named name: String) throws {
        let visit = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: name, answers: [
            StoredAnswer(questionnaire: "checkin", questionID: "first_name", valueJSON: "\"\(name)\""),
            StoredAnswer(questionnaire: "checkin", questionID: "reasons", valueJSON: "[\"coverage\"]"),
        ]))
        let record = VisitRecord.make(share: true, visitID: visit.id, day: visit.day, ticketNumber: visit.ticketNumber, language: "fr",
                                      createdAt: visit.createdAt, closedAt: visit.createdAt,
                                      answers: ["first_name": .text(name), "reasons": .choices(["coverage"]), "gave_up_other": .text(name)],
                                      questionnaires: ContentFixtures.content.questionnaires, evaluation: nil)
        try database.close(visitID: visit.id, outbox: [OutboxRecord(kind: record.kind, schemaVersion: 1, payload: try record.record.json())])
    }
}

/// Every regular file under `directory`, as bytes.
func allBytes(under directory: URL) -> [(String, Data)] {
    guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
    var files: [(String, Data)] = []
    for case let url as URL in enumerator {
        if let data = FileManager.default.contents(atPath: url.path) { files.append((url.lastPathComponent, data)) }
    }
    return files
}

/// Whether `needle` occurs in any file under `directory`.
func anyFile(under directory: URL, contains needle: String) -> Bool {
    let bytes = Data(needle.utf8)
    return allBytes(under: directory).contains { $0.1.range(of: bytes) != nil }
}
