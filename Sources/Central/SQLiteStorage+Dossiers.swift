import FollowUp
import Foundation
import GRDB

extension SQLiteStorage {
    static func decodeDossier(_ body: String) throws -> Dossier { try JSONDecoder().decode(Dossier.self, from: Data(body.utf8)) }
    static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    public func applyDossierEvent(dossier id: String, eventID: String, _ decide: @escaping @Sendable (Dossier?, DossierPresence) throws -> DossierWrite) async throws -> DossierWrite {
        try await pool.write { db in
            let presence: DossierPresence
            var current: Dossier?
            if try Bool.fetchOne(db, sql: "SELECT 1 FROM dossier_event WHERE event_id = ?", arguments: [eventID]) == true {
                presence = .alreadyRecorded
            } else if try Bool.fetchOne(db, sql: "SELECT 1 FROM dossier_erased WHERE id = ?", arguments: [id]) == true {
                presence = .erased
            } else if let body = try String.fetchOne(db, sql: "SELECT body FROM dossier WHERE id = ?", arguments: [id]) {
                current = try Self.decodeDossier(body)
                presence = .present
            } else {
                presence = .unknown
            }
            let write = try decide(current, presence)
            try Self.save(write, db)
            return write
        }
    }

    static func save(_ write: DossierWrite, _ db: Database) throws {
        if let dossier = write.dossier {
            try db.execute(sql: """
                INSERT INTO dossier (id, code, status, commune, last_seen_device, last_activity, body, pack_body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET status = excluded.status, commune = excluded.commune, last_seen_device = excluded.last_seen_device,
                    last_activity = excluded.last_activity, body = excluded.body, pack_body = excluded.pack_body
                """, arguments: [dossier.id, dossier.code, dossier.status.rawValue, dossier.commune, dossier.lastSeenDevice, dossier.lastActivity,
                                 try encode(dossier), try encode(dossier.packView)])
        }
        if let event = write.event {
            try db.execute(sql: """
                INSERT INTO dossier_event (event_id, dossier, envelope, source, received_at, box_at, action, outcome, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [event.eventID, event.dossier, event.envelope, event.source, event.receivedAt, event.boxAt, event.action, event.outcome, event.body])
        }
        if let conflict = write.conflict {
            try db.execute(sql: "INSERT INTO dossier_conflict (dossier, body, created_at) VALUES (?, ?, ?)",
                           arguments: [conflict.dossier, try encode(conflict), conflict.at])
        }
        if let audit = write.audit, let event = write.event {
            try db.execute(sql: "INSERT INTO audit (at, user, action, subject) VALUES (?, ?, ?, ?)", arguments: [event.receivedAt, audit.user, audit.action, event.dossier])
        }
    }

    public func dossier(id: String) async throws -> Dossier? {
        try await pool.read { db in try String.fetchOne(db, sql: "SELECT body FROM dossier WHERE id = ?", arguments: [id]).map(Self.decodeDossier) }
    }

    public func dossiers(openOnly: Bool) async throws -> [Dossier] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM dossier \(openOnly ? "WHERE status = 'open'" : "") ORDER BY last_activity DESC, id").map(Self.decodeDossier)
        }
    }

    public func packDossiers(device: String, commune: String?) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT pack_body FROM (SELECT id, pack_body FROM dossier WHERE status = 'open' AND commune = ?
                                       UNION SELECT id, pack_body FROM dossier WHERE status = 'open' AND last_seen_device = ?) ORDER BY id
                """, arguments: [commune ?? "", device])
        }
    }

    public func openDossiers(lastActiveOnOrBefore day: String) async throws -> [Dossier] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT body FROM dossier WHERE status = 'open' AND last_activity <= ?", arguments: [day]).map(Self.decodeDossier)
        }
    }

    public func removedDossiers(device: String, commune: String?, since: String) async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: """
                SELECT id FROM dossier_erased WHERE erased_at >= ?
                UNION SELECT id FROM dossier WHERE status = 'closed' AND last_activity >= ? AND (commune = ? OR last_seen_device = ?)
                """, arguments: [since, String(since.prefix(10)), commune ?? "", device])
        }
    }

    public func dossierHistory(id: String) async throws -> [DossierEventRow] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM dossier_event WHERE dossier = ? ORDER BY seq", arguments: [id]).map {
                DossierEventRow(eventID: $0["event_id"], dossier: $0["dossier"], envelope: $0["envelope"], source: $0["source"], receivedAt: $0["received_at"],
                                boxAt: $0["box_at"], action: $0["action"], outcome: $0["outcome"], body: $0["body"])
            }
        }
    }

    public func dossierConflicts(dossier: String?, unresolvedOnly: Bool) async throws -> [StoredConflict] {
        try await pool.read { db in
            var conditions: [String] = []
            var arguments: StatementArguments = []
            if let dossier { conditions.append("dossier = ?"); arguments += [dossier] }
            if unresolvedOnly { conditions.append("resolved_at IS NULL") }
            let condition = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT * FROM dossier_conflict \(condition) ORDER BY seq", arguments: arguments).map {
                StoredConflict(seq: $0["seq"], conflict: try JSONDecoder().decode(FollowUpConflict.self, from: Data(($0["body"] as String).utf8)),
                               resolvedAt: $0["resolved_at"], resolvedBy: $0["resolved_by"], resolution: $0["resolution"])
            }
        }
    }

    public func resolveConflict(seq: Int64, resolution: String, by: String, at: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "UPDATE dossier_conflict SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE seq = ? AND resolved_at IS NULL",
                           arguments: [at, by, resolution, seq])
            guard db.changesCount == 1 else { return false }
            let dossier = try String.fetchOne(db, sql: "SELECT dossier FROM dossier_conflict WHERE seq = ?", arguments: [seq]) ?? ""
            try db.execute(sql: "INSERT INTO audit (at, user, action, subject) VALUES (?, ?, ?, ?)", arguments: [at, by, "dossier_conflict_\(resolution)", dossier])
            return true
        }
    }

    public func eraseDossier(id: String, by: String, at: String) async throws -> Bool {
        try await pool.write { db in
            let known = try Bool.fetchOne(db, sql: "SELECT 1 FROM dossier WHERE id = ?", arguments: [id]) == true
            guard known else { return false }
            let envelopes = try String.fetchAll(db, sql: "SELECT envelope FROM dossier_event WHERE dossier = ? AND envelope IS NOT NULL", arguments: [id])
            for envelope in envelopes {
                try db.execute(sql: "UPDATE envelope SET body = X'' WHERE id = ? AND kind = ?", arguments: [envelope, FollowUpEvent.kind])
            }
            try db.execute(sql: "DELETE FROM dossier WHERE id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM dossier_event WHERE dossier = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM dossier_conflict WHERE dossier = ?", arguments: [id])
            try db.execute(sql: "INSERT INTO dossier_erased (id, erased_at, erased_by) VALUES (?, ?, ?)", arguments: [id, at, by])
            try db.execute(sql: "INSERT INTO audit (at, user, action, subject) VALUES (?, ?, 'dossier_erased', ?)", arguments: [at, by, id])
            return true
        }
    }

    public func unappliedFollowUpEnvelopes(limit: Int) async throws -> [StoredEnvelope] {
        try await pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT id, device, body, received_at FROM envelope e WHERE kind = ? AND length(body) > 0
                AND NOT EXISTS (SELECT 1 FROM dossier_event d WHERE d.envelope = e.id)
                ORDER BY received_at, device, sequence LIMIT ?
                """, arguments: [FollowUpEvent.kind, limit]).map {
                StoredEnvelope(id: $0["id"], device: $0["device"], body: $0["body"], receivedAt: $0["received_at"])
            }
        }
    }

    public func blankEnvelope(id: String) async throws {
        try await pool.write { db in
            try db.execute(sql: "UPDATE envelope SET body = X'' WHERE id = ? AND kind = ?", arguments: [id, FollowUpEvent.kind])
        }
    }
}
