import Foundation
import TestSupport
import Testing

@Suite("Command lines: provision, demo seed, sync, export, import", .serialized)
struct SyncCLITests {
    static let kiosk = Repository.builtProduct("kiosk")

    func kiosk(_ arguments: [String], home: URL) throws -> ProcessResult {
        try runProcess(Self.kiosk, arguments + ["--home", home.path], currentDirectory: Repository.root, timeout: 180)
    }

    @Test("Provision, seed 2,000 visits, sync: every one arrives once and a second sync sends nothing")
    func provisionSeedSync() throws {
        let central = try CentralProcess()
        let token = try central.enrollToken()
        #expect(token.count == 19, "the token alone on the last line: \(token)")
        let home = temporaryDirectory("cli-box")
        defer { try? FileManager.default.removeItem(at: home) }
        let seeded = try kiosk(["demo", "seed", "--visits", "2000", "--no-follow-up"], home: home)
        #expect(seeded.status == 0, "\(seeded.stderr)")
        let provision = try kiosk(["provision", "--central", central.url.absoluteString, "--token", token], home: home)
        #expect(provision.status == 0, "\(provision.stderr)")
        #expect(provision.stdout.contains("2000 waiting record(s) sealed"))
        let keyMode = try FileManager.default.attributesOfItem(atPath: home.appendingPathComponent("keys/device.key").path)[.posixPermissions] as? Int
        #expect(keyMode == 0o600)
        let sync = try kiosk(["sync", "--once"], home: home)
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(sync.stdout.contains("sent 2000, already there 0, refused 0, still waiting 0"))
        #expect(try central.recordCount() == 2000)
        let again = try kiosk(["sync", "--once"], home: home)
        #expect(again.stdout.contains("sent 0, already there 0, refused 0, still waiting 0"))
        #expect(try central.recordCount() == 2000)
        // The token was used once.
        let second = try kiosk(["provision", "--central", central.url.absoluteString, "--token", token], home: temporaryDirectory("cli-box2"))
        #expect(second.status == 2)
        #expect(second.stderr.contains("invalid-token"))
    }

    @Test("A box database restored from an older copy, then synced: flagged at the central store and by kiosk doctor")
    func restoredDatabaseFlagged() throws {
        let central = try CentralProcess()
        let home = temporaryDirectory("cli-box")
        let copy = temporaryDirectory("cli-box-copy")
        defer { for url in [home, copy] { try? FileManager.default.removeItem(at: url) } }
        #expect(try kiosk(["provision", "--central", central.url.absoluteString, "--token", try central.enrollToken()], home: home).status == 0)
        _ = try kiosk(["demo", "seed", "--visits", "5", "--no-follow-up"], home: home)
        let first = try kiosk(["sync", "--once", "--no-content"], home: home)
        #expect(first.stdout.contains("audit log anchored at the central store"), "\(first.stdout) \(first.stderr)")
        // The copy someone keeps (the database closed: no process has it open).
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        let database = home.appendingPathComponent("kiosk.sqlite")
        try FileManager.default.copyItem(at: database, to: copy.appendingPathComponent("kiosk.sqlite"))
        // The box goes on: more visits, a mediator added (audited), synced and anchored further.
        _ = try kiosk(["demo", "seed", "--visits", "5", "--no-follow-up"], home: home)
        _ = try runProcess(Self.kiosk, ["mediator", "add", "Camille", "--home", home.path], stdin: Data("4321\n".utf8), currentDirectory: Repository.root)
        #expect(try kiosk(["sync", "--once", "--no-content"], home: home).status == 0)
        #expect(try kiosk(["doctor"], home: home).stdout.contains("le central l'a ancré"))
        // Restored from the older copy, then synced: the central store sees the log gone back.
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database.path + suffix) }
        try FileManager.default.copyItem(at: copy.appendingPathComponent("kiosk.sqlite"), to: database)
        let restored = try kiosk(["sync", "--once", "--no-content"], home: home)
        #expect(restored.stderr.contains("flags this box's audit log (backwards"), "\(restored.stdout) \(restored.stderr)")
        #expect(try central.recordCount() == 10, "nothing lost or doubled by the restore")
        let devices = try central.command(["devices", "list"])
        #expect(devices.stdout.contains("AUDIT backwards"), "\(devices.stdout)")
        #expect(devices.stdout.contains("1 with an audit alarm"))
        let doctor = try kiosk(["doctor"], home: home)
        #expect(doctor.status == 1)
        #expect(doctor.stdout.contains("PROBLEM  audit") && doctor.stdout.contains("revenu en arrière"), "\(doctor.stdout)")
        // The coordination looks and lifts it; the box's next sync clears the doctor's line.
        let device = try #require(devices.stdout.split(separator: "\t").first.map(String.init))
        #expect(try central.command(["devices", "clear-alarm", device, "--by", "coordination"]).status == 0)
        _ = try kiosk(["sync", "--once", "--no-content"], home: home)
        #expect(!(try kiosk(["doctor"], home: home).stdout.contains("PROBLEM  audit")))
    }

    @Test("central serve on PostgreSQL: a box enrols, syncs, and the records are counted there")
    func centralOnPostgres() throws {
        let database = try SharedPostgres.database()
        let central = try CentralProcess(arguments: ["--database", database])
        let home = temporaryDirectory("cli-box")
        defer { try? FileManager.default.removeItem(at: home) }
        let provision = try kiosk(["provision", "--central", central.url.absoluteString, "--token", try central.enrollToken()], home: home)
        #expect(provision.status == 0, "\(provision.stderr)")
        _ = try kiosk(["demo", "seed", "--visits", "150", "--no-follow-up"], home: home)
        let sync = try kiosk(["sync", "--once"], home: home)
        #expect(sync.stdout.contains("sent 150"), "\(sync.stderr)")
        #expect(try central.recordCount() == 150)
        let stats = try central.command(["stats", "--csv"])
        #expect(stats.stdout.contains("visits,all,Passages,150,"))
    }

    @Test("The records key can live outside the data directory; tools never make a stray one; an open key is refused")
    func recordsKeyElsewhere() throws {
        let data = temporaryDirectory("central-data")
        let vault = temporaryDirectory("vault")
        let home = temporaryDirectory("cli-box")
        defer { for url in [data, vault, home] { try? FileManager.default.removeItem(at: url) } }
        try FileManager.default.createDirectory(at: vault, withIntermediateDirectories: true)
        // A first start makes the keys; then the records key moves away.
        let first = try CentralProcess(data: data)
        let token = try first.enrollToken()
        first.kill(SIGTERM)
        let key = vault.appendingPathComponent("records.key")
        try FileManager.default.moveItem(at: data.appendingPathComponent("keys/records.key"), to: key)
        let central = try CentralProcess(data: data, arguments: ["--records-key", key.path])
        #expect(try kiosk(["provision", "--central", central.url.absoluteString, "--token", token], home: home).status == 0)
        _ = try kiosk(["demo", "seed", "--visits", "5", "--no-follow-up"], home: home)
        #expect(try kiosk(["sync", "--once", "--no-content"], home: home).stdout.contains("sent 5"))
        #expect(try central.recordCount() == 5)
        #expect(!FileManager.default.fileExists(atPath: data.appendingPathComponent("keys/records.key").path), "no stray key made by the tools")
        // An import without the key says so instead of storing unopened records.
        let stick = temporaryDirectory("stick")
        defer { try? FileManager.default.removeItem(at: stick) }
        _ = try kiosk(["demo", "seed", "--visits", "2", "--no-follow-up"], home: home)
        _ = try kiosk(["export", "--to", stick.path], home: home)
        let noKey = try central.command(["import", stick.path])
        #expect(noKey.status == 2)
        #expect(noKey.stderr.contains("records key is missing"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: key.path)
        let open = try runProcess(Repository.builtProduct("central"), ["import", stick.path, "--data", data.path, "--records-key", key.path])
        #expect(open.status == 2)
        #expect(open.stderr.contains("chmod 600"))
    }

    @Test("Content published twice reaches the box; kiosk content rollback goes back to the first")
    func contentUpdateAndRollback() throws {
        let central = try CentralProcess()
        let home = temporaryDirectory("cli-box")
        defer { try? FileManager.default.removeItem(at: home) }
        _ = try kiosk(["provision", "--central", central.url.absoluteString, "--token", try central.enrollToken()], home: home)
        let none = try kiosk(["content", "rollback"], home: home)
        #expect(none.status == 2)
        #expect(none.stderr.contains("nothing changed"))
        for version in 1...2 {
            _ = try central.command(["content", "publish", Repository.root.appendingPathComponent("Kiosk").path])
            let sync = try kiosk(["sync", "--once"], home: home)
            #expect(sync.stdout.contains("content version \(version) installed"), "\(sync.stdout) \(sync.stderr)")
        }
        let check = try kiosk(["content", "check"], home: home)
        #expect(check.status == 0)
        let back = try kiosk(["content", "rollback"], home: home)
        #expect(back.status == 0)
        #expect(back.stdout.contains("content version 1 is in use again"))
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: home.appendingPathComponent("content/current").path) == "versions/1")
    }

    @Test("First boot takes the token from the configuration and erases it")
    func tokenFromConfiguration() throws {
        let central = try CentralProcess()
        let home = temporaryDirectory("cli-box")
        defer { try? FileManager.default.removeItem(at: home) }
        try FileManager.default.createDirectory(at: home, withIntermediateDirectories: true)
        let configuration = """
            place: "Mairie de Quillan"
            # the central store
            central_url: \(central.url.absoluteString)
            enrolment_token: \(try central.enrollToken())
            """
        try configuration.write(to: home.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        let provision = try kiosk(["provision"], home: home)
        #expect(provision.status == 0, "\(provision.stderr)")
        let after = try String(contentsOf: home.appendingPathComponent("kiosk.yaml"), encoding: .utf8)
        #expect(after.contains("enrolment_token:\n") || after.hasSuffix("enrolment_token:"))
        #expect(after.contains("# the central store"))
        let devices = try central.command(["devices", "list"])
        #expect(devices.stdout.contains("Mairie de Quillan"))
    }

    @Test("Sync without enrolment says what to do and exits 3")
    func syncWithoutEnrolment() throws {
        let home = temporaryDirectory("cli-box")
        defer { try? FileManager.default.removeItem(at: home) }
        let result = try kiosk(["sync", "--once"], home: home)
        #expect(result.status == 3)
        #expect(result.stderr.contains("kiosk provision"))
    }

    @Test("A USB export imported twice with central import: stored once, then all already stored")
    func exportAndImportTwice() throws {
        let central = try CentralProcess()
        let home = temporaryDirectory("cli-box")
        let stick = temporaryDirectory("cli-stick")
        defer {
            try? FileManager.default.removeItem(at: home)
            try? FileManager.default.removeItem(at: stick)
        }
        _ = try kiosk(["provision", "--central", central.url.absoluteString, "--token", try central.enrollToken()], home: home)
        _ = try kiosk(["demo", "seed", "--visits", "120", "--no-follow-up"], home: home)
        let export = try kiosk(["export", "--to", stick.path], home: home)
        #expect(export.status == 0, "\(export.stderr)")
        #expect(export.stdout.contains("exported 120 sealed record(s)"))
        let first = try central.command(["import", stick.path])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("120 new, 0 already stored, 0 refused"))
        let second = try central.command(["import", stick.path])
        #expect(second.stdout.contains("0 new, 120 already stored, 0 refused"))
        #expect(try central.recordCount() == 120)
        let missing = try central.command(["import", stick.appendingPathComponent("nothing-here").path])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("kiosk export"))
    }

    @Test("central content publish refuses invalid content with the problems, exit 2")
    func publishRefusesInvalidContent() throws {
        let central = try CentralProcess()
        let broken = temporaryDirectory("cli-content")
        defer { try? FileManager.default.removeItem(at: broken) }
        try FileManager.default.createDirectory(at: broken.appendingPathComponent("rules"), withIntermediateDirectories: true)
        let result = try central.command(["content", "publish", broken.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("problem"))
        let good = try central.command(["content", "publish", Repository.root.appendingPathComponent("Kiosk").path])
        #expect(good.status == 0)
        #expect(good.stdout.contains("published content version 1"))
    }

    @Test("Revoking a device from the command line stops its uploads")
    func revokeFromCommandLine() throws {
        let central = try CentralProcess()
        let home = temporaryDirectory("cli-box")
        defer { try? FileManager.default.removeItem(at: home) }
        let provision = try kiosk(["provision", "--central", central.url.absoluteString, "--token", try central.enrollToken()], home: home)
        let device = try #require(provision.stdout.split(separator: " ").dropFirst(2).first.map(String.init))
        #expect(try central.command(["devices", "revoke", device]).status == 0)
        _ = try kiosk(["demo", "seed", "--visits", "3", "--no-follow-up"], home: home)
        let sync = try kiosk(["sync", "--once", "--no-content"], home: home)
        #expect(sync.status == 1)
        #expect(sync.stderr.contains("revoked-device"))
        #expect(try central.recordCount() == 0)
    }
}
