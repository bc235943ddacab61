@testable import Central
import CentralClient
import CentralTestSupport
import Crypto
import Foundation
import SyncProtocol
import TestSupport
import Testing

@Suite("The boxes' audit heads anchored at the central store")
struct AuditAnchorTests {
    /// A chain of hashes standing in for a box's audit log (entry n's hash at index n-1); a different seed is a
    /// rewritten log.
    static func chain(_ count: Int, seed: String = "a") -> [AuditPoint] {
        var previous = String(repeating: "0", count: 64)
        return (1...count).map { seq in
            previous = SHA256.hash(data: Data("\(seed)\(seq)\(previous)".utf8)).map { String(format: "%02x", $0) }.joined()
            return AuditPoint(seq: Int64(seq), hash: previous)
        }
    }

    func send(_ central: LiveCentral, _ box: TestBox, head: AuditPoint, proof: AuditPoint?) async throws -> AuditHeadResponse {
        try #require(try await central.client.anchorAudit(AuditHeadRequest(head: head, proof: proof), signer: box.signer))
    }

    @Test("A head that continues is anchored; a stale proof is asked again; a log gone back or rewritten raises an alarm that stands until lifted",
          arguments: StorageBackend.allCases)
    func anchoring(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let log = Self.chain(40)
            // First head: anchored as it comes.
            var answer = try await send(central, box, head: log[9], proof: nil)
            #expect(answer == AuditHeadResponse(status: .ok, anchor: 10, alarm: nil))
            // It continues, proving entry 10: anchored at 20.
            answer = try await send(central, box, head: log[19], proof: log[9])
            #expect(answer.status == .ok && answer.anchor == 20)
            // The same head again: nothing changes.
            answer = try await send(central, box, head: log[19], proof: nil)
            #expect(answer.status == .ok && answer.anchor == 20)
            // A proof at an older anchor (right): asked for the latest one; with it, anchored.
            answer = try await send(central, box, head: log[29], proof: log[9])
            #expect(answer.status == .proofNeeded && answer.anchor == 20)
            answer = try await send(central, box, head: log[29], proof: log[19])
            #expect(answer.status == .ok && answer.anchor == 30)
            #expect(try await central.storage.auditAlarms().isEmpty)

            // Restored from an older copy: the head is behind the anchor.
            answer = try await send(central, box, head: log[14], proof: log[14])
            #expect(answer.status == .backwards)
            let alarm = try #require(answer.alarm)
            #expect(alarm.kind == .backwards && alarm.detail.contains("ends at entry 15") && alarm.detail.contains("reached entry 30"))
            #expect(try await central.storage.auditAlarms()[box.device] == alarm)
            // The chain is anchored again from there, and the alarm stands on the next, normal syncs.
            answer = try await send(central, box, head: log[24], proof: log[14])
            #expect(answer.status == .ok && answer.anchor == 25 && answer.alarm == alarm)

            // Rewritten: past the anchor, but its entry 25 is another.
            let rewritten = Self.chain(40, seed: "b")
            answer = try await send(central, box, head: rewritten[34], proof: rewritten[24])
            #expect(answer.status == .forked && answer.alarm?.kind == .forked)
            // A rewritten entry shown as an older proof is caught too.
            answer = try await send(central, box, head: rewritten[39], proof: nil)
            #expect(answer.status == .proofNeeded && answer.anchor == 35)

            // Lifted by a coordinator (audited); the next sync has no alarm.
            #expect(try await central.service.clearAuditAlarm(device: box.device, by: "coordination"))
            #expect(try await !central.service.clearAuditAlarm(device: box.device, by: "coordination"), "nothing left to lift")
            answer = try await send(central, box, head: rewritten[39], proof: rewritten[34])
            #expect(answer == AuditHeadResponse(status: .ok, anchor: 40, alarm: nil))
            let actions = try await central.storage.auditLog().filter { $0.subject == box.device }.map(\.action)
            #expect(actions == ["audit_backwards", "audit_forked", "audit_alarm_cleared"])
        }
    }

    @Test("A bad audit point is refused by name; a request not signed by the box is refused", arguments: [StorageBackend.sqlite])
    func refusals(_ backend: StorageBackend) async throws {
        try await withCentral(backend) { central in
            let box = try await TestBox.enrolled(at: central)
            let body = Data(#"{"head":{"seq":3,"hash":"not a hash"}}"#.utf8)
            let bad = try await rawPost(central, path: "/v1/audit-head", body: body, headers: try box.headers(path: "/v1/audit-head", body: body))
            #expect(bad.status == 400)
            #expect(bad.problem?.detail.contains("64 hexadecimal digits") == true)
            let unsigned = try await rawPost(central, path: "/v1/audit-head", body: body, headers: [])
            #expect(unsigned.problem?.code == .missingSignature)
            let extra = Data(#"{"head":{"seq":3,"hash":"\#(String(repeating: "a", count: 64))"},"note":"x"}"#.utf8)
            let unknown = try await rawPost(central, path: "/v1/audit-head", body: extra, headers: try box.headers(path: "/v1/audit-head", body: extra))
            #expect(unknown.problem?.code == .unknownField)
            #expect(try await central.storage.auditAnchor(device: box.device) == nil, "nothing anchored from a refused request")
        }
    }
}
