import Foundation
import Intake
import KioskApp
import KioskStore
import Rights
import Terminal
import Testing
import TestSupport

/// Who is at the desk, closing with care, the letter's reason.
@Suite("The mediator's desk")
struct DeskTests {
    func runtime(_ clock: TestClock = TestClock("2026-11-24T10:00:00+01:00")) throws -> KioskRuntime {
        let database = try AppDatabase.inMemory(clock: clock.function)
        try database.setMediator(name: "Marie Dupont", pinHash: try PINHasher.hash("482915", rounds: 1024), phone: "06 11 22 33 44")
        try database.setMediator(name: "Karim Benali", pinHash: try PINHasher.hash("731604", rounds: 1024))
        var config = KioskConfig(placeName: "Couiza")
        config.organisation = Organisation(name: "Équipe mobile de médiation", phone: "04 68 20 12 34")
        return KioskRuntime(database: database, content: ContentFixtures.content, engine: Fixtures.engine, config: config)
    }

    @Test("The sync and printer screens are live: their state is asked again every three seconds while shown, not elsewhere")
    func statusScreensLive() {
        var state = makeState()
        state.mode = .mediator
        let start = state.now
        #expect(KioskApp.update(&state, .input(.key(.character("s")))) == [.loadStatus])
        #expect(state.mediator.tab == .sync)
        state.lastInput = start
        #expect(KioskApp.update(&state, .tick(start.addingTimeInterval(1))).isEmpty, "asked a moment ago")
        #expect(KioskApp.update(&state, .tick(start.addingTimeInterval(3.5))) == [.loadStatus])
        #expect(KioskApp.update(&state, .tick(start.addingTimeInterval(4))).isEmpty)
        #expect(KioskApp.update(&state, .tick(start.addingTimeInterval(7))) == [.loadStatus])
        // Back to the queue: nothing asked.
        _ = KioskApp.update(&state, .input(.key(.escape)))
        #expect(KioskApp.update(&state, .tick(start.addingTimeInterval(20))).isEmpty)
    }

    @Test("Each mediator's own PIN opens as that mediator; the audit names who unlocked and who did what")
    func namedUnlock() throws {
        let runtime = try runtime()
        var state = makeState()
        #expect(runtime.run(.checkPIN("731604"), state: state) == [.pinChecked(true, mediator: "Karim Benali")])
        #expect(runtime.run(.checkPIN("111111"), state: state) == [.pinChecked(false)])
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true, mediator: "Karim Benali"))
        #expect(state.mode == .mediator)
        #expect(state.mediator.onDuty == "Karim Benali")
        let visit = try runtime.database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana"))
        try runtime.database.setStatus(visitID: visit.id, to: .waiting, actor: .visitor)
        _ = runtime.run(.setStatus(visitID: visit.id, status: .withMediator), state: state)
        let entries = try runtime.database.auditEntries()
        #expect(entries.first { $0.action == "unlock" }?.by == "Karim Benali")
        #expect(entries.first { $0.action == "unlock_failed" }?.by == nil)
        #expect(entries.last?.action == "status_with_mediator")
        #expect(entries.last?.by == "Karim Benali")
        // Locked: nothing more is done in their name.
        send(&state, .escape)
        type(&state, "l")
        #expect(state.mode == .visitor)
        _ = runtime.run(.loadQueue, state: state)
        try runtime.database.audit(actor: "mediator", action: "probe")
        #expect(try runtime.database.auditEntries().last?.by == nil)
    }

    @Test("X asks first: Escape keeps the visit, Enter closes it")
    func closeAsksFirst() {
        var state = makeState()
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true, mediator: "Marie Dupont"))
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "v", ticket: 3, name: "Ana", language: "fr", consent: .share, status: .withMediator,
                                                             answers: ["consent": .choice("share")])))
        #expect(type(&state, "x").isEmpty, "nothing closed yet")
        #expect(screen(state).contains("Clôturer la visite n° 3 ?"))
        #expect(type(&state, "c").isEmpty, "other keys wait for the answer")
        #expect(send(&state, .escape).isEmpty)
        #expect(!screen(state).contains("Clôturer la visite n° 3 ?"))
        #expect(state.mediator.tab == .visit)
        type(&state, "x")
        let effects = send(&state, .enter)
        #expect(effects == [.closeVisit(visitID: "v", answers: ["consent": .choice("share")]), .loadQueue])
        // Tapped: the same.
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "w", ticket: 4, name: "Bo", language: "fr", consent: .share, status: .withMediator,
                                                             answers: [:])))
        type(&state, "x")
        #expect(tap(&state, "Entrée clôturer") == [.closeVisit(visitID: "w", answers: [:]), .loadQueue])
    }

    @Test("A closed visit is read only and R reopens it")
    func reopenKey() {
        var state = makeState()
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true))
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "v", ticket: 3, name: "Ana", language: "fr", consent: .share, status: .closed,
                                                             answers: ["birth_year": .number(Fixed4(integer: 1990))])))
        #expect(screen(state).contains("Visite clôturée (lecture seule) · R rouvrir"))
        #expect(send(&state, .enter).isEmpty)
        #expect(state.mediator.editing == nil, "no edit of a closed visit")
        #expect(type(&state, "x").isEmpty)
        #expect(type(&state, "r") == [.reopenVisit(visitID: "v"), .loadVisit("v")])
    }

    @Test("Close, reopen, close again: one record queued when the first had not left; the second supersedes a sent one")
    func reopenThroughTheRuntime() throws {
        let runtime = try runtime()
        var state = makeState()
        state.mode = .mediator
        state.mediator.onDuty = "Marie Dupont"
        let visit = try runtime.database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana"))
        let answers: [String: AnswerValue] = ["commune": .text("11103")]
        _ = runtime.run(.closeVisit(visitID: visit.id, answers: answers), state: state)
        let first = try #require(try runtime.database.outboxDue().first)
        #expect(runtime.run(.reopenVisit(visitID: visit.id), state: state) == [.notice("Visite n° 1 rouverte : elle sera envoyée une seule fois, à sa nouvelle clôture.")])
        #expect(try runtime.database.outboxDue().isEmpty)
        _ = runtime.run(.closeVisit(visitID: visit.id, answers: answers), state: state)
        let second = try #require(try runtime.database.outboxDue().first)
        #expect(second.record.id != first.record.id)
        #expect(!String(decoding: second.record.payload, as: UTF8.self).contains("supersedes"))
        // Sent, then reopened and closed again: the new record names the one it replaces.
        try runtime.database.markSending([second.record.id])
        try runtime.database.markAcknowledged([second.record.id])
        _ = runtime.run(.reopenVisit(visitID: visit.id), state: state)
        _ = runtime.run(.closeVisit(visitID: visit.id, answers: answers), state: state)
        let third = try #require(try runtime.database.outboxDue().first)
        let payload = try JSONDecoder().decode(VisitRecord.self, from: third.record.payload)
        #expect(payload.supersedes == second.record.id)
        let actions = try runtime.database.auditEntries().filter { $0.by == "Marie Dupont" && $0.actor == "mediator" }.map(\.action)
        #expect(actions == ["close", "reopen", "close", "reopen", "close"])
    }

    @Test("The household, its resources and the letter's reason are personal: purged with the visit, never in its record")
    func householdNeverLeaves() throws {
        let runtime = try runtime()
        var state = makeState()
        state.mode = .mediator
        let visit = try runtime.database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana"))
        let answers: [String: AnswerValue] = [
            "commune": .text("11103"), "member_2_name": .text("Quillard Zénobie"), "member_2_birth_date": .date(LocalDate(year: 1990, month: 7, day: 2)!),
            "resources_1_wages": .number(Fixed4(integer: 12345)), "referral_reason": .text("Douleur au dos"),
        ]
        _ = runtime.run(.closeVisit(visitID: visit.id, answers: answers), state: state)
        let payload = String(decoding: try #require(try runtime.database.outboxDue().first).record.payload, as: UTF8.self)
        for secret in ["Zénobie", "1990-07-02", "12345", "Douleur", "member_", "resources_1"] { #expect(!payload.contains(secret), "\(secret)") }
        #expect(payload.contains("11103"))
    }

    @Test("A visitor corrects a letter in the middle of a typed answer: ← → move where typing goes")
    func visitorCursor() {
        var state = makeState()
        type(&state, "1"); type(&state, "1"); type(&state, "1")
        type(&state, "Anxa")
        send(&state, .left); send(&state, .backspace); type(&state, "n")
        #expect(state.visitor.input == "Anna")
        send(&state, .right); send(&state, .right)
        type(&state, "!")
        #expect(state.visitor.input == "Anna!", "at the end again")
        send(&state, .backspace)
        send(&state, .enter)
        #expect(state.visitor.flow?.answers["first_name"] == .text("Anna"))
        #expect(state.visitor.cursor == nil, "the next question starts at the end")
    }

    @Test("The queue lists the day's closed visits after the others, so that they can be reopened")
    func closedInQueue() throws {
        let runtime = try runtime()
        let first = try runtime.database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana"))
        _ = try runtime.database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Bo"))
        try runtime.database.close(visitID: first.id)
        guard case .queueLoaded(let rows)? = runtime.run(.loadQueue, state: makeState()).first else { Issue.record("no queue"); return }
        #expect(rows.map(\.name) == ["Bo", "Ana"])
        #expect(rows.map(\.status) == [.open, .closed])
    }

    @Test("O shows the letter's reason built from the visit; corrected, Enter saves it and prints the letter")
    func letterReasonEdited() {
        var state = makeState(width: 100, height: 40)
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true, mediator: "Marie Dupont"))
        let answers: [String: AnswerValue] = [
            "consent": .choice("share"), "reasons": .choices(["doctor"]), "gave_up_care": .choice("yes"), "gave_up_reasons": .choices(["money", "transport"]),
            "has_medecin_traitant": .choice("no"), "birth_year": .number(Fixed4(integer: 1980)),
        ]
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "v", ticket: 3, name: "Amina", language: "fr", consent: .share,
                                                             status: .withMediator, answers: answers)))
        // No partner chosen yet: said, nothing printed.
        #expect(type(&state, "o").isEmpty)
        #expect(state.notice?.contains("Choisissez d'abord le partenaire") == true)
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "v", ticket: 3, name: "Amina", language: "fr", consent: .share,
                                                             status: .withMediator, answers: answers.merging(["orientation": .choices(["ms-couiza"])]) { $1 })))
        #expect(type(&state, "o").isEmpty)
        #expect(state.mediator.editing?.current?.id == "referral_reason")
        let built = state.mediator.input
        #expect(built.contains("La personne est venue à la permanence pour trouver un médecin."))
        #expect(built.contains("à cause de leur coût et l'absence de transport"))
        #expect(built.contains("la déclaration d'un médecin traitant"))
        #expect(built.contains("Nous vous l'adressons pour une consultation"))
        #expect(screen(state).contains("La personne est venue"))
        type(&state, " Douleur au dos.")
        let effects = send(&state, .enter)
        #expect(effects == [.saveAnswers(visitID: "v", answers: ["referral_reason": .text(built + " Douleur au dos.")], removed: [], by: .mediator),
                            .printDocument(document: "referral-letter", visitID: "v")])
        // Escape leaves without printing.
        type(&state, "o")
        #expect(send(&state, .escape).isEmpty)
        // A word in the middle is corrected: ← moves the cursor, typing and ⌫ happen there, End goes back to the end.
        type(&state, "o")
        let saved = state.mediator.input
        for _ in 0..<" Douleur au dos.".count { send(&state, .left) }
        send(&state, .backspace)
        type(&state, " !")
        #expect(state.mediator.input == String(saved.dropLast(" Douleur au dos.".count + 1)) + " !" + " Douleur au dos.")
        #expect(screen(state).contains("▌"))
        send(&state, .home)
        type(&state, "« ")
        send(&state, .end)
        type(&state, " »")
        #expect(state.mediator.input.hasPrefix("« La personne"))
        #expect(state.mediator.input.hasSuffix("Douleur au dos. »"))
        #expect(send(&state, .escape).isEmpty)
        #expect(state.mediator.editing == nil)
    }
}
