import ArgumentParser
import CentralClient
import FollowUp
import Foundation
import Intake
import KioskApp
import KioskStore
import RulesLoader
import Sync
import SyncProtocol

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

    /// The URL to sync with: the configuration's central_url (e.g. a relay), else where the box enrolled.
    func centralURL(_ identity: BoxIdentity) throws -> URL {
        let configured = try loadConfiguration()?.centralURL
        guard let url = URL(string: configured ?? identity.enrolment.central) else {
            Output.error("sync: the central store address is not a URL")
            throw ExitCode(3)
        }
        return url
    }
}

/// `kiosk sync --once`: send the outbox and fetch new content now.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync", abstract: "Send waiting records to the central store and fetch new content.")
    @OptionGroup var common: CommonOptions
    @Flag(help: "One pass now, ignoring the backoff (what the mediator's \"sync now\" does).") var once = false
    @Flag(name: .customLong("no-content"), help: "Do not look for new content.") var noContent = false

    func run() async throws {
        let identity = try common.loadIdentity()
        let database = try common.openDatabase()
        try database.requeueInterruptedSends()
        let client = CentralClient(baseURL: try common.centralURL(identity))
        let report = await Drainer(database: database, identity: identity, client: client).drain(ignoringBackoff: true)
        print("sent \(report.sent), already there \(report.duplicates), refused \(report.refused.count), still waiting \(report.remaining)")
        for line in report.refused { print("refused: \(line)") }
        var failed = report.stoppedBecause != nil || !report.refused.isEmpty
        if let why = report.stoppedBecause { Output.error("sync: stopped: \(why)") }
        if report.stoppedBecause == nil {
            do {
                if let answer = try await AuditAnchoring.send(database: database, client: client, signer: identity.signer(database: database)) {
                    if let alarm = answer.alarm {
                        Output.error("sync: the central store flags this box's audit log (\(alarm.kind.rawValue), \(alarm.at)): \(alarm.detail)")
                    } else {
                        print("audit log anchored at the central store (entry \(answer.anchor))")
                    }
                }
            } catch {
                Output.error("sync: audit head not anchored: \(error)")
                failed = true
            }
        }
        if !noContent {
            do {
                if let version = try await ContentStore(home: common.locator.home).update(client: client, contentKey: ContentVerificationKey(identity.contentKey)) {
                    print("content version \(version) installed (the kiosk uses it from its next start)")
                    try database.audit(actor: "system", action: "content_installed", detail: "version \(version)")
                }
            } catch {
                Output.error("sync: content not updated: \(error)")
                failed = true
            }
        }
        // The permanence pack, sealed as it comes (the team passphrase opens it at the box).
        let commune = try common.loadConfiguration()?.commune
        let agent = SyncAgent(database: database, identity: identity, home: common.locator.home, central: try common.centralURL(identity), commune: commune)
        do {
            if let version = try await agent.updatePack() {
                let count = agent.status.pack?.count ?? 0
                print("follow-up pack version \(version) kept: \(count) dossier(s), sealed")
                try database.audit(actor: "system", action: "pack_received", detail: "version \(version)")
            }
        } catch {
            Output.error("sync: follow-up pack not updated: \(error)")
            failed = true
        }
        if failed { throw ExitCode(1) }
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

/// The background sync as the kiosk's screens see it.
final class AgentControl: SyncControl {
    let agent: SyncAgent
    init(_ agent: SyncAgent) { self.agent = agent }

    func syncNow() { agent.syncNow() }

    var statusLines: [String] {
        let status = agent.status
        var lines = ["Magasin central : \(status.central) (kiosque \(agent.identity.enrolment.device.prefix(8)))"]
        switch status.reachable {
        case nil: lines.append("Pas encore essayé de le joindre.")
        case true?: lines.append(status.running ? "Joignable — envoi en cours." : "Joignable.")
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

extension Run {
    /// The background sync when the box is enrolled (after provisioning the demo's home if asked); not started yet.
    func startSync(home: URL, database: AppDatabase, configured: String?, commune: String?) throws -> SyncAgent? {
        if demo, let central, let token, let url = URL(string: central) {
            do {
                _ = try blockingRun { try await BoxIdentity.provision(home: home, central: url, token: token, name: "démo") }
            } catch {
                Output.error("demo: could not enrol with \(central): \(error)")
                throw ExitCode(3)
            }
        }
        guard let identity = try? BoxIdentity.load(home: home) else { return nil }
        database.installSealer(identity.sealer)
        try database.sealUnsealed(with: identity.sealer)
        let url = URL(string: configured ?? identity.enrolment.central) ?? URL(string: identity.enrolment.central)!
        return SyncAgent(database: database, identity: identity, home: home, central: url, interval: .seconds(syncInterval), commune: commune)
    }
}
