import Documents
import Foundation
import Intake
import KioskApp
import KioskStore
import Rights
import Terminal
import Testing
import TestSupport

/// A visitor alone at the box between permanences: what to do, their rights with no name, papers, places, a call back.
@Suite("Alone at the box")
struct AloneTests {
    /// Wednesday 25 November 2026, 10:00: no permanence in Couiza that day.
    static let noPermanence = "2026-11-25T10:00:00+01:00"

    /// Every effect of a sequence of inputs, in order.
    static func effects(_ state: inout AppState, _ steps: [String]) -> [Effect] {
        var all: [Effect] = []
        for step in steps {
            if step == "⏎" { all += send(&state, .enter) } else { for character in step { all += send(&state, .character(character)) } }
        }
        return all
    }

    /// The health-rights answers of a single tenant with low income, French (the rights check's questions only).
    static let rightsKeys = ["3", "3", "2", "0", "⏎", "9000", "⏎", "5", "⏎", "1", "2", "1", "2", "2"]

    @Test("After the language: check in first, then what a visitor can do alone, in their language; the check-in's words follow the day")
    func home() {
        var state = makeState()
        type(&state, "2")
        let onDay = screen(state)
        #expect(onDay.contains("What would you like to do?"))
        for label in ["See the team today", "Check my rights alone", "Print the list of papers", "Where to get care", "Ask the team to call me back", "I need care now"] {
            #expect(onDay.contains(label), "\(label)")
        }
        #expect(onDay.contains("The mediation team is here until 12:00"))
        var other = makeState(now: Self.noPermanence)
        type(&other, "5")
        #expect(screen(other).contains("Залишити запит на наступний прийом"), "no permanence today: a request for the next one")
        #expect(!screen(other).contains("Побачити команду сьогодні"))
        send(&other, .escape)
        #expect(other.visitor.phase == .welcome, "Back goes to the language screen")
    }

    @Test("Check my rights: the rights questions only, a plain result in the visitor's language; nothing stored, printed on request", arguments: ["1", "2"])
    func rightsCheck(_ digit: String) throws {
        var state = makeState(now: Self.noPermanence)
        let language = digit == "1" ? "fr" : "en"
        var effects = Self.effects(&state, [digit, "2"])
        #expect(state.visitor.flow?.questionnaire.id == "health_rights")
        #expect(state.visitor.flow?.questionnaire.questions.contains { $0.id == "gave_up_care" || $0.id == "prevention_interest" } == false,
                "the questions about today's talk are not asked alone")
        effects += Self.effects(&state, Self.rightsKeys + ["⏎"])
        #expect(state.visitor.phase == .sheet(.rights))
        let text = screen(state)
        let texts = ContentFixtures.content.texts
        #expect(text.contains(texts.text("ui.alone.rights.title", language)))
        #expect(text.contains(texts.text("ui.alone.rights.likely", language)))
        #expect(text.contains(texts.text("right.c2s", language)))
        #expect(effects.isEmpty, "no check-in, no answer saved: \(effects)")
        // Printed on request: French and the visitor's language, line for line.
        let print = send(&state, .enter)
        guard case let .printSheet(french, other, printLanguage)? = print.first else { Issue.record("no print: \(print)"); return }
        #expect(printLanguage == language)
        #expect(french.sections.map(\.lines.count) == (other ?? french).sections.map(\.lines.count))
        #expect(french.paragraphs.contains { $0.contains("Complémentaire santé solidaire") || $0.contains("C2S") })
        #expect(language == "fr" ? other == nil : other?.title == "Your rights, in a few words")
        // Back, then the countdown: the evaluation is gone with the visitor.
        send(&state, .escape)
        #expect(state.visitor.phase == .home && state.visitor.evaluation == nil)
    }

    @Test("The papers for a right chosen from the list, the usual ones of a first request")
    func papers() {
        var state = makeState(now: Self.noPermanence)
        type(&state, "4"); type(&state, "3")
        #expect(screen(state).contains("Pe ce cerere?") == false)
        #expect(screen(state).contains("Pentru ce cerere?"))
        type(&state, "3")   // AME
        #expect(state.visitor.phase == .sheet(.papers(.ame)))
        let texts = ContentFixtures.content.texts
        let text = screen(state).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        for document in RightsEngine.usualDocuments(for: .ame) {
            let words = texts.render(document.message, "ro").split(separator: " ").prefix(4).joined(separator: " ")
            #expect(text.contains(words), "\(document)")
        }
        #expect(text.contains("Casa de asigurări de sănătate (CPAM)"), "where to go, in Romanian")
    }

    @Test("Places for care: open now first with the closing hour, the others with when they open, at the box's time")
    func places() {
        // Tuesday 24 November 10:00: the CPAM (Mo-Fr 08:30-12:00) is open; the CeGIDD (Mo,We 13:30-17:00; Fr) opens tomorrow.
        var state = makeState()
        type(&state, "2"); type(&state, "4")
        let sheet = state.sheet(.places, in: "en")
        let open = sheet.sections.first { $0.heading.hasPrefix("Open now") }
        #expect(open?.lines.contains { $0.contains("CPAM") && $0.contains("Open until 12:00.") } == true)
        let closed = sheet.sections.first { $0.heading == "Closed now:" }
        #expect(closed?.lines.contains { $0.contains("CeGIDD") && $0.contains("Opens tomorrow at 13:30.") } == true)
        #expect(sheet.sections.last?.lines.first?.hasPrefix("15") == true, "the emergency numbers at the end")
        // 11 November, a public holiday (PH off at the CPAM): closed, opens the next day.
        let holiday = makeState(now: "2026-11-11T10:00:00+01:00").sheet(.places, in: "en")
        #expect(holiday.sections.flatMap(\.lines).contains { $0.contains("CPAM") && $0.contains("Opens tomorrow at 08:30.") })
        // A clock the box does not believe: no hour invented.
        let unknown = makeState(now: "2031-06-01T10:00:00+02:00").sheet(.places, in: "en")
        #expect(unknown.sections.flatMap(\.lines).allSatisfy { !$0.contains("Open until") && !$0.contains("Opens") })
        #expect(unknown.sections.flatMap(\.lines).contains { $0.contains("Phone to know the opening hours.") })
    }

    @Test("Call back: a refused phone number says why and what to write; a valid one is written the usual way; no consent keeps nothing")
    func callback() {
        var state = makeState(now: Self.noPermanence)
        type(&state, "1"); type(&state, "5")
        #expect(state.visitor.phase == .callback)
        type(&state, "1")   // yes
        type(&state, "Ana"); send(&state, .enter)
        type(&state, "12345"); send(&state, .enter)
        #expect(state.visitor.error == ContentFixtures.content.texts.text("answer.not_a_phone_number", "fr"))
        #expect(screen(state).contains("Écrivez un numéro de téléphone"))
        #expect(state.visitor.flow?.current?.id == "callback_phone", "what was typed stays on the question")
        send(&state, .ctrl("u"))
        type(&state, "+40721234567"); send(&state, .enter)
        type(&state, "4")   // Română
        type(&state, "1")   // morning
        #expect(screen(state).contains("+40721234567"), "the review shows the number as it will be used")
        let saved = send(&state, .enter)
        #expect(saved == [.saveCallback(CallbackRequest(name: "Ana", phone: "+40721234567", language: "ro", moment: "morning"))])
        _ = KioskApp.update(&state, .callbackSaved)
        #expect(screen(state).contains("Cette machine ne garde ni votre prénom ni votre numéro"))

        var refused = makeState(now: Self.noPermanence)
        type(&refused, "1"); type(&refused, "5"); type(&refused, "2")
        #expect(send(&refused, .enter).isEmpty, "no consent: nothing saved")
        #expect(refused.visitor.phase == .home)
        #expect(refused.notice == "Rien n'a été gardé.")
    }

    @Test("I need care now, from the first screen: the numbers at once, then back to what the box offers")
    func urgentFromHome() {
        var state = makeState(now: Self.noPermanence)
        type(&state, "3"); type(&state, "6")
        #expect(screen(state).contains("112"))
        #expect(screen(state).contains("116 117"))
        send(&state, .enter)
        #expect(state.visitor.phase == .home && !state.visitor.showingUrgent)
    }

    @Test("The call-back request is sealed in the store: no name or number readable in the data directory; the mediator sees when and in which language")
    func callbackStored() throws {
        let directory = temporaryDirectory("callback-box")
        defer { try? FileManager.default.removeItem(at: directory) }
        let clock = TestClock("2026-11-25T10:00:00+01:00")
        let database = try AppDatabase.openOnDisk(at: directory.appendingPathComponent("kiosk.sqlite"), clock: clock.function)
        // A stand-in sealer (the real one is HPKE to the central store's key, tested with sync): the plaintext is
        // replaced before the row is written.
        database.installSealer { record, _, _ in
            var sealed = record
            sealed.payloadFormat = "hpke-v1"
            sealed.payload = Data(record.payload.reversed().map { $0 ^ 0x5A })
            return sealed
        }
        var config = KioskConfig(placeName: "Couiza")
        config.communeCode = "11103"
        let runtime = KioskRuntime(database: database, content: ContentFixtures.content, engine: Fixtures.engine, config: config)
        let events = runtime.run(.saveCallback(CallbackRequest(name: "Zamfira", phone: "06 48 27 19 53", language: "ro", moment: "evening")),
                                 state: makeState(now: Self.noPermanence))
        #expect(events == [.callbackSaved])
        for (name, bytes) in allFiles(under: directory) {
            #expect(bytes.range(of: Data("Zamfira".utf8)) == nil, "\(name)")
            #expect(bytes.range(of: Data("06 48 27 19 53".utf8)) == nil, "\(name)")
        }
        let stubs = try database.callbackRequests(since: clock.function().addingTimeInterval(-86_400))
        #expect(stubs.map(\.language) == ["ro"] && stubs.first?.moment == "evening" && stubs.first?.sent == false)
        var state = makeState(now: Self.noPermanence)
        state.mode = .mediator
        _ = KioskApp.update(&state, .callbacksLoaded(stubs))
        let queue = screen(state)
        #expect(queue.contains("Rappels demandés à cette borne"))
        #expect(queue.contains("rappeler en Română, en fin de journée — pas encore envoyé"))
        #expect(try database.auditEntries().contains { $0.action == "callback_requested" && $0.actor == "visitor" })
    }

    @Test("A sheet prints as a PDF with French and the visitor's language side by side, read back by pdftotext")
    func sheetPDF() throws {
        var state = makeState(now: Self.noPermanence)
        type(&state, "5"); type(&state, "3"); type(&state, "2")   // Ukrainian, papers, C2S
        let french = state.sheet(.papers(.c2s), in: "fr"), other = state.sheet(.papers(.c2s), in: "uk")
        let pdf = DocumentRenderer.sheet(french: french, other: other, footer: "Couiza, le 25/11/2026")
        let directory = temporaryDirectory("sheet")
        let file = directory.appendingPathComponent("papers-c2s.pdf")
        try pdf.write(to: file)
        let text = try runProcess(URL(fileURLWithPath: "/usr/bin/pdftotext"), [file.path, "-"]).stdout
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(flat.contains("Papiers à apporter"))
        #expect(flat.contains("Документи, які треба принести"))
        #expect(flat.contains("Complémentaire santé solidaire") || flat.contains("C2S"))
        #expect(!flat.contains("Ana"), "nothing of the visitor on it")
        if let keep = ProcessInfo.processInfo.environment["SHEET_PDF"] { try? FileManager.default.removeItem(atPath: keep); try FileManager.default.copyItem(at: file, to: URL(fileURLWithPath: keep)) }
    }
}

@Suite("Opening hours and public holidays")
struct OpeningHoursTests {
    static func day(_ iso: String) -> LocalDate { LocalDate(iso: iso)! }

    @Test("The last rule naming a day wins; PH applies on public holidays; 24/7 is always open")
    func spans() {
        let hours = "Mo-Fr 08:30-12:00,13:30-16:30; We 09:00-12:00; PH off"
        #expect(OpeningHours.spans(hours, on: Self.day("2026-11-24")).map { [$0.start, $0.end] } == [[510, 720], [810, 990]])
        #expect(OpeningHours.spans(hours, on: Self.day("2026-11-25")).map { [$0.start, $0.end] } == [[540, 720]])
        #expect(OpeningHours.spans(hours, on: Self.day("2026-11-11")).isEmpty, "11 November")
        #expect(OpeningHours.spans(hours, on: Self.day("2026-11-29")).isEmpty, "Sunday")
        #expect(OpeningHours.status("24/7", on: Self.day("2026-11-29"), minute: 3) == .open(until: 1440))
        #expect(OpeningHours.spans("Sa-Mo 10:00-11:00", on: Self.day("2026-11-29")).count == 1, "a range across the week's end")
    }

    @Test("Closed now: opens later today, tomorrow, on a weekday, or not this week")
    func status() {
        let hours = "Mo,We 13:30-17:00; Fr 09:00-12:00"
        #expect(OpeningHours.status(hours, on: Self.day("2026-11-23"), minute: 600) == .closed(opens: (0, 810)))
        #expect(OpeningHours.status(hours, on: Self.day("2026-11-23"), minute: 900) == .open(until: 1020))
        #expect(OpeningHours.status(hours, on: Self.day("2026-11-24"), minute: 600) == .closed(opens: (1, 810)))
        #expect(OpeningHours.status(hours, on: Self.day("2026-11-26"), minute: 600) == .closed(opens: (1, 540)))
        #expect(OpeningHours.status(hours, on: Self.day("2026-11-27"), minute: 800) == .closed(opens: (3, 810)))
        #expect(OpeningHours.status("Mo off", on: Self.day("2026-11-27"), minute: 800) == .closed(opens: nil))
    }

    @Test("French public holidays: the fixed days, Easter Monday, Ascension and Whit Monday")
    func holidays() {
        #expect(FrenchPublicHolidays.easterSunday(2026) == Self.day("2026-04-05"))
        #expect(FrenchPublicHolidays.easterSunday(2027) == Self.day("2027-03-28"))
        for holiday in ["2027-01-01", "2027-03-29", "2027-05-01", "2027-05-06", "2027-05-08", "2027-05-17", "2027-07-14", "2027-08-15",
                        "2027-11-01", "2027-11-11", "2027-12-25"] {
            #expect(FrenchPublicHolidays.contains(Self.day(holiday)), "\(holiday)")
        }
        for day in ["2027-03-28", "2027-05-18", "2027-12-26", "2026-11-24"] { #expect(!FrenchPublicHolidays.contains(Self.day(day)), "\(day)") }
    }
}

/// Every regular file under a directory, as bytes.
func allFiles(under directory: URL) -> [(String, Data)] {
    guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
    var files: [(String, Data)] = []
    for case let url as URL in enumerator {
        if let data = FileManager.default.contents(atPath: url.path) { files.append((url.lastPathComponent, data)) }
    }
    return files
}
