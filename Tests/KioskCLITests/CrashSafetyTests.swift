import Foundation
import KioskStore
import Testing
import TestSupport

@Suite("Crash safety")
struct CrashSafetyTests {
    /// Starts `kiosk debug checkin-loop`, lets it commit check-ins for a random moment, kills it with SIGKILL.
    /// Returns the lines it printed: each one was printed after its transaction committed.
    func runAndKill(home: URL, after milliseconds: Int) throws -> [String] {
        let process = Process()
        process.executableURL = Repository.builtProduct("kiosk")
        process.arguments = ["debug", "checkin-loop", "--home", home.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t(milliseconds * 1000))
        kill(process.processIdentifier, SIGKILL)
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").map(String.init).filter { $0.hasPrefix("committed ") }
    }

    @Test("Check-ins killed with SIGKILL at random moments, many times: the database holds, nothing reported is lost, tickets stay unique")
    func killedManyTimes() throws {
        let home = temporaryDirectory("crash")
        defer { try? FileManager.default.removeItem(at: home) }
        var generator = SystemRandomNumberGenerator()
        var reported: [(day: String, ticket: Int, id: String)] = []
        for round in 0..<25 {
            // The first rounds include the start-up (open, migrate); later ones kill mid-stream.
            let delay = round < 3 ? Int.random(in: 5...40, using: &generator) : Int.random(in: 40...250, using: &generator)
            for line in try runAndKill(home: home, after: delay) {
                let parts = line.split(separator: " ")
                reported.append((String(parts[1]), Int(parts[2])!, String(parts[3])))
            }
        }
        #expect(reported.count > 25)
        let database = try AppDatabase.openOnDisk(at: home.appendingPathComponent("kiosk.sqlite"))
        #expect(try database.integrityCheck())
        for entry in reported {
            let visit = try database.visit(entry.id)
            #expect(visit?.ticketNumber == entry.ticket)
            #expect(visit?.day == entry.day)
        }
        let (total, distinct) = try database.writer.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM visit")!,
             try Int.fetchOne(db, sql: "SELECT COUNT(DISTINCT day || '#' || ticket_number) FROM visit")!)
        }
        #expect(total == distinct)
        #expect(total >= reported.count)
        // Every committed check-in carries its five answers and its audit entry.
        let answers = try database.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM answer") ?? 0 }
        #expect(answers == total * 5)
        #expect(try database.verifyAudit() == .intact(entries: total))
    }
}
