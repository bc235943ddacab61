import FollowUp
import Foundation
import PostgresNIO

extension PostgresStorage {
    public func applyDossierEvent(dossier id: String, eventID: String, _ decide: @escaping @Sendable (Dossier?, DossierPresence) throws -> DossierWrite) async throws -> DossierWrite {
        try await migrate()
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            // The dossier's row locked for the transaction: two central processes apply its events one after the other.
            var current: Dossier?
            for try await body in try await connection.query("SELECT body FROM dossier WHERE id = \(id) FOR UPDATE", logger: logger).decode(String.self) {
                current = try SQLiteStorage.decodeDossier(body)
            }
            let presence: DossierPresence
            if try await Self.hasRows(connection.query("SELECT 1 FROM dossier_event WHERE event_id = \(eventID)", logger: logger)) {
                presence = .alreadyRecorded
            } else if try await Self.hasRows(connection.query("SELECT 1 FROM dossier_erased WHERE id = \(id)", logger: logger)) {
                presence = .erased
            } else {
                presence = current == nil ? .unknown : .present
            }
            let write = try decide(current, presence)
            if let dossier = write.dossier {
                let body = try SQLiteStorage.encode(dossier), packBody = try SQLiteStorage.encode(dossier.packView)
                try await connection.query("""
                    INSERT INTO dossier (id, code, status, commune, last_seen_device, last_activity, body, pack_body)
                    VALUES (\(dossier.id), \(dossier.code), \(dossier.status.rawValue), \(dossier.commune), \(dossier.lastSeenDevice), \(dossier.lastActivity),
                            \(body), \(packBody))
                    ON CONFLICT (id) DO UPDATE SET status = excluded.status, commune = excluded.commune, last_seen_device = excluded.last_seen_device,
                        last_activity = excluded.last_activity, body = excluded.body, pack_body = excluded.pack_body
                    """, logger: logger)
            }
            if let event = write.event {
                try await connection.query("""
                    INSERT INTO dossier_event (event_id, dossier, envelope, source, received_at, box_at, action, outcome, body)
                    VALUES (\(event.eventID), \(event.dossier), \(event.envelope), \(event.source), \(event.receivedAt), \(event.boxAt), \(event.action),
                            \(event.outcome), \(event.body))
                    """, logger: logger)
                if let audit = write.audit {
                    try await connection.query("INSERT INTO audit (at, \"user\", action, subject) VALUES (\(event.receivedAt), \(audit.user), \(audit.action), \(event.dossier))",
                                               logger: logger)
                }
            }
            if let conflict = write.conflict {
                let body = try SQLiteStorage.encode(conflict)
                try await connection.query("INSERT INTO dossier_conflict (dossier, body, created_at) VALUES (\(conflict.dossier), \(body), \(conflict.at))", logger: logger)
            }
            return write
        }
    }

    func fetchDossiers(_ query: PostgresQuery) async throws -> [Dossier] {
        try await migrate()
        var found: [Dossier] = []
        for try await body in try await client.query(query, logger: logger).decode(String.self) { found.append(try SQLiteStorage.decodeDossier(body)) }
        return found
    }

    public func dossier(id: String) async throws -> Dossier? {
        try await fetchDossiers("SELECT body FROM dossier WHERE id = \(id)").first
    }

    public func dossiers(openOnly: Bool) async throws -> [Dossier] {
        openOnly ? try await fetchDossiers("SELECT body FROM dossier WHERE status = 'open' ORDER BY last_activity DESC, id")
            : try await fetchDossiers("SELECT body FROM dossier ORDER BY last_activity DESC, id")
    }

    public func packDossiers(device: String, commune: String?) async throws -> [String] {
        try await migrate()
        var found: [String] = []
        for try await body in try await client.query("""
            SELECT pack_body FROM (SELECT id, pack_body FROM dossier WHERE status = 'open' AND commune = \(commune ?? "")
                                   UNION SELECT id, pack_body FROM dossier WHERE status = 'open' AND last_seen_device = \(device)) AS pack ORDER BY id
            """, logger: logger).decode(String.self) { found.append(body) }
        return found
    }

    public func openDossiers(lastActiveOnOrBefore day: String) async throws -> [Dossier] {
        try await fetchDossiers("SELECT body FROM dossier WHERE status = 'open' AND last_activity <= \(day)")
    }

    public func removedDossiers(device: String, commune: String?, since: String) async throws -> [String] {
        try await migrate()
        var found: [String] = []
        for try await id in try await client.query("""
            SELECT id FROM dossier_erased WHERE erased_at >= \(since)
            UNION SELECT id FROM dossier WHERE status = 'closed' AND last_activity >= \(String(since.prefix(10)))
                AND (commune = \(commune ?? "") OR last_seen_device = \(device))
            """, logger: logger).decode(String.self) { found.append(id) }
        return found
    }

    public func dossierHistory(id: String) async throws -> [DossierEventRow] {
        try await migrate()
        var rows: [DossierEventRow] = []
        let query: PostgresQuery = """
            SELECT event_id, dossier, envelope, source, received_at, box_at, action, outcome, body FROM dossier_event WHERE dossier = \(id) ORDER BY seq
            """
        for try await (event, dossier, envelope, source, received, boxAt, action, outcome, body) in try await client.query(query, logger: logger)
            .decode((String, String, String?, String, String, String?, String, String, String).self) {
            rows.append(DossierEventRow(eventID: event, dossier: dossier, envelope: envelope, source: source, receivedAt: received, boxAt: boxAt,
                                        action: action, outcome: outcome, body: body))
        }
        return rows
    }

    public func dossierConflicts(dossier: String?, unresolvedOnly: Bool) async throws -> [StoredConflict] {
        try await migrate()
        var found: [StoredConflict] = []
        let query: PostgresQuery = """
            SELECT seq, body, resolved_at, resolved_by, resolution FROM dossier_conflict
            WHERE (\(dossier ?? "") = '' OR dossier = \(dossier ?? "")) AND (\(!unresolvedOnly) OR resolved_at IS NULL) ORDER BY seq
            """
        for try await (seq, body, at, by, resolution) in try await client.query(query, logger: logger).decode((Int64, String, String?, String?, String?).self) {
            found.append(StoredConflict(seq: seq, conflict: try JSONDecoder().decode(FollowUpConflict.self, from: Data(body.utf8)), resolvedAt: at, resolvedBy: by,
                                        resolution: resolution))
        }
        return found
    }

    public func resolveConflict(seq: Int64, resolution: String, by: String, at: String) async throws -> Bool {
        try await migrate()
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            var dossier: String?
            for try await value in try await connection.query("""
                UPDATE dossier_conflict SET resolved_at = \(at), resolved_by = \(by), resolution = \(resolution)
                WHERE seq = \(seq) AND resolved_at IS NULL RETURNING dossier
                """, logger: logger).decode(String.self) { dossier = value }
            guard let dossier else { return false }
            try await connection.query("INSERT INTO audit (at, \"user\", action, subject) VALUES (\(at), \(by), \("dossier_conflict_\(resolution)"), \(dossier))", logger: logger)
            return true
        }
    }

    public func eraseDossier(id: String, by: String, at: String) async throws -> Bool {
        try await migrate()
        let logger = self.logger
        return try await client.withTransaction(logger: logger) { connection in
            guard try await Self.hasRows(connection.query("DELETE FROM dossier WHERE id = \(id) RETURNING id", logger: logger)) else { return false }
            try await connection.query("""
                UPDATE envelope SET body = '' WHERE kind = \(FollowUpEvent.kind)
                AND id IN (SELECT envelope FROM dossier_event WHERE dossier = \(id) AND envelope IS NOT NULL)
                """, logger: logger)
            try await connection.query("DELETE FROM dossier_event WHERE dossier = \(id)", logger: logger)
            try await connection.query("DELETE FROM dossier_conflict WHERE dossier = \(id)", logger: logger)
            try await connection.query("INSERT INTO dossier_erased (id, erased_at, erased_by) VALUES (\(id), \(at), \(by))", logger: logger)
            try await connection.query("INSERT INTO audit (at, \"user\", action, subject) VALUES (\(at), \(by), 'dossier_erased', \(id))", logger: logger)
            return true
        }
    }

    public func unappliedFollowUpEnvelopes(limit: Int) async throws -> [StoredEnvelope] {
        try await migrate()
        var found: [StoredEnvelope] = []
        let rows = try await client.query("""
            SELECT id, device, body, received_at FROM envelope e WHERE kind = \(FollowUpEvent.kind) AND length(body) > 0
            AND NOT EXISTS (SELECT 1 FROM dossier_event d WHERE d.envelope = e.id)
            ORDER BY received_at, device, sequence LIMIT \(Int64(limit))
            """, logger: logger)
        for try await (id, device, body, received) in rows.decode((String, String, String, String).self) {
            found.append(StoredEnvelope(id: id, device: device, body: Data(body.utf8), receivedAt: received))
        }
        return found
    }

    public func blankEnvelope(id: String) async throws {
        try await migrate()
        try await client.query("UPDATE envelope SET body = '' WHERE id = \(id) AND kind = \(FollowUpEvent.kind)", logger: logger)
    }
}
