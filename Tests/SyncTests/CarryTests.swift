import Central
import CentralClient
import CentralTestSupport
import Foundation
import KioskStore
import Sync
import SyncProtocol
import TestSupport
import Testing
@preconcurrency import Crypto

@Suite("Sync: USB exports and relays carry only sealed envelopes", .serialized)
struct CarryTests {
    @Test("A USB export imported twice stores every record once, and holds nothing readable")
    func exportImportedTwice() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            try box.seed(700)
            try box.closeVisit(named: "Zénobie Quillard")
            let stick = temporaryDirectory("usb-stick")
            defer { try? FileManager.default.removeItem(at: stick) }
            let report = try Exporter.export(database: box.database, identity: box.identity, to: stick)
            #expect(report.envelopes == 701)
            #expect(report.files.count == 2)
            #expect(!anyFile(under: stick, contains: "Zénobie"))
            #expect(!anyFile(under: stick, contains: "\"answers\""))
            #expect(!anyFile(under: stick, contains: "coverage"))

            let first = try await central.service.importExport(from: stick)
            #expect(first.accepted == 701)
            #expect(first.refused.isEmpty)
            let second = try await central.service.importExport(from: stick)
            #expect(second.accepted == 0)
            #expect(second.duplicates == 701)
            #expect(try await central.storage.countEnvelopes(device: nil) == 701)
            // The box's next sync gets them acknowledged as duplicates. Under the whole suite's parallel load one
            // batch can outlast the client's 30 s timeout; the box then tries again, as it would (at most 3 times).
            var duplicates = 0
            var stopped: [String] = []
            for _ in 0..<3 {
                let sync = await box.drainer().drain(ignoringBackoff: true)
                duplicates += sync.duplicates
                if let reason = sync.stoppedBecause { stopped.append(reason) }
                if try box.unacknowledged == 0 { break }
            }
            #expect(duplicates == 701, "stopped because: \(stopped)")
            #expect(try box.unacknowledged == 0)
        }
    }

    @Test("An export file changed after signing is refused, and nothing of it is stored")
    func tamperedExport() async throws {
        try await withCentral(.sqlite) { central in
            let box = try await TestBoxHome.provisioned(at: central)
            try box.seed(3)
            let stick = temporaryDirectory("usb-stick")
            defer { try? FileManager.default.removeItem(at: stick) }
            let report = try Exporter.export(database: box.database, identity: box.identity, to: stick)
            let file = stick.appendingPathComponent("permanence-export").appendingPathComponent(report.files[0])
            var text = try String(contentsOf: file, encoding: .utf8)
            text = text.replacingOccurrences(of: "\"sequence\":1,", with: "\"sequence\":9,")
            try text.write(to: file, atomically: true, encoding: .utf8)
            let summary = try await central.service.importExport(from: stick)
            #expect(summary.accepted == 0)
            #expect(summary.refused.first?.contains("bad-signature") == true)
            #expect(try await central.storage.countEnvelopes(device: nil) == 0)
        }
    }

    @Test("Box → relay → central with the relay killed in between: every record arrives once, the relay never holds a readable one")
    func relayChain() async throws {
        let central = try CentralProcess()
        let relayData = temporaryDirectory("relay")
        let relay = try CentralProcess(data: relayData, arguments: ["--relay-to", central.url.absoluteString, "--relay-token", try central.enrollToken()])
        // The box enrols through the relay: the relay passes the token upstream and learns the box.
        let box = try await TestBoxHome.provisioned(central: relay.url, token: try central.enrollToken())
        try box.seed(400)
        try box.closeVisit(named: "Zénobie Quillard")
        _ = try await box.drainUntilEmpty(box.drainer(batchCount: 100))
        #expect(try box.unacknowledged == 0)
        relay.kill()
        #expect(!anyFile(under: relayData, contains: "Zénobie"))
        #expect(!anyFile(under: relayData, contains: "\"answers\""))
        try relay.start()
        // Bounded wait for the relay to forward everything upstream.
        var count = 0
        for _ in 0..<100 {
            count = try central.recordCount()
            if count == 401 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(count == 401)
        let upstreamDevice = box.identity.enrolment.device
        let perDevice = try central.command(["records", "count", "--device", upstreamDevice]).stdout.split(separator: "\n").last
        #expect(perDevice == "401", "the central store sees the box's own device and envelope ids")
    }

    @Test("A box enrolled at the central store can sync through a relay that never saw it: the relay asks upstream for its key")
    func relayLearnsDevicesUpstream() async throws {
        let central = try CentralProcess()
        let relay = try CentralProcess(arguments: ["--relay-to", central.url.absoluteString, "--relay-token", try central.enrollToken()])
        let box = try await TestBoxHome.provisioned(central: central.url, token: try central.enrollToken())
        try box.seed(30)
        _ = try await box.drainUntilEmpty(box.drainer(relay.url))
        #expect(try box.unacknowledged == 0)
        var count = 0
        for _ in 0..<100 {
            count = try central.recordCount()
            if count == 30 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(count == 30)
        // A device revoked upstream is refused by the relay, with the catalogue's code.
        let stranger = try await TestBoxHome.provisioned(central: central.url, token: try central.enrollToken())
        _ = try central.command(["devices", "revoke", stranger.identity.enrolment.device])
        try stranger.seed(2)
        let report = await stranger.drainer(relay.url).drain(ignoringBackoff: true)
        #expect(report.stoppedBecause?.contains("revoked-device") == true)
    }

    @Test("An envelope the upstream refuses for good is set aside by the relay, which goes on forwarding the others")
    func relaySetsAsideRefusals() async throws {
        let central = try CentralProcess()
        let relayData = temporaryDirectory("relay")
        let relay = try CentralProcess(data: relayData, arguments: ["--relay-to", central.url.absoluteString, "--relay-token", try central.enrollToken()])
        let box = TestBox()
        let answer = try await CentralClient(baseURL: relay.url).enroll(EnrollRequest(token: try central.enrollToken(),
                                                                                         publicKey: box.key.publicKey.rawRepresentation.base64EncodedString()))
        box.device = answer.device
        box.recordsKey = try .init(rawRepresentation: Data(base64Encoded: answer.recordsKey)!)
        // The same id with two contents: one reaches the central store directly, the other through the relay.
        let id = UUID().uuidString.lowercased()
        _ = try await CentralClient(baseURL: central.url).upload(UploadBatch(envelopes: [try box.envelope(id: id)]), signer: box.signer)
        let viaRelay = try await CentralClient(baseURL: relay.url).upload(
            UploadBatch(envelopes: [try box.envelope(#"{"day":"2026-11-23","language":"en","answers":{},"rights":[]}"#, id: id), try box.envelope()]), signer: box.signer)
        #expect(viaRelay.results.allSatisfy { $0.status == .accepted })
        var count = 0
        for _ in 0..<100 {
            count = try central.recordCount()
            if count == 2 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(count == 2, "the conflicting one is refused upstream, the other forwarded")
        let relayStore = try SQLiteStorage(path: relayData.appendingPathComponent("central.sqlite").path)
        var pending = 1
        for _ in 0..<50 {
            pending = try await relayStore.pendingForward(limit: 10).count
            if pending == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(pending == 0, "set aside, not retried at every interval")
        #expect(try await relayStore.countEnvelopes(device: nil) == 2, "kept on the relay")
    }
}
