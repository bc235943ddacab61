import Foundation
import Testing
import TestSupport

/// `Provisioning/install.sh --root DIR` and the systemd units.
@Suite("Provisioning")
struct ProvisioningTests {
    static let script = Repository.root.appendingPathComponent("Provisioning/install.sh")

    func install(_ root: URL) throws -> ProcessResult {
        try runProcess(URL(fileURLWithPath: "/bin/bash"), [Self.script.path, "--root", root.path, "--binary", Repository.builtProduct("kiosk").path],
                       currentDirectory: Repository.root, timeout: 120)
    }

    /// Path → "mode uid:gid size checksum-or-dir" for every file under root.
    func snapshot(_ root: URL) throws -> [String: String] {
        let listing = try runProcess(URL(fileURLWithPath: "/usr/bin/find"), [root.path, "-printf", "%P %m %U:%G %s %T@\\n"]).stdout
        var result: [String: String] = [:]
        for line in listing.split(separator: "\n") {
            let parts = line.split(separator: " ")
            guard parts.count >= 5 else { continue }
            result[String(parts[0])] = parts[1...].joined(separator: " ")
        }
        return result
    }

    func stat(_ url: URL) throws -> (mode: String, owner: String) {
        let output = try runProcess(URL(fileURLWithPath: "/usr/bin/stat"), ["-c", "%a %u:%g", url.path]).stdout
        let parts = output.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: " ")
        return (String(parts[0]), String(parts[1]))
    }

    @Test("install.sh --root lays out the files with their owners and modes")
    func layout() throws {
        let root = temporaryDirectory("install")
        defer { try? FileManager.default.removeItem(at: root) }
        let result = try install(root)
        #expect(result.status == 0, "\(result.stderr)")
        let expected: [(String, String, String)] = [
            ("usr/bin/kiosk", "755", "0:0"),
            ("usr/bin/kiosk-sync", "755", "0:0"),
            ("etc/systemd/system/permanence-sync.service", "644", "0:0"),
            ("etc/permanence", "750", "0:990"),
            ("etc/permanence/kiosk.yaml", "660", "0:990"),
            ("etc/systemd/system/permanence-provision.service", "644", "0:0"),
            ("var/lib/permanence", "700", "990:990"),
            ("usr/share/permanence/rules/c2s.yaml", "644", "0:0"),
            ("usr/share/permanence/questionnaires/checkin.yaml", "644", "0:0"),
            ("usr/share/permanence/printing/forms/cerfa-12504.yaml", "644", "0:0"),
            ("etc/systemd/system/permanence-kiosk.service", "644", "0:0"),
            ("etc/udev/rules.d/70-permanence-ticket-printer.rules", "644", "0:0"),
        ]
        for (path, mode, owner) in expected {
            let info = try stat(root.appendingPathComponent(path))
            #expect(info.mode == mode, "\(path)")
            #expect(info.owner == owner, "\(path)")
        }
        let passwd = try String(contentsOf: root.appendingPathComponent("etc/passwd"), encoding: .utf8)
        #expect(passwd.contains("permanence:x:990:990:Permanence kiosk:/var/lib/permanence:/usr/sbin/nologin"))
    }

    @Test("Running install.sh twice changes nothing the second time")
    func idempotent() throws {
        let root = temporaryDirectory("install")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try install(root)
        let before = try snapshot(root)
        let second = try install(root)
        #expect(second.status == 0)
        #expect(second.stdout.contains("nothing changed"))
        #expect(try snapshot(root) == before)
    }

    @Test("An upgrade keeps the data and the configuration, and the udev rule follows the configured ticket printer")
    func upgradeKeepsData() throws {
        let root = temporaryDirectory("install")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try install(root)
        let configuration = root.appendingPathComponent("etc/permanence/kiosk.yaml")
        let edited = try String(contentsOf: configuration, encoding: .utf8).replacingOccurrences(of: "\nticket_printer:\n", with: "\nticket_printer: \"0416:5011\"\n")
        try edited.write(to: configuration, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: configuration.path)
        let data = root.appendingPathComponent("var/lib/permanence/kiosk.sqlite")
        try Data("visits".utf8).write(to: data)
        #expect(try install(root).status == 0)
        #expect(try String(contentsOf: configuration, encoding: .utf8) == edited)
        #expect(try Data(contentsOf: data) == Data("visits".utf8))
        let rule = try String(contentsOf: root.appendingPathComponent("etc/udev/rules.d/70-permanence-ticket-printer.rules"), encoding: .utf8)
        #expect(rule.contains(#"ATTR{idVendor}=="0416", ATTR{idProduct}=="5011", MODE="0660", GROUP="permanence""#))
    }

    @Test("systemd-analyze verify accepts the units, and the kiosk unit carries its hardening")
    func unitsVerify() throws {
        let root = temporaryDirectory("install")
        defer { try? FileManager.default.removeItem(at: root) }
        _ = try install(root)
        // verify --root needs systemd's own units inside the root.
        let units = root.appendingPathComponent("usr/lib/systemd")
        try FileManager.default.createDirectory(at: units, withIntermediateDirectories: true)
        _ = try runProcess(URL(fileURLWithPath: "/bin/cp"), ["-r", "/usr/lib/systemd/system", units.path])
        let files = ["permanence-kiosk.service", "permanence-sync.service", "permanence-provision.service", "permanence-purge.service", "permanence-purge.timer",
                     "permanence-technician-keys.service"].map { root.appendingPathComponent("etc/systemd/system/\($0)").path }
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/systemd-analyze"), ["verify", "--root=\(root.path)"] + files)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let kiosk = try String(contentsOf: Repository.root.appendingPathComponent("Provisioning/systemd/permanence-kiosk.service"), encoding: .utf8)
        for option in ["NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "ReadWritePaths=/var/lib/permanence",
                       "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service", "Restart=always", "WatchdogSec=", "TTYPath=/dev/tty1", "User=permanence",
                       "SuccessExitStatus=143 SIGTERM", "LimitNICE=-4"] {
            #expect(kiosk.contains(option), "\(option)")
        }
        // The kiosk leaves the network to the sync agent's unit, which has its own hardening.
        #expect(kiosk.contains("Environment=PERMANENCE_SYNC_AGENT=unit"))
        let agent = try String(contentsOf: Repository.root.appendingPathComponent("Provisioning/systemd/permanence-sync.service"), encoding: .utf8)
        for option in ["ExecStart=/usr/bin/kiosk-sync agent", "User=permanence", "Restart=always", "NoNewPrivileges=yes", "ProtectSystem=strict",
                       "PrivateDevices=yes", "ReadWritePaths=/var/lib/permanence", "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX",
                       "CapabilityBoundingSet=\n", "MemoryDenyWriteExecute=yes", "LimitCORE=0"] {
            #expect(agent.contains(option), "\(option)")
        }
    }

    @Test("install.sh --root writes a UTF-8 console with the Terminus font of every visitor language, and orders the kiosk and first boot after console-setup")
    func consoleAndOrdering() throws {
        let root = temporaryDirectory("install")
        defer { try? FileManager.default.removeItem(at: root) }
        #expect(try install(root).status == 0)
        let console = try String(contentsOf: root.appendingPathComponent("etc/default/console-setup"), encoding: .utf8)
        for line in ["CHARMAP=\"UTF-8\"", "CODESET=\"Uni2\"", "FONTFACE=\"TerminusBold\"", "FONTSIZE=\"16x32\""] {
            #expect(console.contains(line), "\(line)")
        }
        for unit in ["permanence-kiosk.service", "permanence-provision.service"] {
            let text = try String(contentsOf: root.appendingPathComponent("etc/systemd/system/\(unit)"), encoding: .utf8)
            let after = text.split(separator: "\n").filter { $0.hasPrefix("After=") }.joined(separator: " ")
            #expect(after.contains("console-setup.service"), "\(unit)")
            #expect(text.contains("Uni2-TerminusBold32x16"), "\(unit)")
        }
        let provision = try String(contentsOf: root.appendingPathComponent("etc/systemd/system/permanence-provision.service"), encoding: .utf8)
        #expect(provision.contains("TimeoutStartSec=infinity"))
        let quiet = try String(contentsOf: root.appendingPathComponent("etc/sysctl.d/20-permanence-quiet-console.conf"), encoding: .utf8)
        #expect(quiet.contains("kernel.printk = 3 4 1 3"))
    }

    @Test("install.sh --root makes the technician account: keys only, journal group, sudo limited to the box's commands")
    func technicianAccount() throws {
        let root = temporaryDirectory("install")
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try "root:x:0:\nsystemd-journal:x:999:\n".write(to: root.appendingPathComponent("etc/group"), atomically: true, encoding: .utf8)
        #expect(try install(root).status == 0)
        let passwd = try String(contentsOf: root.appendingPathComponent("etc/passwd"), encoding: .utf8)
        #expect(passwd.contains("technician:x:991:991:Permanence technician:/home/technician:/bin/bash"))
        let shadow = try String(contentsOf: root.appendingPathComponent("etc/shadow"), encoding: .utf8)
        #expect(shadow.contains("technician:*:"), "no password can ever match")
        let group = try String(contentsOf: root.appendingPathComponent("etc/group"), encoding: .utf8)
        #expect(group.contains("systemd-journal:x:999:technician\n"))
        let sudoers = root.appendingPathComponent("etc/sudoers.d/permanence-technician")
        #expect(try stat(sudoers).mode == "440")
        let rules = try String(contentsOf: sudoers, encoding: .utf8)
        #expect(rules.contains("technician ALL=(permanence) NOPASSWD: PERMANENCE_KIOSK"))
        #expect(!rules.contains("ALL=(ALL)"))
        #expect(!rules.contains("*"), "no wildcard: sudo's * would match any further argument")
        if FileManager.default.isExecutableFile(atPath: "/usr/sbin/visudo") {
            let check = try runProcess(URL(fileURLWithPath: "/usr/sbin/visudo"), ["-c", "-f", sudoers.path])
            #expect(check.status == 0, "\(check.stdout) \(check.stderr)")
        }
        let sshd = try String(contentsOf: root.appendingPathComponent("etc/ssh/sshd_config.d/permanence-technician.conf"), encoding: .utf8)
        #expect(sshd.contains("Match User technician"))
        #expect(sshd.contains("PasswordAuthentication no"))
        #expect(sshd.hasSuffix("Match all\n"), "the Match block ends in its own file")
        #expect(try stat(root.appendingPathComponent("etc/ssh/authorized_keys/technician")) == ("644", "0:0"))
        // A second run changes nothing (the group line is not extended twice).
        let again = try install(root)
        #expect(again.stdout.contains("nothing changed"), "\(again.stdout)")
    }

    @Test("The technician's keys come from the configuration and the boot partition, each once; a line that is not a key is named and left out")
    func technicianKeys() throws {
        let work = temporaryDirectory("technician-keys")
        defer { try? FileManager.default.removeItem(at: work) }
        let boot = work.appendingPathComponent("boot")
        try FileManager.default.createDirectory(at: boot, withIntermediateDirectories: true)
        let keygen = URL(fileURLWithPath: "/usr/bin/ssh-keygen")
        for name in ["office", "laptop"] {
            let made = try runProcess(keygen, ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", work.appendingPathComponent(name).path])
            #expect(made.status == 0, "\(made.stderr)")
        }
        let office = try String(contentsOf: work.appendingPathComponent("office.pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let laptop = try String(contentsOf: work.appendingPathComponent("laptop.pub"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        try "place: \"Mairie de Couiza\"\ntechnician_ssh_key: \"\(office)\"\n".write(to: work.appendingPathComponent("kiosk.yaml"), atomically: true, encoding: .utf8)
        // Written on a Windows laptop: CRLF, and a stray line.
        try "\(laptop)\r\nnot a key at all\r\n".write(to: boot.appendingPathComponent("permanence-technician.pub"), atomically: true, encoding: .utf8)
        let keys = work.appendingPathComponent("authorized_keys")
        let environment = ["PERMANENCE_TECHNICIAN_KEYS": keys.path, "PERMANENCE_CONFIG": work.appendingPathComponent("kiosk.yaml").path,
                           "PERMANENCE_BOOT_DIRS": "\(work.appendingPathComponent("firmware").path) \(boot.path)", "PATH": "/usr/bin:/bin"]
        let script = Repository.root.appendingPathComponent("Provisioning/box/technician-keys")
        let first = try runProcess(script, [], environment: environment)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("2 added, 2 key(s) may log in as technician"), "\(first.stdout)")
        #expect(first.stderr.contains("not an SSH public key"))
        #expect(!first.stderr.contains("not a key at all"), "the rejected line is not repeated in the journal")
        let written = try String(contentsOf: keys, encoding: .utf8)
        #expect(written == "\(office)\n\(laptop)\n")
        let second = try runProcess(script, [], environment: environment)
        #expect(second.stdout.contains("0 added, 2 key(s)"), "\(second.stdout)")
        #expect(try String(contentsOf: keys, encoding: .utf8) == written)
    }
}
