import ArgumentParser
import CentralClient
import Foundation
import KioskStore
import Sync
import SyncProtocol

/// `kiosk sync --once` (the kiosk runs `kiosk-sync sync --once`): send the outbox, anchor the audit head, fetch new
/// content and the follow-up pack, now.
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "sync", abstract: "Send waiting records to the central store and fetch new content.")
    @OptionGroup var common: CommonOptions
    @Flag(help: "One pass now, ignoring the backoff (what the mediator's \"sync now\" does).") var once = false
    @Flag(name: .customLong("no-content"), help: "Do not look for new content.") var noContent = false

    func run() async throws {
        let configuration = try common.loadConfiguration()
        let identity = try common.loadIdentity()
        let database = try common.openDatabase()
        try database.requeueInterruptedSends()
        let central = try common.centralURL(identity, configuration)
        let client = CentralClient(baseURL: central)
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
        let agent = SyncAgent(database: database, identity: identity, home: common.locator.home, central: central, commune: configuration?.commune)
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
