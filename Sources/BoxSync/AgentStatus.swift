import Foundation
import KioskStore
import SyncProtocol

/// What one drain did.
public struct DrainReport: Codable, Sendable, Equatable {
    public var sent = 0
    public var duplicates = 0
    /// Envelopes the central store refused (kept on the box with the reason).
    public var refused: [String] = []
    public var batches = 0
    /// Why the drain stopped before the outbox was empty (unreachable, refused request), if it did.
    public var stoppedBecause: String?
    /// Rows still not acknowledged after the drain.
    public var remaining = 0
    public init() {}
}

/// The pack kept at the box, as the status screen says it.
public struct PackInfo: Codable, Sendable, Equatable {
    public var version: Int
    public var count: Int
    public var expires: String
    public init(version: Int, count: Int, expires: String) {
        self.version = version
        self.count = count
        self.expires = expires
    }
}

/// What the sync agent last did, as the mediator's screen shows it. The agent runs in its own process (`kiosk-sync
/// agent`): it keeps this in the box's database (`sync.agent_status`), where the kiosk reads it.
public struct AgentStatus: Codable, Sendable, Equatable {
    public var central: String
    public var reachable: Bool?
    public var lastPass: Date?
    public var lastReport: DrainReport?
    public var contentVersion: Int?
    public var contentProblem: String?
    /// The permanence pack kept here (version, dossiers, last day it opens), and why the last fetch failed.
    public var pack: PackInfo?
    public var packProblem: String?
    /// The central store's alarm against this box's audit log (it went back or forked), if one stands.
    public var auditAlarm: AuditAlarm?
    public var running = false

    public init(central: String, contentVersion: Int? = nil) {
        self.central = central
        self.contentVersion = contentVersion
    }

    static let settingKey = "sync.agent_status"

    /// The status the agent kept, if it ever ran on this database.
    public static func load(from database: AppDatabase) -> AgentStatus? {
        guard let text = try? database.setting(settingKey), !text.isEmpty else { return nil }
        return try? JSONDecoder().decode(AgentStatus.self, from: Data(text.utf8))
    }

    public func save(to database: AppDatabase) throws {
        try database.setSetting(Self.settingKey, String(decoding: try JSONEncoder().encode(self), as: UTF8.self))
    }

    /// Whether this status says something new to the screen compared with `kept` (the pass's time alone is written
    /// at most every ten minutes: an idle box does not write its database every minute).
    public func differs(from kept: AgentStatus?) -> Bool {
        guard var earlier = kept else { return true }
        if let now = lastPass, let then = earlier.lastPass, now.timeIntervalSince(then) > 600 { return true }
        earlier.lastPass = lastPass
        return earlier != self
    }
}

/// How the kiosk finds the sync agent: its process id in `HOME/sync-agent.pid`, a lock on `HOME/sync-agent.lock` held
/// while it runs (one agent per data directory), and SIGUSR1 to ask for a pass now.
public enum AgentLink {
    public static func pidURL(home: URL) -> URL { home.appendingPathComponent("sync-agent.pid") }
    public static func lockURL(home: URL) -> URL { home.appendingPathComponent("sync-agent.lock") }

    /// The agent's process id, when one holds the lock.
    public static func runningAgent(home: URL) -> pid_t? {
        let descriptor = open(lockURL(home: home).path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        // Free lock: no agent.
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return nil
        }
        guard let text = try? String(contentsOf: pidURL(home: home), encoding: .utf8),
              let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)), pid > 0 else { return nil }
        return pid
    }

    /// Asks the running agent for a pass now; false when none runs.
    @discardableResult
    public static func wake(home: URL) -> Bool {
        guard let pid = runningAgent(home: home) else { return false }
        return kill(pid, SIGUSR1) == 0
    }

    /// Takes the agent's lock and writes the pid file; nil when another agent holds it. The descriptor stays open
    /// for the process's life (the lock goes with the process, even when it is killed).
    public static func claim(home: URL) throws -> Int32? {
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let descriptor = open(lockURL(home: home).path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: lockURL(home: home).path]) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        try Data("\(getpid())\n".utf8).write(to: pidURL(home: home), options: .atomic)
        return descriptor
    }
}
