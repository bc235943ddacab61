import Foundation
import Intake
import KioskApp
import KioskStore
import Documents
import Printers
import Rights
import Terminal
import Testing
import TestSupport

@Suite("Kiosk update")
struct UpdateTests {
    @Test("A visitor goes from the language choice to a ticket and a checklist")
    func fullVisitorPath() throws {
        var state = makeState()
        throughCheckIn(&state)
        #expect(state.visitor.flow?.position == .review)
        let save = send(&state, .enter)
        guard case let .saveCheckIn(language, consent, name, answers)? = save.first else { Issue.record("no save: \(save)"); return }
        #expect(language == "en")
        #expect(consent == .share)
        #expect(name == "Ana")
        #expect(answers["commune"] == .text("11103"))
        _ = KioskApp.update(&state, .checkInSaved(visitID: "visit-1", ticket: 7))
        #expect(state.visitor.phase == .rights)
        throughRights(&state)
        #expect(state.visitor.flow?.position == .review)
        let effects = send(&state, .enter)
        #expect(effects.contains(.setStatus(visitID: "visit-1", status: .waiting)))
        #expect(effects.contains(.printTicket(number: 7, language: "en")))
        #expect(state.visitor.phase == .ticket)
        #expect(state.visitor.evaluation?[.c2s].variant == .free)
        #expect(screen(state).contains("Your number"))
        #expect(screen(state).contains("Proof of address"))
        send(&state, .enter)
        #expect(state.visitor.phase == .welcome)
    }

    @Test("Choices can be tapped like on a touch screen")
    func tapping() {
        var state = makeState()
        tap(&state, "Română")
        #expect(state.language == "ro")
        tap(&state, "Să vedeți echipa azi")
        tap(&state, "Da, dar dosarul meu rămâne aici")
        #expect(state.visitor.flow?.answers["consent"] == .choice("box_only"))
        tap(&state, "Înapoi")
        #expect(state.visitor.flow?.current?.id == "consent")
    }

    @Test("Ctrl-C, Ctrl-Z and Ctrl-\\ do nothing in visitor mode")
    func cannotEscape() {
        var state = makeState()
        type(&state, "1"); type(&state, "1")
        let before = state.visitor
        for key in [Key.ctrl("c"), .ctrl("z"), .ctrl("\\")] {
            #expect(send(&state, key).isEmpty)
        }
        #expect(state.visitor == before)
        #expect(state.mode == .visitor)
    }

    @Test("After 90 s without input a 15 s countdown shows; any touch keeps the answers")
    func countdownAndStillHere() {
        var state = makeState()
        type(&state, "1"); type(&state, "1"); type(&state, "1")
        wait(&state, seconds: 89)
        #expect(state.countdown == nil)
        wait(&state, seconds: 2)
        #expect(state.countdown == 14)
        #expect(screen(state).contains("Êtes-vous toujours là"))
        // The touch that answers the question does nothing else.
        _ = KioskApp.update(&state, .input(.mouse(MouseEvent(button: .left, kind: .press, x: 5, y: 5))))
        #expect(state.countdown == nil)
        #expect(state.visitor.flow?.answers["consent"] == .choice("share"))
    }

    @Test("At the end of the countdown, answers not confirmed are wiped and the welcome returns")
    func wipeAfterCountdown() {
        var state = makeState()
        type(&state, "1"); type(&state, "1"); type(&state, "1"); type(&state, "Ana")
        wait(&state, seconds: 91)
        let effects = wait(&state, seconds: 15)
        #expect(effects.isEmpty)
        #expect(state.visitor.phase == .welcome)
        #expect(state.visitor.flow == nil)
        #expect(!screen(state).contains("Ana"))
    }

    @Test("A confirmed check-in is never lost: the wipe sends the visit to the queue")
    func confirmedCheckInSurvivesWipe() {
        var state = makeState()
        throughCheckIn(&state)
        confirmCheckIn(&state)
        type(&state, "3")
        wait(&state, seconds: 91)
        let effects = wait(&state, seconds: 15)
        #expect(effects == [.setStatus(visitID: "visit-1", status: .waiting)])
        #expect(state.visitor.phase == .welcome)
    }

    @Test("20 wrong codes by a visitor never keep the right PIN out longer than the largest delay (60 s)")
    func wrongCodesNeverLockOut() {
        var state = makeState()
        send(&state, .ctrl("e"))
        #expect(state.mode == .pinEntry)
        var longestWait = 0.0
        for attempt in 1...20 {
            // The visitor tries again as soon as the box lets them.
            if let until = state.pin.lockedUntil, until > state.now {
                longestWait = max(longestWait, until.timeIntervalSince(state.now))
                type(&state, "0000")
                #expect(send(&state, .enter).isEmpty, "a PIN's try waits (attempt \(attempt))")
                #expect(screen(state).contains("Nouvel essai possible à"))
                for _ in 0..<4 { send(&state, .backspace) }
                wait(&state, seconds: until.timeIntervalSince(state.now) + 0.1)
            }
            type(&state, "0000")
            #expect(send(&state, .enter) == [.checkPIN("0000")])
            let effects = KioskApp.update(&state, .pinChecked(false))
            let delay = state.config.pinPolicy.delay(afterFailures: attempt)
            #expect(effects == (delay > 0 ? [.persistLockout(until: state.now.addingTimeInterval(delay))] : []))
        }
        #expect(longestWait <= 60)
        #expect(longestWait >= 40, "the delays did grow")
        // The mediator arrives: waits at most the last delay, then the right PIN opens.
        wait(&state, seconds: 60.1)
        type(&state, "1234")
        #expect(send(&state, .enter) == [.checkPIN("1234")])
        #expect(KioskApp.update(&state, .pinChecked(true)) == [.loadQueue, .persistLockout(until: nil), .loadPackStatus])
        #expect(state.mode == .mediator)
        #expect(state.pin.failures == 0)
    }

    @Test("While wrong PINs make the box wait, the 20-digit recovery code is still checked")
    func recoveryCodeWhileWaiting() {
        var state = makeState()
        send(&state, .ctrl("e"))
        for _ in 1...6 {
            wait(&state, seconds: 61)
            type(&state, "0000"); send(&state, .enter)
            _ = KioskApp.update(&state, .pinChecked(false))
        }
        #expect(state.pin.lockedUntil.map { $0 > state.now } == true)
        type(&state, "1234")
        #expect(send(&state, .enter).isEmpty)
        for _ in 0..<4 { send(&state, .backspace) }
        type(&state, "12345678901234567890")
        #expect(send(&state, .enter) == [.checkPIN("12345678901234567890")])
    }

    @Test("Guessing stays out of reach: at most about one code a minute, days for 4 digits, years for 6")
    func bruteForceNumbers() {
        let policy = PINPolicy()
        let day = 86_400.0
        let perDay = policy.attemptsPossible(in: day)
        #expect(perDay <= 1_450, "\(perDay) codes a day")
        // Half the codes must be tried on average.
        #expect(5_000.0 / Double(perDay) >= 3.4, "4 digits: days of typing at the box")
        #expect(500_000.0 / Double(perDay) / 365 >= 0.9, "6 digits: about a year")
        #expect(policy.delay(afterFailures: 3) == 0)
        #expect(policy.delay(afterFailures: 4) == 5)
        #expect(policy.delay(afterFailures: 6) == 20)
        #expect(policy.delay(afterFailures: 50) == 60)
    }

    @Test("Mediator mode locks itself after 2 minutes without input")
    func mediatorAutoLock() {
        var state = makeState()
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true))
        wait(&state, seconds: 119)
        #expect(state.mode == .mediator)
        wait(&state, seconds: 2)
        #expect(state.mode == .visitor)
    }

    @Test("A mediator's edit of an answer changes the evaluation and is saved")
    func mediatorEditChangesEvaluation() {
        var state = makeState()
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true))
        let answers: [String: AnswerValue] = [
            "consent": .choice("share"), "birth_year": .number(Fixed4(integer: 1990)), "base_coverage": .choice("none"),
            "complementary": .choice("none"), "has_partner": .choice("no"), "children_under_25": .number(Fixed4(integer: 0)),
            "resources_12_months": .number(Fixed4(integer: 9000)), "benefits": .choices(["none"]), "housing": .choice("tenant"),
            "housing_allowance": .choice("no"), "residence_status": .choice("french"), "arrived_within_a_year": .choice("no"),
            "has_medecin_traitant": .choice("no"),
        ]
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "v", ticket: 3, name: "Ana", language: "fr", consent: .share, status: .withMediator, answers: answers)))
        #expect(state.mediator.evaluation?[.c2s].variant == .free)
        tap(&state, "Combien le foyer a-t-il reçu")
        #expect(state.mediator.editing?.current?.id == "resources_12_months")
        for _ in 0..<4 { send(&state, .backspace) }
        type(&state, "12000")
        let effects = send(&state, .enter)
        #expect(effects == [.saveAnswers(visitID: "v", answers: ["resources_12_months": .number(Fixed4(integer: 12000))], removed: [], by: .mediator)])
        #expect(state.mediator.evaluation?[.c2s].variant == .participation)
        #expect(state.mediator.editing == nil)
    }

    @Test("A wrong answer shows why in the visitor's language and keeps the screen")
    func wrongAnswer() {
        var state = makeState()
        type(&state, "3"); type(&state, "1"); type(&state, "1"); type(&state, "Ana"); send(&state, .enter)
        type(&state, "19x0"); send(&state, .enter)
        #expect(state.visitor.error == ContentFixtures.content.texts.render(AnswerProblem.notANumber.message, "es"))
        #expect(state.visitor.flow?.current?.id == "birth_year")
        #expect(screen(state).contains("Escriba un número"))
    }

    @Test("Back returns to the previous question with its answer shown")
    func backShowsAnswer() {
        var state = makeState()
        type(&state, "1"); type(&state, "1"); type(&state, "1"); type(&state, "Ana"); send(&state, .enter)
        send(&state, .escape)
        #expect(state.visitor.flow?.current?.id == "first_name")
        #expect(state.visitor.input == "Ana")
    }

    @Test("Every screen draws at every size without crashing, 0×0 and 1×1 included")
    func anySize() {
        var state = makeState()
        throughCheckIn(&state)
        for (width, height) in [(0, 0), (1, 1), (2, 3), (20, 5), (40, 12), (200, 60)] {
            _ = KioskApp.update(&state, .resized(width: width, height: height))
            _ = KioskApp.view(state)
        }
    }

    @Test("A screen too small for a question says so in the visitor's language, instead of showing pieces")
    func screenTooSmall() {
        var state = makeState()
        throughCheckIn(&state)
        _ = KioskApp.update(&state, .resized(width: 24, height: 8))
        let text = screen(state).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        let expected = ContentFixtures.content.texts.text("ui.screen_too_small", state.language)
        #expect(text.split(separator: " ").joined(separator: " ").contains(expected.split(separator: " ").prefix(2).joined(separator: " ")))
    }
}

@Suite("Kiosk runtime over the store")
struct RuntimeTests {
    func runtime() throws -> (KioskRuntime, TestClock) {
        let clock = TestClock("2026-11-24T10:00:00+01:00")
        let database = try AppDatabase.inMemory(clock: clock.function)
        try database.setSetting(KioskRuntime.pinSetting, try PINHasher.hash("2468", rounds: 1024))
        let runtime = KioskRuntime(database: database, content: ContentFixtures.content, engine: Fixtures.engine, config: KioskConfig(placeName: "Couiza"))
        return (runtime, clock)
    }

    @Test("A confirmed check-in is saved with its answers and comes back as a ticket")
    func checkInSaved() throws {
        let (runtime, _) = try runtime()
        var state = makeState()
        throughCheckIn(&state)
        let effect = send(&state, .enter)[0]
        let events = runtime.run(effect, state: state)
        guard case let .checkInSaved(visitID, ticket)? = events.first else { Issue.record("\(events)"); return }
        #expect(ticket == 1)
        #expect(try runtime.database.answers(visitID: visitID).count == 6)
        #expect(try runtime.database.visit(visitID)?.displayName == "Ana")
    }

    @Test("The PIN is checked against its scrypt hash, and each attempt is audited")
    func pinCheck() throws {
        let (runtime, _) = try runtime()
        let state = makeState()
        #expect(runtime.run(.checkPIN("2468"), state: state) == [.pinChecked(true)])
        #expect(runtime.run(.checkPIN("1111"), state: state) == [.pinChecked(false)])
        #expect(try runtime.database.auditEntries().map(\.action) == ["unlock", "unlock_failed"])
        #expect(try !runtime.database.setting(KioskRuntime.pinSetting)!.contains("2468"))
    }

    @Test("Closing a visit queues its record without personal answers")
    func closeQueuesRecord() throws {
        let (runtime, _) = try runtime()
        let visit = try runtime.database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana"))
        let answers: [String: AnswerValue] = ["first_name": .text("Ana"), "commune": .text("11103")]
        let events = runtime.run(.closeVisit(visitID: visit.id, answers: answers), state: makeState())
        #expect(events == [.notice("Visite n° 1 clôturée. (R la rouvre aujourd'hui si besoin.)")])
        let item = try #require(try runtime.database.outboxDue().first)
        #expect(item.record.kind == "permanence.visit-record")
        #expect(!String(decoding: item.record.payload, as: UTF8.self).contains("Ana"))
    }

    @Test("The queue lists today's visits with their reasons in words")
    func queue() throws {
        let (runtime, _) = try runtime()
        try runtime.database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana",
                                             answers: [StoredAnswer(questionnaire: "checkin", questionID: "reasons", valueJSON: #"{"choices":["doctor"]}"#)]))
        guard case .queueLoaded(let rows)? = runtime.run(.loadQueue, state: makeState()).first else { Issue.record("no queue"); return }
        #expect(rows.map(\.name) == ["Ana"])
        #expect(rows.first?.reasons == ["Trouver un médecin"])
    }

    @Test("A store error becomes a message without personal data")
    func storeError() throws {
        let (runtime, _) = try runtime()
        let events = runtime.run(.setStatus(visitID: "missing", status: .waiting), state: makeState())
        #expect(events == [.effectFailed("no visit with id missing")])
    }
}

@Suite("Mediator follow-up")
struct MediatorFollowUpTests {
    @Test("The mediator records an orientation to a partner and the person's consent")
    func orientationAndConsent() {
        var state = makeState()
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true))
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "v", ticket: 3, name: "Ana", language: "fr", consent: .share, status: .withMediator,
                                                             answers: ["consent": .choice("share")])))
        type(&state, "4")   // the follow-up tab
        tap(&state, "Orientation vers")
        #expect(state.mediator.editing?.current?.id == "orientation")
        tap(&state, "Centre Médecins Solidaires")
        let effects = tap(&state, "Continuer")
        #expect(effects == [.saveAnswers(visitID: "v", answers: ["orientation": .choices(["ms-couiza"])], removed: [], by: .mediator)])
        tap(&state, "La personne accepte")
        let consent = type(&state, "1")
        #expect(consent == [.saveAnswers(visitID: "v", answers: ["referral_consent": .choice("yes")], removed: [], by: .mediator)])
    }
}

@Suite("Printing from the mediator screen")
struct RuntimePrintingTests {
    func runtime(printer: String, wait: Double) throws -> KioskRuntime {
        let database = try AppDatabase.inMemory()
        let questionIDs = Set(ContentFixtures.content.questionnaires.flatMap(\.questions).map(\.id))
        let printing = try #require(PrintingContent.load(directory: Repository.root.appendingPathComponent("Printing"), questionIDs: questionIDs).content)
        var config = KioskConfig(placeName: "Couiza")
        config.printWaitSeconds = wait
        return KioskRuntime(database: database, content: ContentFixtures.content, engine: Fixtures.engine, config: config,
                            printing: printing, printer: PrinterTarget(printer))
    }

    func waitForNotice(_ runtime: KioskRuntime, seconds: Double = 60) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            for case .notice(let message) in runtime.drainInbox() { return message }
            usleep(100_000)
        }
        return nil
    }

    @Test("A document printed from a visit reaches the printer and its job is recorded as completed")
    func printsAndRecords() throws {
        let printer = try IPPPrinterSimulator()
        try printer.start()
        let runtime = try runtime(printer: printer.uri, wait: 30)
        let visit = try runtime.database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana"))
        #expect(runtime.run(.printDocument(document: "checklist", visitID: visit.id), state: makeState()) == [.notice("Impression de la liste des papiers à apporter en cours…")])
        #expect(waitForNotice(runtime) == "Impression terminée : la liste des papiers à apporter.")
        let job = try #require(try runtime.database.printJobs(visitID: visit.id).first)
        #expect(job.state == "completed")
        #expect(job.cupsJobID != nil)
        #expect(printer.jobs().count == 1)
    }

    @Test("A print to an absent printer is recorded as failed with the reason, and said in plain words")
    func absentPrinter() throws {
        let printer = try IPPPrinterSimulator()   // not started
        let runtime = try runtime(printer: printer.uri, wait: 1)
        let visit = try runtime.database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana"))
        _ = runtime.run(.printDocument(document: "cerfa-12504", visitID: visit.id), state: makeState())
        let message = try #require(waitForNotice(runtime, seconds: 20))
        #expect(message.hasPrefix("L'imprimante ne répond pas"))
        #expect(!message.contains("ipp://"), "no address in what the mediator reads")
        // After the wait, a clear end: not printed.
        let end = try #require(waitForNotice(runtime, seconds: 20))
        #expect(end.hasPrefix("Non imprimé : la demande de Complémentaire santé solidaire (C2S)"))
        #expect(try runtime.database.printJobs(visitID: visit.id).first?.state == "failed")
    }
}

@Suite("Reprinting")
struct ReprintTests {
    @Test("When a print of the open visit ends, the visit reloads to show it, and the same key prints again")
    func printEndedReloadsVisit() {
        var state = makeState()
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true))
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "v", ticket: 3, name: "Ana", language: "fr", consent: .share, status: .withMediator, answers: [:])))
        #expect(KioskApp.update(&state, .printJobsChanged(visitID: "v")) == [.loadVisit("v")])
        #expect(KioskApp.update(&state, .printJobsChanged(visitID: "other")).isEmpty)
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "v", ticket: 3, name: "Ana", language: "fr", consent: .share, status: .withMediator,
                                                             answers: [:], printJobs: ["checklist : échec"])))
        type(&state, "5")   // the rights tab shows what was printed
        #expect(screen(state).contains("Impressions : checklist : échec"))
        #expect(type(&state, "k") == [.printDocument(document: "checklist", visitID: "v")])
    }
}

@Suite("Identity for the forms")
struct IdentityTests {
    @Test("Identity entered by the mediator fills the printed form and never leaves the box")
    func identityOnFormsNotInRecord() throws {
        let database = try AppDatabase.inMemory()
        let questionIDs = Set(ContentFixtures.content.questionnaires.flatMap(\.questions).map(\.id))
        let printing = try #require(PrintingContent.load(directory: Repository.root.appendingPathComponent("Printing"), questionIDs: questionIDs).content)
        let runtime = KioskRuntime(database: database, content: ContentFixtures.content, engine: Fixtures.engine, config: KioskConfig(placeName: "Couiza"),
                                   printing: printing)
        let visit = try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana"))
        let state = makeState()
        let answers: [String: AnswerValue] = ["identity_last_name": .text("Dupont"), "identity_nir": .text("188031175012323"), "commune": .text("11103")]
        _ = runtime.run(.saveAnswers(visitID: visit.id, answers: answers, removed: [], by: .mediator), state: state)
        // The mediator's identity questions validate like the visitor's.
        let nir = try #require(state.mediatorQuestionnaire.question("identity_nir"))
        #expect(throws: AnswerProblem.socialSecurityNumber(.length(2))) { try Flow.validate(.text("12"), for: nir, context: FlowContext(today: state.today)) }
        _ = runtime.run(.closeVisit(visitID: visit.id, answers: answers), state: state)
        let payload = String(decoding: try #require(try database.outboxDue().first).record.payload, as: UTF8.self)
        #expect(!payload.contains("Dupont"))
        #expect(!payload.contains("188031175012323"))
        #expect(payload.contains("11103"))
    }
}

@Suite("Social security number at the mediator's desk")
struct NIREntryTests {
    @Test("A wrong key is refused with a plain message, what was typed stays; corrected, it is saved")
    func wrongKeyKeepsTyping() {
        var state = makeState(width: 100, height: 70)
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true))
        let answers: [String: AnswerValue] = ["identity_birth_date": .date(LocalDate(year: 1985, month: 5, day: 14)!)]
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "v", ticket: 3, name: "Ana", language: "fr", consent: .share,
                                                             status: .withMediator, answers: answers)))
        type(&state, "2")   // the identity tab
        tap(&state, "Numéro de sécurité sociale")
        #expect(state.mediator.editing?.current?.id == "identity_nir")
        type(&state, "1 85 05 78 006 084 90")
        #expect(send(&state, .enter).isEmpty, "nothing saved")
        #expect(state.mediator.input == "1 85 05 78 006 084 90")
        #expect(state.mediator.editing?.current?.id == "identity_nir")
        #expect(screen(state).contains("La clé (les 2 derniers chiffres) ne correspond pas"))
        // A number of another birth year: said too.
        for _ in 0..<state.mediator.input.count { send(&state, .backspace) }
        type(&state, "1 86 05 78 006 084 ")
        let key = String(format: "%02d", 97 - 1860578006084 % 97)
        type(&state, key)
        #expect(send(&state, .enter).isEmpty)
        #expect(screen(state).contains("naissance en ..86, la date de naissance en ..85"))
        for _ in 0..<state.mediator.input.count { send(&state, .backspace) }
        type(&state, "1 85 05 78 006 084 91")
        let effects = send(&state, .enter)
        #expect(effects == [.saveAnswers(visitID: "v", answers: ["identity_nir": .text("1 85 05 78 006 084 91")], removed: [], by: .mediator)])
    }
}

@Suite("Mediator recovery code")
struct RecoveryCodeTests {
    @Test("The recovery code opens mediator mode and a wrong one does not; both are audited, and neither is the PIN's check")
    func recoveryAudited() throws {
        let database = try AppDatabase.inMemory()
        try database.setSetting(KioskRuntime.pinSetting, try PINHasher.hash("1234", rounds: 1_000))
        try database.setSetting(KioskRuntime.recoverySetting, try PINHasher.hash("12345678901234567890", rounds: 1_000))
        let runtime = KioskRuntime(database: database, content: ContentFixtures.content, engine: Fixtures.engine, config: KioskConfig(placeName: "Couiza"))
        let state = makeState()
        #expect(runtime.run(.checkPIN("12345678901234567890"), state: state) == [.pinChecked(true)])
        #expect(runtime.run(.checkPIN("12345678901234567891"), state: state) == [.pinChecked(false)])
        #expect(runtime.run(.checkPIN("1234"), state: state) == [.pinChecked(true)])
        let actions = try database.auditEntries().map(\.action)
        #expect(actions.suffix(3) == ["unlock_recovery", "unlock_recovery_failed", "unlock"])
    }
}

@Suite("Status screen lines")
struct StatusLineTests {
    @Test("The ticket printer's line says none configured, plugged in, or missing with what to check")
    func ticketPrinterLine() {
        let printer = USBDevice(bus: 1, address: 4, vendorID: 0x0416, productID: 0x5011, deviceClass: 7)
        #expect(KioskRuntime.ticketPrinterLine(nil, devices: [printer]).contains("aucune configurée"))
        #expect(KioskRuntime.ticketPrinterLine((0x0416, 0x5011), devices: [printer]) == "Imprimante de tickets : 0416:5011, branchée.")
        #expect(KioskRuntime.ticketPrinterLine((0x0416, 0x5011), devices: []).contains("introuvable sur l'USB — vérifiez le câble"))
    }
}

@Suite("New content while the kiosk runs")
struct ContentRestartTests {
    func supervised() -> AppState {
        var state = makeState()
        state.config.restartsForNewContent = true
        return state
    }

    @Test("Idle on the welcome screen, a supervised kiosk leaves its loop to restart on new content")
    func restartsWhenIdle() {
        var state = supervised()
        _ = KioskApp.update(&state, .contentInstalled(version: 3))
        #expect(KioskApp.update(&state, .tick(state.now.addingTimeInterval(10))).isEmpty, "not idle long enough")
        #expect(KioskApp.update(&state, .tick(state.lastInput.addingTimeInterval(31))) == [.restartForNewContent])
    }

    @Test("A visitor in the middle of a check-in is never interrupted by new content")
    func neverDuringAVisit() {
        var state = supervised()
        throughCheckIn(&state)
        #expect(state.visitor.phase != .welcome)
        _ = KioskApp.update(&state, .contentInstalled(version: 3))
        let effects = KioskApp.update(&state, .tick(state.lastInput.addingTimeInterval(40)))
        #expect(!effects.contains(.restartForNewContent))
    }

    @Test("Without supervision (a manual run, the demo) new content waits for the next start")
    func unsupervisedWaits() {
        var state = makeState()
        _ = KioskApp.update(&state, .contentInstalled(version: 3))
        #expect(KioskApp.update(&state, .tick(state.lastInput.addingTimeInterval(600))).isEmpty)
        #expect(state.pendingContentVersion == 3)
    }
}
