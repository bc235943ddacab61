import Foundation
import SyncProtocol

/// The boxes' audit logs anchored here. Each sync sends the box's head (last entry and hash) and the box's hash at
/// the entry anchored last; a head before the anchor means the box's database went back (restored from an older
/// copy), a different hash at the anchored entry means the log was rewritten (forked). Either raises an alarm that
/// stands against the box until a coordinator lifts it; the box's chain is then anchored again from its new head.
extension CentralService {
    public func anchorAudit(_ request: AuditHeadRequest, from device: DeviceRecord) async throws -> AuditHeadResponse {
        guard device.kind == "box" else { throw Problem(.revokedDevice, "only a box has an audit log to anchor") }
        guard !isRelay else { throw Problem(.upstreamUnavailable, "a relay does not anchor audit logs: connect to the central store") }
        let head = request.head
        guard head.seq >= 0, Self.isHash(head.hash), request.proof.map({ $0.seq >= 0 && Self.isHash($0.hash) }) ?? true else {
            throw Problem(.malformedJSON, "an audit point is a sequence number from 0 and a hash of 64 hexadecimal digits")
        }
        let at = now
        func alarmed(_ kind: AuditAlarm.Kind, _ detail: String) async throws -> AuditHeadResponse {
            let alarm = AuditAlarm(kind: kind, detail: detail, at: at)
            try await storage.recordAuditHead(device: device.id, head: head, at: at, alarm: alarm,
                                              audit: CentralAuditEntry(at: at, user: "system", action: "audit_\(kind.rawValue)", subject: device.id))
            return AuditHeadResponse(status: kind == .backwards ? .backwards : .forked, anchor: head.seq, alarm: alarm)
        }
        let standing = { [storage] in try await storage.auditAlarms()[device.id] }
        guard let anchored = try await storage.auditAnchor(device: device.id) else {
            try await storage.recordAuditHead(device: device.id, head: head, at: at, alarm: nil, audit: nil)
            return AuditHeadResponse(status: .ok, anchor: head.seq, alarm: try await standing())
        }
        if head.seq < anchored.seq {
            return try await alarmed(.backwards, "the box's audit log ends at entry \(head.seq); it had reached entry \(anchored.seq) (a database restored from an older copy?)")
        }
        if head.seq == anchored.seq {
            if head.hash != anchored.hash {
                return try await alarmed(.forked, "the box's audit entry \(head.seq) is not the one anchored here (entries rewritten?)")
            }
            return AuditHeadResponse(status: .ok, anchor: anchored.seq, alarm: try await standing())
        }
        guard let proof = request.proof, proof.seq == anchored.seq else {
            // The box proves an older anchor, or none: it is asked for its hash at the latest one.
            if let proof = request.proof, let kept = try await storage.auditAnchorHash(device: device.id, seq: proof.seq), kept != proof.hash {
                return try await alarmed(.forked, "the box's audit entry \(proof.seq) is not the one anchored here (entries rewritten?)")
            }
            return AuditHeadResponse(status: .proofNeeded, anchor: anchored.seq, alarm: try await standing())
        }
        if proof.hash != anchored.hash {
            return try await alarmed(.forked, "the box's audit entry \(proof.seq) is not the one anchored here (entries rewritten?)")
        }
        try await storage.recordAuditHead(device: device.id, head: head, at: at, alarm: nil, audit: nil)
        return AuditHeadResponse(status: .ok, anchor: head.seq, alarm: try await standing())
    }

    /// A coordinator has looked at a box's alarm and lifts it (false when none stood).
    public func clearAuditAlarm(device: String, by user: String) async throws -> Bool {
        try await storage.clearAuditAlarm(device: device, audit: CentralAuditEntry(at: now, user: user, action: "audit_alarm_cleared", subject: device))
    }

    static func isHash(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }
}
