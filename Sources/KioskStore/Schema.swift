import GRDB

/// The schema, one function per migration. Table names are strings, not app types,
/// so a migration keeps meaning the same thing forever.
enum Schema {
    static func v1(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE visit (
            id TEXT PRIMARY KEY NOT NULL,
            day TEXT NOT NULL CHECK (day GLOB '[0-9][0-9][0-9][0-9]-[0-1][0-9]-[0-3][0-9]'),
            ticket_number INTEGER NOT NULL CHECK (ticket_number > 0),
            status TEXT NOT NULL CHECK (status IN ('open', 'waiting', 'with_mediator', 'closed')),
            language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 8),
            consent TEXT NOT NULL CHECK (consent IN ('share', 'box_only')),
            display_name TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            closed_at TEXT,
            purged_at TEXT,
            UNIQUE (day, ticket_number),
            CHECK ((status = 'closed') = (closed_at IS NOT NULL)),
            CHECK (purged_at IS NULL OR (status = 'closed' AND display_name IS NULL))
        );
        CREATE INDEX visit_by_status ON visit(status, closed_at);

        CREATE TRIGGER visit_status_transition BEFORE UPDATE OF status ON visit
        WHEN NOT (OLD.status = NEW.status
            OR (OLD.status = 'open' AND NEW.status IN ('waiting', 'closed'))
            OR (OLD.status = 'waiting' AND NEW.status IN ('with_mediator', 'closed'))
            OR (OLD.status = 'with_mediator' AND NEW.status IN ('waiting', 'closed')))
        BEGIN SELECT RAISE(ABORT, 'visit: invalid status transition'); END;

        CREATE TABLE answer (
            visit_id TEXT NOT NULL REFERENCES visit(id) ON DELETE CASCADE,
            questionnaire TEXT NOT NULL,
            question_id TEXT NOT NULL,
            value_json TEXT NOT NULL CHECK (json_valid(value_json)),
            answered_at TEXT NOT NULL,
            answered_by TEXT NOT NULL CHECK (answered_by IN ('visitor', 'mediator')),
            PRIMARY KEY (visit_id, question_id)
        ) WITHOUT ROWID;

        CREATE TABLE print_job (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            visit_id TEXT REFERENCES visit(id) ON DELETE SET NULL,
            document TEXT NOT NULL,
            printer TEXT NOT NULL,
            cups_job_id INTEGER,
            state TEXT NOT NULL CHECK (state IN ('pending', 'submitted', 'completed', 'cancelled', 'aborted', 'failed')),
            error TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX print_job_by_visit ON print_job(visit_id);

        CREATE TABLE audit_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            actor TEXT NOT NULL CHECK (actor IN ('visitor', 'mediator', 'system')),
            action TEXT NOT NULL,
            subject TEXT,
            detail TEXT,
            previous_hash TEXT NOT NULL CHECK (length(previous_hash) = 64),
            hash TEXT NOT NULL UNIQUE CHECK (length(hash) = 64)
        );
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
        CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
        BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

        CREATE TABLE outbox (
            id TEXT PRIMARY KEY NOT NULL,
            sequence INTEGER NOT NULL UNIQUE CHECK (sequence > 0),
            kind TEXT NOT NULL,
            schema_version INTEGER NOT NULL CHECK (schema_version > 0),
            payload_format TEXT NOT NULL CHECK (payload_format IN ('json-unsealed-v1', 'hpke-v1')),
            payload BLOB NOT NULL,
            state TEXT NOT NULL CHECK (state IN ('queued', 'sending', 'acknowledged')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            last_error TEXT,
            created_at TEXT NOT NULL,
            next_attempt_at TEXT,
            acknowledged_at TEXT,
            CHECK ((state = 'acknowledged') = (acknowledged_at IS NOT NULL))
        );
        CREATE INDEX outbox_by_state ON outbox(state, sequence);
        CREATE TRIGGER outbox_state_transition BEFORE UPDATE OF state ON outbox
        WHEN NOT (OLD.state = NEW.state
            OR (OLD.state = 'queued' AND NEW.state = 'sending')
            OR (OLD.state = 'sending' AND NEW.state IN ('queued', 'acknowledged')))
        BEGIN SELECT RAISE(ABORT, 'outbox: invalid state transition'); END;

        CREATE TABLE content_version (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            version TEXT NOT NULL,
            sha256 TEXT NOT NULL,
            installed_at TEXT NOT NULL,
            active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1))
        );
        CREATE UNIQUE INDEX content_version_one_active ON content_version(active) WHERE active = 1;

        CREATE TABLE setting (
            key TEXT PRIMARY KEY NOT NULL,
            value TEXT NOT NULL
        ) WITHOUT ROWID;
        """)
    }
}

extension Schema {
    /// Named mediators (each with a PIN hash), who did what in the audit log, and closed visits that can be reopened
    /// the same day (the record their close queued is remembered, so that the next close supersedes it).
    static func v2(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE mediator (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            name TEXT NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 60),
            pin_hash TEXT NOT NULL,
            phone TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        ALTER TABLE audit_log ADD COLUMN by_name TEXT;
        ALTER TABLE visit ADD COLUMN record_id TEXT;

        DROP TRIGGER visit_status_transition;
        CREATE TRIGGER visit_status_transition BEFORE UPDATE OF status ON visit
        WHEN NOT (OLD.status = NEW.status
            OR (OLD.status = 'open' AND NEW.status IN ('waiting', 'closed'))
            OR (OLD.status = 'waiting' AND NEW.status IN ('with_mediator', 'closed'))
            OR (OLD.status = 'with_mediator' AND NEW.status IN ('waiting', 'closed'))
            OR (OLD.status = 'closed' AND NEW.status = 'with_mediator' AND OLD.purged_at IS NULL))
        BEGIN SELECT RAISE(ABORT, 'visit: invalid status transition'); END;
        """)
    }
}

extension Schema {
    /// Call-back requests left at the box between permanences. The name and the phone number go only into the sealed
    /// outbox record; this table keeps what the mediator at the box may see: when, in which language, which moment.
    static func v3(_ db: Database) throws {
        try db.execute(sql: """
        CREATE TABLE callback_request (
            id TEXT PRIMARY KEY NOT NULL,
            created_at TEXT NOT NULL,
            language TEXT NOT NULL CHECK (length(language) BETWEEN 2 AND 8),
            moment TEXT NOT NULL CHECK (length(moment) BETWEEN 1 AND 20),
            record_id TEXT NOT NULL
        );
        CREATE INDEX callback_request_by_time ON callback_request(created_at);
        """)
    }
}
