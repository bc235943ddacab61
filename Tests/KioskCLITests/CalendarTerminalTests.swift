import Foundation
import Testing
import TestSupport

/// The welcome screen in a real terminal on chosen days (`kiosk run --demo --clock`): the team here now, no permanence
/// today and the next one here, a clock the box cannot believe.
@Suite("The calendar in a real terminal", .serialized)
struct CalendarTerminalTests {
    static func flat(_ text: String) -> String { text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }

    func welcome(at clock: String) throws -> String {
        let kiosk = try TmuxKiosk(width: 100, height: 30, command: "\(Repository.builtProduct("kiosk").path) run --demo --clock \(clock)")
        return Self.flat(try kiosk.waitFor("Choisissez votre langue"))
    }

    @Test("On now, not today, and a wrong clock: each said plainly on the welcome screen; the visitor's home screen follows the day")
    func days() throws {
        let onNow = try welcome(at: "2026-11-24T10:00:00+01:00")
        #expect(onNow.contains("L'équipe de médiation est là jusqu'à 12:00"), "\(onNow)")
        #expect(onNow.contains("The mediation team is here until 12:00"))
        let notToday = try welcome(at: "2026-11-25T10:00:00+01:00")
        #expect(notToday.contains("Aujourd'hui, pas de permanence ici. Prochaine à Couiza : mardi 8 décembre, 09:30."), "\(notToday)")
        let wrong = try welcome(at: "2031-06-01T10:00:00+02:00")
        #expect(wrong.contains("La date du jour n'est pas connue de ce boîtier"), "\(wrong)")
        #expect(!wrong.contains("Prochaine à"), "no day invented")
        // Not today: the visitor leaves a request (the first choice), in their language.
        let kiosk = try TmuxKiosk(width: 80, height: 24, command: "\(Repository.builtProduct("kiosk").path) run --demo --clock 2026-11-25T10:00:00+01:00")
        try kiosk.waitFor("Choisissez votre langue")
        try kiosk.type("2")
        let home = Self.flat(try kiosk.waitFor("What would you like to do?"))
        #expect(home.contains("1 Leave a request for the next office hours"))
        #expect(home.contains("No office hours here today."))
    }

    @Test("--clock is refused outside the demo and when it is not a date, naming what is wrong")
    func refused() throws {
        let kiosk = Repository.builtProduct("kiosk").path
        let notDate = try TmuxKiosk(width: 120, command: "\(kiosk) run --demo --clock mardi; echo EXIT=$?; sleep 5")
        let screen = Self.flat(try notDate.waitFor("EXIT="))
        #expect(screen.contains("--clock: 'mardi' is not a date and time like 2026-11-24T10:00:00+01:00"), "\(screen)")
        #expect(screen.contains("EXIT=2"))
        let onABox = try TmuxKiosk(width: 120, command: "PERMANENCE_HOME=$(mktemp -d) \(kiosk) run --clock 2026-11-24T10:00:00+01:00; echo EXIT=$?; sleep 5")
        let refused = Self.flat(try onABox.waitFor("EXIT="))
        #expect(refused.contains("--clock: only with --demo"), "\(refused)")
        #expect(refused.contains("EXIT=2"))
    }
}
