import ArgumentParser
import BoxSync
import FollowUp
import Foundation
import Intake
import KioskApp
import KioskStore
import RulesLoader
import SyncProtocol
import Terminal

extension CommonOptions {
    /// The enrolled identity, or exit 3 with what to do.
    func loadIdentity() throws -> BoxIdentity {
        do {
            return try BoxIdentity.load(home: locator.home)
        } catch {
            Output.error("sync: \(error)")
            throw ExitCode(3)
        }
    }

}

/// `kiosk export --to DIR`: the outbox as signed, sealed files for a USB stick.
struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write the records not yet acknowledged to DIR (a USB stick) for `central import`.")
    @OptionGroup var common: CommonOptions
    @Option(help: "Where to write (the stick's mount point).") var to: String

    func run() throws {
        let identity = try common.loadIdentity()
        let database = try common.openDatabase()
        let report = try Exporter.export(database: database, identity: identity, to: URL(fileURLWithPath: to))
        try database.audit(actor: "system", action: "outbox_exported", detail: "\(report.envelopes) envelope(s)")
        print("exported \(report.envelopes) sealed record(s) in \(report.files.count) file(s) to \(to)/permanence-export")
    }
}

/// `kiosk demo seed --visits N`.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "demo", abstract: "Demonstration data.", subcommands: [Seed.self])

    struct Seed: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create N synthetic closed visits over the past weeks (no real person), queued for sync.")
        @OptionGroup var common: CommonOptions
        @Option(help: "How many visits.") var visits: Int
        @Option(help: "Seed of the generator (same seed, same visits).") var seed: UInt64 = 2026
        @Flag(name: .customLong("no-follow-up"), help: "Visits only: no follow-up dossier for those who share.") var noFollowUp = false

        func run() throws {
            guard visits > 0, visits <= 1_000_000 else {
                Output.error("demo seed: --visits must be between 1 and 1000000")
                throw ExitCode(2)
            }
            guard let contentDirectory = common.locator.contentDirectory() else {
                Output.error("demo seed: no content directory found")
                throw ExitCode(3)
            }
            let check = ContentCheck.run(directory: contentDirectory)
            guard let content = check.content, let parameters = check.parameters else {
                Output.error("demo seed: the content has problems; run kiosk content check")
                throw ExitCode(3)
            }
            let territory = try common.loadConfiguration()?.territory ?? .metropole
            let sealer = (try? BoxIdentity.load(home: common.locator.home))?.sealer
            let made = try DemoSeed.seed(databaseAt: common.databaseURL, count: visits, content: content, parameters: parameters,
                                         until: Date(), seed: seed, territory: territory, sealer: sealer, followUp: !noFollowUp)
            let dossiers = try AppDatabase.openOnDisk(at: common.databaseURL).outboxCount(kind: FollowUpEvent.kind)
            print("seeded \(made) closed visit(s); their records wait in the outbox" + (noFollowUp ? "" : sealer == nil ? " (no follow-up dossiers: the box is not enrolled)" : ", with \(dossiers) follow-up event(s)"))
        }
    }
}

/// The background sync as the kiosk's screens see it: the sync agent runs in its own process (`kiosk-sync agent`,
/// the permanence-sync unit or a child of this one); its status comes from the database, "sync now" is a signal.
final class AgentControl: SyncControl, @unchecked Sendable {
    let database: AppDatabase
    let home: URL
    let device: String
    private let lock = NSLock()
    private var cached: (at: ContinuousClock.Instant, status: AgentStatus?)?
    /// When "sync now" was asked, until the agent's next pass.
    private var askedAt: Date?

    init(database: AppDatabase, home: URL, device: String) {
        self.database = database
        self.home = home
        self.device = device
    }

    /// The agent's status, read at most once a second (the screen redraws more often).
    var status: AgentStatus? {
        let now = ContinuousClock.now
        if let cached = lock.withLock({ cached }), now - cached.at < .seconds(1) { return cached.status }
        let status = AgentStatus.load(from: database)
        lock.withLock { cached = (now, status) }
        return status
    }

    func syncNow() {
        let woken = AgentLink.wake(home: home)
        lock.withLock {
            askedAt = woken ? Date() : nil
            cached = nil
        }
    }

    /// A "sync now" the agent has not answered yet.
    func waiting(_ status: AgentStatus) -> Bool {
        guard let asked = lock.withLock({ askedAt }) else { return false }
        return (status.lastPass ?? .distantPast) < asked
    }

    var statusLines: [String] {
        guard let status else {
            return ["Kiosque \(device.prefix(8)) : l'agent de synchronisation n'a pas encore donné de nouvelles"
                    + (AgentLink.runningAgent(home: home) == nil ? " (il ne tourne pas : systemctl status permanence-sync)." : ".")]
        }
        var lines = ["Magasin central : \(status.central) (kiosque \(device.prefix(8)))"]
        if AgentLink.runningAgent(home: home) == nil {
            lines.append("L'agent de synchronisation ne tourne pas : les dossiers attendent, en sécurité (systemctl status permanence-sync).")
        }
        switch status.reachable {
        case nil: lines.append("Pas encore essayé de le joindre.")
        case true?: lines.append(status.running ? "Joignable — envoi en cours." : waiting(status) ? "Joignable — envoi demandé." : "Joignable.")
        case false?: lines.append("Injoignable pour l'instant : les dossiers attendent, en sécurité. Nouvel essai automatique.")
        }
        if let report = status.lastReport {
            lines.append("Dernier envoi : \(report.sent) reçu(s), \(report.duplicates) déjà là, \(report.refused.count) refusé(s).")
            if let why = report.stoppedBecause { lines.append("Interrompu : \(why.prefix(70))") }
        }
        lines.append("Contenu : " + (status.contentVersion.map { "version \($0) du central" } ?? "version installée avec le kiosque"))
        if let pack = status.pack {
            lines.append("Suivi : paquet v\(pack.version), \(pack.count) dossier(s), valable jusqu'au \(pack.expires) (scellé : la phrase de passe de l'équipe l'ouvre).")
        } else {
            lines.append("Suivi : aucun paquet reçu (le central en fait un quand la phrase de passe de l'équipe est fixée).")
        }
        if let problem = status.packProblem { lines.append("Paquet de suivi refusé : \(problem.prefix(60))") }
        if let alarm = status.auditAlarm {
            lines.append("ALERTE : le central dit que le journal d'audit \(alarm.kind == .backwards ? "est revenu en arrière" : "a été réécrit") (\(alarm.at.prefix(10))) — kiosk doctor.")
        }
        if let problem = status.contentProblem { lines.append("Mise à jour du contenu refusée : \(problem.prefix(60))") }
        return lines
    }
}

/// `kiosk sync` and `kiosk provision` need the network: they are `kiosk-sync`'s (installed beside the kiosk), which
/// the kiosk runs in its place with the same arguments.
struct NetworkCommand {
    static let forwarded: Set<String> = ["sync", "provision"]

    /// Replaces this process with `kiosk-sync` when the command is one of its; returns only when it is not.
    static func forwardIfNeeded(_ arguments: [String]) {
        guard arguments.count > 1, forwarded.contains(arguments[1]) else { return }
        let binary = SiblingBinary.url("kiosk-sync").path
        let argv = ([binary] + arguments.dropFirst()).map { strdup($0) } + [nil]
        execv(binary, argv)
        Output.error("\(arguments[1]): \(binary) cannot be run (\(String(cString: strerror(errno)))); reinstall the kiosk (Provisioning/install.sh)")
        exit(3)
    }
}

/// Help for the forwarded commands (`kiosk sync --help` shows kiosk-sync's).
struct SyncForward: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync", abstract: "Send waiting records to the central store and fetch new content (runs kiosk-sync).")
    @Argument(parsing: .allUnrecognized) var rest: [String] = []
}

struct ProvisionForward: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "provision",
                                                    abstract: "Enrol this box with the central store (first boot): make its key, enrol with a one-time token, keep the keys (0600) (runs kiosk-sync).")
    @Argument(parsing: .allUnrecognized) var rest: [String] = []
}

extension Run {
    /// The background sync when the box is enrolled (after enrolling the demo's home if asked): the sync agent's
    /// process, started here unless its own unit runs it (`PERMANENCE_SYNC_AGENT=unit`, set by the kiosk unit).
    /// Returns the screens' view of it and the child's pid (0 when the unit runs the agent).
    func startSync(home: URL, database: AppDatabase, commune: String?) throws -> (control: AgentControl, child: pid_t)? {
        let binary = SiblingBinary.url("kiosk-sync").path
        if demo, let central, let token {
            let enrolled = Spawn.run(binary, ["provision", "--home", home.path, "--central", central, "--token", token, "--name", "démo"], captureOutput: true)
            guard enrolled.status == 0 else {
                Output.error("demo: could not enrol with \(central) (kiosk-sync provision exited \(enrolled.status))")
                throw ExitCode(3)
            }
        }
        guard let identity = try? BoxIdentity.load(home: home) else { return nil }
        database.installSealer(identity.sealer)
        try database.sealUnsealed(with: identity.sealer)
        let control = AgentControl(database: database, home: home, device: identity.enrolment.device)
        if ProcessInfo.processInfo.environment["PERMANENCE_SYNC_AGENT"] == "unit" { return (control, 0) }
        var arguments = ["agent", "--home", home.path, "--interval", String(syncInterval), "--with-parent"]
        if let commune { arguments += ["--commune", commune] }
        let child = Spawn.start(binary, arguments, environment: ProcessInfo.processInfo.environment,
                                log: home.appendingPathComponent("sync-agent.log").path)
        if child == 0 { Output.error("sync: \(binary) cannot be started; records wait in the outbox") }
        return (control, child)
    }
}
