import Foundation

/// Backends the central store's tests run against: the same tests, SQLite and a real PostgreSQL.
public enum StorageBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite, postgres
    public var description: String { rawValue }
}

/// One PostgreSQL server for the whole test process, started on first use.
public enum SharedPostgres {
    nonisolated(unsafe) static var server: PostgresServer?
    static let lock = NSLock()

    static func stop() {
        lock.lock()
        defer { lock.unlock() }
        server = nil
    }

    /// A fresh database URL on the shared server (each test gets its own database).
    public static func database() throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if server == nil {
            PostgresServer.removeStale()
            server = try PostgresServer()
            // Static values are never deinitialised: stop the server when the test process exits.
            atexit { SharedPostgres.stop() }
        }
        return try server!.makeDatabase()
    }
}
