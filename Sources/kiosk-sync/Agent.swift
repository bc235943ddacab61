import ArgumentParser
import BoxSync
import Foundation
import KioskStore
import Sync

/// `kiosk-sync agent`: the box's background sync, in its own process. One per data directory (a lock); it waits for
/// enrolment when the box has none; SIGUSR1 asks for a pass now (the mediator's "sync now", through `AgentLink`);
/// SIGTERM stops it between two requests. What it did goes into the database for the kiosk's screens.
struct Agent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the background sync (the permanence-sync unit, or a child of kiosk run).")
    @OptionGroup var common: CommonOptions
    @Option(help: "Seconds between two probes of the central store.") var interval: Int = 60
    @Option(help: "The box's commune for the follow-up pack (default: the configuration's commune:).") var commune: String?
    @Flag(name: .customLong("with-parent"), help: "Stop when the process that started this one ends (kiosk run's child).") var withParent = false

    func run() async throws {
        // Signals first: a "sync now" may come as soon as the pid file is written.
        _ = Self.stopRequested
        guard interval >= 1, interval <= 86_400 else {
            Output.error("agent: --interval must be between 1 and 86400 seconds")
            throw ExitCode(2)
        }
        // The kiosk that started this one: when it is gone (even killed), this agent stops too.
        let parent = withParent ? getppid() : 0
        let orphaned = { withParent && getppid() != parent }
        let home = common.locator.home
        guard let lock = try AgentLink.claim(home: home) else {
            print("kiosk-sync agent: another agent already syncs \(home.path); nothing to do")
            return
        }
        defer { close(lock) }
        let configuration = try common.loadConfiguration()
        // Not enrolled yet (first boot skipped): look again every interval.
        var identity = try? BoxIdentity.load(home: home)
        while identity == nil {
            if Self.stopRequested.load() || orphaned() { return }
            try await Task.sleep(for: .seconds(min(interval, 30)))
            identity = try? BoxIdentity.load(home: home)
        }
        guard let identity else { return }
        let database = try common.openDatabase()
        database.installSealer(identity.sealer)
        try database.sealUnsealed(with: identity.sealer)
        let agent = SyncAgent(database: database, identity: identity, home: home, central: try common.centralURL(identity, configuration),
                              interval: .seconds(interval), commune: commune ?? configuration?.commune)
        let wake = DispatchSource.makeSignalSource(signal: SIGUSR1, queue: .global())
        wake.setEventHandler { agent.syncNow() }
        wake.resume()
        agent.start()
        while !Self.stopRequested.load(), !orphaned() { try await Task.sleep(for: .milliseconds(200)) }
        // Between two requests: rows cut mid-request stay `sending` and are put back at the next start.
        agent.stop()
    }

    /// SIGTERM and SIGINT: stop at the next check.
    static let stopRequested: StopFlag = {
        let flag = StopFlag()
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { flag.set() }
            source.resume()
            StopFlag.sources.append(source)
        }
        signal(SIGUSR1, SIG_IGN)
        return flag
    }()
}

final class StopFlag: @unchecked Sendable {
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    func load() -> Bool { lock.withLock { value } }
}
