import Foundation
import Testing
import TestSupport

/// `kiosk mediator set-pin` and `set-recovery`.
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
}
