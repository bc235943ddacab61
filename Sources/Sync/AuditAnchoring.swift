import CentralClient
import Foundation
import KioskStore
import SyncProtocol

/// Sends the box's audit head to the central store at each sync, with the box's hash at the entry the central store
/// anchored last, and keeps the answer (the anchor, an alarm) where `kiosk doctor` and the mediator's screen read it.
public enum AuditAnchoring {
    /// Returns the central store's answer, nil when the other end is a relay.
    @discardableResult
    public static func send(database: AppDatabase, client: CentralClient, signer: RequestSigner) async throws -> AuditHeadResponse? {
        var proofAt = try database.auditAnchor()
        // At most twice: the second time with the proof the central store asked for.
        for _ in 0..<2 {
            let head = try database.auditHead()
            let proof = try proofAt.flatMap { $0 <= head.seq ? try database.auditPoint(at: $0) : nil }
            guard let answer = try await client.anchorAudit(AuditHeadRequest(head: head, proof: proof), signer: signer) else { return nil }
            if answer.status == .proofNeeded, answer.anchor != proofAt {
                proofAt = answer.anchor
                continue
            }
            try database.recordAuditAnswer(anchor: answer.anchor, alarm: answer.alarm)
            return answer
        }
        return nil
    }
}
