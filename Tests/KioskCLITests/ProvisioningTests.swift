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
        let files = ["permanence-kiosk.service", "permanence-purge.service", "permanence-purge.timer"].map { root.appendingPathComponent("etc/systemd/system/\($0)").path }
        let result = try runProcess(URL(fileURLWithPath: "/usr/bin/systemd-analyze"), ["verify", "--root=\(root.path)"] + files)
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stderr.isEmpty, "\(result.stderr)")
        let kiosk = try String(contentsOf: Repository.root.appendingPathComponent("Provisioning/systemd/permanence-kiosk.service"), encoding: .utf8)
        for option in ["NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "ReadWritePaths=/var/lib/permanence",
                       "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service", "Restart=always", "WatchdogSec=", "TTYPath=/dev/tty1", "User=permanence"] {
            #expect(kiosk.contains(option), "\(option)")
        }
    }
}
