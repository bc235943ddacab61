import Foundation
import Testing
import TestSupport

/// `kiosk mediator add|list|remove`, `set-pin` and `set-recovery`.
@Suite("Mediator access on the command line")
struct MediatorCLITests {
    @Test("set-recovery shows a new 20-digit code once, in groups of four; a second run makes another; both audited")
    func recoveryCode() throws {
        let home = temporaryDirectory("mediator")
        defer { try? FileManager.default.removeItem(at: home) }
        let kiosk = Repository.builtProduct("kiosk")
        let first = try runProcess(kiosk, ["mediator", "set-recovery", "--home", home.path])
        #expect(first.status == 0, "\(first.stderr)")
        let pattern = /Recovery code \(write it down for the team, it is not shown again\): (\d{4} \d{4} \d{4} \d{4} \d{4})\n/
        let code = try #require(first.stdout.firstMatch(of: pattern)).1
        let second = try runProcess(kiosk, ["mediator", "set-recovery", "--home", home.path])
        let again = try #require(second.stdout.firstMatch(of: pattern)).1
        #expect(code != again)
        let audit = try runProcess(kiosk, ["audit", "verify", "--home", home.path])
        #expect(audit.status == 0, "\(audit.stdout) \(audit.stderr)")
    }

    @Test("set-pin takes 4 to 12 digits and advises 6 or more")
    func pinLength() throws {
        let home = temporaryDirectory("mediator")
        defer { try? FileManager.default.removeItem(at: home) }
        let kiosk = Repository.builtProduct("kiosk")
        let short = try runProcess(kiosk, ["mediator", "set-pin", "--home", home.path], stdin: Data("1234\n".utf8))
        #expect(short.status == 0)
        #expect(short.stdout.contains("6 digits or more"))
        let good = try runProcess(kiosk, ["mediator", "set-pin", "--home", home.path], stdin: Data("482915\n".utf8))
        #expect(good.stdout == "Mediator PIN set.\n")
        let bad = try runProcess(kiosk, ["mediator", "set-pin", "--home", home.path], stdin: Data("12a4\n".utf8))
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("pin: a PIN has 4 to 12 digits"))
    }

    @Test("add names each mediator with their own PIN; a PIN already taken, a bad phone, a bad name are refused by field; list and remove")
    func addListRemove() throws {
        let home = temporaryDirectory("mediator")
        defer { try? FileManager.default.removeItem(at: home) }
        let kiosk = Repository.builtProduct("kiosk")
        func mediator(_ arguments: [String], _ stdin: String) throws -> ProcessResult {
            try runProcess(kiosk, ["mediator"] + arguments + ["--home", home.path], stdin: Data(stdin.utf8))
        }
        let added = try mediator(["add", "Marie Dupont", "--phone", "06.11.22.33.44"], "482915\n")
        #expect(added.status == 0, "\(added.stderr)")
        #expect(added.stdout == "Mediator added: Marie Dupont.\n")
        // Without the name as an argument (sudo rules have no wildcard): the name, then the PIN, on stdin.
        let second = try mediator(["add"], "Karim Benali\n731604\n")
        #expect(second.stdout == "Mediator added: Karim Benali.\n", "\(second.stderr)")
        let taken = try mediator(["add", "Sofia Lopes"], "482915\n")
        #expect(taken.status == 2)
        #expect(taken.stderr.contains("pin: another mediator already has this PIN"))
        #expect(!taken.stderr.contains("482915"), "the PIN is never echoed")
        let phone = try mediator(["add", "Sofia Lopes", "--phone", "12"], "555123\n")
        #expect(phone.status == 2)
        #expect(phone.stderr.contains("phone: '12' is not a phone number"))
        let name = try mediator(["add", ""], "555123\n")
        #expect(name.stderr.contains("name: a mediator's name has 1 to 60 characters"))
        let again = try mediator(["add", "Marie Dupont"], "918273\n")
        #expect(again.stdout == "New PIN set for Marie Dupont.\n")
        #expect(try mediator(["list"], "").stdout == "Karim Benali\nMarie Dupont\t06 11 22 33 44\n")
        #expect(try mediator(["remove", "Karim Benali"], "").status == 0)
        let unknown = try mediator(["remove"], "Nobody\n")
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("name: no mediator of that name"))
        #expect(try mediator(["list"], "").stdout == "Marie Dupont\t06 11 22 33 44\n")
        let audit = try runProcess(kiosk, ["audit", "verify", "--home", home.path])
        #expect(audit.status == 0, "\(audit.stdout) \(audit.stderr)")
    }
}
