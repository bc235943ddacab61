import Crypto
import SyncProtocol
import Foundation
import GRDB

/// One row of the audit log: who did what, when, to which visit (by id, never a name).
public struct AuditEntry: Sendable, Equatable {
    public var seq: Int64
    public var at: String
    public var actor: String
    public var action: String
    public var subject: String?
    public var detail: String?
    /// The named mediator who did it (nil for the visitor, the system, or a shared team PIN).
    public var by: String?
    public var previousHash: String
    public var hash: String
}

/// What `verifyAudit()` found.
public enum AuditVerification: Sendable, Equatable {
    case intact(entries: Int)
    /// The first entry where the chain breaks, and why.
    case broken(seq: Int64, reason: String)
}

extension AppDatabase {
    static let genesisHash = String(repeating: "0", count: 64)

    /// SHA-256 over the entry's fields and the previous hash (the mediator's name only when there is one, so that
    /// entries written before names existed keep their hash).
    static func auditHash(seq: Int64, at: String, actor: String, action: String, subject: String?, detail: String?, by: String? = nil,
                          previous: String) -> String {
        let canonical = ([String(seq), at, actor, action, subject ?? "", detail ?? ""] + (by.map { [$0] } ?? []) + [previous]).joined(separator: "\u{1F}")
        return SHA256.hash(data: Data(canonical.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Appends to the audit log inside the caller's transaction; the head (last seq and hash)
    /// is kept in `setting` so that removing the last rows shows too.
    static func appendAudit(_ db: Database, at: String, actor: String, action: String, subject: String?, detail: String?, by: String? = nil) throws {
        let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
        let previous: String = last?["hash"] ?? genesisHash
        let seq: Int64 = (last?["seq"] ?? 0) + 1
        let hash = auditHash(seq: seq, at: at, actor: actor, action: action, subject: subject, detail: detail, by: by, previous: previous)
        try db.execute(sql: "INSERT INTO audit_log (seq, at, actor, action, subject, detail, by_name, previous_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       arguments: [seq, at, actor, action, subject, detail, by, previous, hash])
        try db.execute(sql: "INSERT INTO setting (key, value) VALUES ('audit.head', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                       arguments: ["\(seq):\(hash)"])
    }

    /// Records an action that is not a visit change (a mediator unlock, a print, a sync). A mediator's action names the
    /// mediator on duty unless `by` names one.
    public func audit(actor: String, action: String, subject: String? = nil, detail: String? = nil, by: String? = nil) throws {
        let stamp = AppDatabase.timestamp(clock())
        let name = by ?? onDuty(actor)
        try writer.write { try Self.appendAudit($0, at: stamp, actor: actor, action: action, subject: subject, detail: detail, by: name) }
    }

    public func auditEntries() throws -> [AuditEntry] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM audit_log ORDER BY seq").map {
                AuditEntry(seq: $0["seq"], at: $0["at"], actor: $0["actor"], action: $0["action"], subject: $0["subject"],
                           detail: $0["detail"], by: $0["by_name"], previousHash: $0["previous_hash"], hash: $0["hash"])
            }
        }
    }

    /// Walks the chain: a changed row breaks its hash, a removed or inserted row breaks the link to the
    /// previous one, a removed last row disagrees with the recorded head.
    public func verifyAudit() throws -> AuditVerification {
        let entries = try auditEntries()
        let head = try setting("audit.head")
        var previous = AppDatabase.genesisHash
        var expectedSeq: Int64 = 1
        for entry in entries {
            if entry.seq != expectedSeq {
                return .broken(seq: entry.seq, reason: "entry \(expectedSeq) is missing before entry \(entry.seq)")
            }
            if entry.previousHash != previous {
                return .broken(seq: entry.seq, reason: "entry \(entry.seq) does not follow the entry before it")
            }
            let recomputed = AppDatabase.auditHash(seq: entry.seq, at: entry.at, actor: entry.actor, action: entry.action,
                                                   subject: entry.subject, detail: entry.detail, by: entry.by, previous: entry.previousHash)
            if recomputed != entry.hash {
                return .broken(seq: entry.seq, reason: "entry \(entry.seq) was changed after it was written")
            }
            previous = entry.hash
            expectedSeq += 1
        }
        let last = entries.last.map { "\($0.seq):\($0.hash)" }
        if head != last {
            return .broken(seq: expectedSeq, reason: "the log ends before its recorded last entry")
        }
        return .intact(entries: entries.count)
    }
}

/// The audit log as the central store anchors it: the head sent at each sync, and what the central store answered.
extension AppDatabase {
    static let auditAnchorKey = "sync.audit_anchor"
    static let auditAlarmKey = "sync.audit_alarm"

    /// The last entry of the log (entry 0 and the genesis hash while it is empty).
    public func auditHead() throws -> AuditPoint {
        try writer.read { db in
            let last = try Row.fetchOne(db, sql: "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
            return AuditPoint(seq: last?["seq"] ?? 0, hash: last?["hash"] ?? AppDatabase.genesisHash)
        }
    }

    /// This box's hash at an entry of its log, if it has that entry.
    public func auditPoint(at seq: Int64) throws -> AuditPoint? {
        if seq == 0 { return AuditPoint(seq: 0, hash: AppDatabase.genesisHash) }
        return try writer.read { db in
            try String.fetchOne(db, sql: "SELECT hash FROM audit_log WHERE seq = ?", arguments: [seq]).map { AuditPoint(seq: seq, hash: $0) }
        }
    }

    /// The entry the central store anchored last, as its last answer said.
    public func auditAnchor() throws -> Int64? { try setting(Self.auditAnchorKey).flatMap { Int64($0) } }

    /// The alarm the central store holds against this box's log (its last answer), if any.
    public func auditAlarm() throws -> AuditAlarm? {
        guard let text = try setting(Self.auditAlarmKey), !text.isEmpty else { return nil }
        return try? JSONDecoder().decode(AuditAlarm.self, from: Data(text.utf8))
    }

    /// Keeps the central store's answer; a new alarm is written in the log itself too.
    public func recordAuditAnswer(anchor: Int64, alarm: AuditAlarm?) throws {
        let known = try auditAlarm()
        try setSetting(Self.auditAnchorKey, String(anchor))
        try setSetting(Self.auditAlarmKey, alarm.flatMap { try? String(decoding: JSONEncoder().encode($0), as: UTF8.self) } ?? "")
        if let alarm, alarm != known {
            try audit(actor: "system", action: "audit_alarm", detail: "\(alarm.kind.rawValue) (\(alarm.at))")
        }
    }
}
