import Foundation
import GRDB
import Intake
import Rights

/// The box's database: the only way to read and write visits, answers, print jobs,
/// the audit log, the outbox, content versions and settings.
///
/// Each method is one transaction that keeps the invariants; constraints live in
/// SQLite too (NOT NULL, CHECK, UNIQUE, foreign keys, triggers). Migrations are
/// registered once and never edited once shipped: a change is a new migration.
///
/// ```swift
/// let database = try AppDatabase.openOnDisk(at: home.appendingPathComponent("kiosk.sqlite"))
/// let visit = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana", answers: [...]))
/// visit.ticketNumber   // 1, 2, 3… per day, never repeated
/// ```
public final class AppDatabase: Sendable {
    /// The writer (a `DatabasePool` on disk in WAL mode, a `DatabaseQueue` in memory for tests).
    public let writer: any DatabaseWriter
    /// The clock that decides "today" (injected: tests fix it); days are Paris days (`ParisTime`).
    public let clock: @Sendable () -> Date
    let sealerSlot = LockedSlot<OutboxSealer?>(nil)
    /// The mediator whose PIN opened mediator mode: named in the audit entries of what they do.
    let onDutySlot = LockedSlot<String?>(nil)

    /// Opens (and migrates) a database over any writer.
    public init(_ writer: any DatabaseWriter, clock: @escaping @Sendable () -> Date = { Date() }) throws {
        self.writer = writer
        self.clock = clock
        try AppDatabase.migrator.migrate(writer)
    }

    /// The database file of a box: WAL, `synchronous=FULL` (a committed check-in survives a power cut), foreign keys on.
    public static func openOnDisk(at url: URL, clock: @escaping @Sendable () -> Date = { Date() }) throws -> AppDatabase {
        // A new data directory is readable by the kiosk user only.
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        // What is deleted (a purged visit's name and answers) is overwritten, not left in free pages.
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA secure_delete = ON") }
        let pool = try DatabasePool(path: url.path, configuration: configuration)
        // DatabasePool sets synchronous=NORMAL after prepareDatabase runs: set FULL afterwards, on the writer.
        try pool.writeWithoutTransaction { try $0.execute(sql: "PRAGMA synchronous = FULL") }
        return try AppDatabase(pool, clock: clock)
    }

    /// An in-memory database, for tests and the demo.
    public static func inMemory(clock: @escaping @Sendable () -> Date = { Date() }) throws -> AppDatabase {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        return try AppDatabase(DatabaseQueue(configuration: configuration), clock: clock)
    }

    /// The schema's migrations, in order. Never edit a shipped one.
    public static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1") { db in try Schema.v1(db) }
        migrator.registerMigration("v2-mediators-reopen") { db in try Schema.v2(db) }
        migrator.registerMigration("v3-callbacks") { db in try Schema.v3(db) }
        migrator.registerMigration("v4-followup-journal") { db in try Schema.v4(db) }
        return migrator
    }

    /// Identifiers of the migrations applied to this database.
    public func appliedMigrations() throws -> [String] {
        try writer.read { try AppDatabase.migrator.appliedIdentifiers($0) }.sorted()
    }

    /// `PRAGMA integrity_check` says "ok".
    public func integrityCheck() throws -> Bool {
        try writer.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") } == "ok"
    }

    /// The `synchronous` setting of the writer connection (2 = FULL).
    public func synchronousMode() throws -> Int {
        try writer.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA synchronous") ?? -1 }
    }

    /// The journal mode (`wal` on disk).
    public func journalMode() throws -> String {
        try writer.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") ?? "" }
    }

    // MARK: - Time

    /// Today's day (YYYY-MM-DD) in the box's time zone.
    public func today() -> String { day(of: clock()) }

    public func day(of date: Date) -> String { ParisTime.day(of: date).description }

    /// The start of the day after `date`, in Paris.
    func startOfNextDay(after date: Date) -> Date {
        ParisTime.date(LocalDate(dayNumber: ParisTime.day(of: date).dayNumber + 1))
    }

    /// The store's timestamp format (UTC, milliseconds).
    public static func timestamp(_ date: Date) -> String { ParisTime.timestamp(date) }

    // MARK: - Settings

    public func setting(_ key: String) throws -> String? {
        try writer.read { try String.fetchOne($0, sql: "SELECT value FROM setting WHERE key = ?", arguments: [key]) }
    }

    public func setSetting(_ key: String, _ value: String) throws {
        try writer.write { db in
            try db.execute(sql: "INSERT INTO setting (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                           arguments: [key, value])
        }
    }
}

/// A store error, in words a mediator or a technician understands. Never carries answers or names.
public struct StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    public var code: String
    public var message: String
    public init(code: String, message: String) {
        self.code = code
        self.message = message
    }
    public var description: String { message }

    public static func visitNotFound(_ id: String) -> StoreError { StoreError(code: "visit_not_found", message: "no visit with id \(id)") }
    public static func invalidTransition(_ from: String, _ to: String) -> StoreError {
        StoreError(code: "invalid_transition", message: "a visit cannot go from \(from) to \(to)")
    }
    public static func visitClosed(_ id: String) -> StoreError { StoreError(code: "visit_closed", message: "visit \(id) is closed and cannot change") }
    public static func invalidInput(_ message: String) -> StoreError { StoreError(code: "invalid_input", message: message) }
}
