import Central
import CentralClient
import CentralTestSupport
@preconcurrency import Crypto
import Foundation
import KioskStore
import Sync
import SyncProtocol
import TestSupport
import Testing

@Suite("Sync: the outbox reaches the central store once", .serialized)
struct DrainTests {
    @Test("Closing a visit on an enrolled box queues a sealed envelope in the same transaction")
    func closeSeals() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            try box.closeVisit(named: "Zénobie Quillard")
            let item = try #require(try box.database.outboxUnacknowledged().first)
            #expect(item.record.payloadFormat == "hpke-v1")
            #expect(item.record.payload.range(of: Data("Zénobie".utf8)) == nil)
            let envelope = try WireJSON.decode(Envelope.self, from: item.record.payload)
            #expect(envelope.sequence == item.sequence)
            #expect(envelope.device == box.identity.enrolment.device)
            let opened = String(decoding: try Seal.open(envelope, with: central.service.keys.records!), as: UTF8.self)
            #expect(opened.contains("coverage"))
            // The record never carries personal answers: the first name is removed before sealing.
            #expect(!opened.contains("Zénobie"))
        }
    }

    @Test("2,000 visits arrive once and the outbox has no unacknowledged row", arguments: StorageBackend.allCases)
    func twoThousandVisits(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            try box.seed(2000)
            let report = await box.drainer().drain(ignoringBackoff: true)
            #expect(report.sent == 2000)
            #expect(report.stoppedBecause == nil)
            #expect(report.remaining == 0)
            #expect(try box.unacknowledged == 0)
            #expect(try await central.storage.countEnvelopes(device: box.identity.enrolment.device) == 2000)
            let visits = try await central.storage.statCounts(from: "2000-01-01", to: "2100-01-01", commune: nil)
                .filter { $0.metric == "visits" }.map(\.count).reduce(0, +)
            #expect(visits == 2000, "every record opened and counted once")
            // A second pass sends nothing.
            #expect(await box.drainer().drain(ignoringBackoff: true).sent == 0)
        }
    }

    @Test("A connection cut after the server stored a batch: resent, acknowledged as duplicate, nothing doubled")
    func connectionCut() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            try box.seed(600)
            let proxy = try CuttingProxy(upstreamPort: central.port, cuts: 3)
            let (_, duplicates) = try await box.drainUntilEmpty(box.drainer(proxy.url, batchCount: 100))
            #expect(proxy.cutCount == 3)
            #expect(duplicates >= 100)
            #expect(try box.unacknowledged == 0)
            #expect(try await central.storage.countEnvelopes(device: nil) == 600)
        }
    }

    @Test("The central store killed and restarted several times during the sync: nothing lost, nothing doubled")
    func serverKilledDuringSync() async throws {
        let server = try CentralProcess()
        let box = try await TestBoxHome.provisioned(central: server.url, token: try server.enrollToken())
        try box.seed(2000)
        let drainer = box.drainer(batchCount: 50)
        let killer = Task {
            for _ in 0..<4 {
                try await Task.sleep(for: .milliseconds(250))
                server.kill()
                try await Task.sleep(for: .milliseconds(100))
                try server.start()
            }
        }
        let (passes, _) = try await box.drainUntilEmpty(drainer, attempts: 200)
        try await killer.value
        _ = try await box.drainUntilEmpty(drainer)
        #expect(passes > 1, "the kills should have interrupted the sync")
        #expect(try box.unacknowledged == 0)
        #expect(try box.acknowledged == 2000)
        #expect(try server.recordCount() == 2000)
    }

    @Test("Rows left 'sending' by a crash are put back and sent again")
    func interruptedSendsResume() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            try box.seed(10)
            let due = try box.database.outboxDue(limit: 10)
            try box.database.markSending(due.map(\.record.id))
            #expect(try box.database.requeueInterruptedSends() == 10)
            #expect(await box.drainer().drain().sent == 10)
            #expect(try box.unacknowledged == 0)
        }
    }

    @Test("An unreachable central store leaves every row queued with its error and a later attempt time")
    func unreachable() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            try box.seed(5)
            let report = await box.drainer(URL(string: "http://127.0.0.1:\(Loopback.freePort())")!).drain()
            #expect(report.stoppedBecause?.contains("unreachable") == true)
            #expect(report.remaining == 5)
            let item = try #require(try box.database.outboxItem(try box.database.outboxUnacknowledged()[0].record.id))
            #expect(item.state == .queued)
            #expect(item.attempts == 1)
            #expect(item.lastError?.contains("unreachable") == true)
            #expect(try box.database.outboxDue().isEmpty, "the backoff holds the rows until their next attempt")
        }
    }

    @Test("A revoked box keeps its records, with the refusal as their error")
    func revokedBoxKeepsRecords() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            try box.seed(5)
            _ = try await central.storage.revoke(box.identity.enrolment.device, at: "2026-11-23T10:00:00Z")
            let report = await box.drainer().drain(ignoringBackoff: true)
            #expect(report.stoppedBecause?.contains("revoked-device") == true)
            #expect(try box.unacknowledged == 5)
            #expect(try box.database.outboxUnacknowledged().allSatisfy { $0.lastError?.contains("revoked-device") == true })
        }
    }

    @Test("Backoff doubles per attempt, stays under its cap, and is jittered")
    func backoff() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            let drainer = box.drainer()
            #expect(drainer.backoff(attempts: 1, random: 1) == 30)
            #expect(drainer.backoff(attempts: 3, random: 1) == 120)
            #expect(drainer.backoff(attempts: 40, random: 1) == 6 * 3600)
            #expect(drainer.backoff(attempts: 2, random: 0.8) == 48)
            let samples = (0..<50).map { _ in drainer.backoff(attempts: 2) }
            #expect(samples.allSatisfy { (48...72).contains($0) })
            #expect(Set(samples).count > 1)
        }
    }
}
