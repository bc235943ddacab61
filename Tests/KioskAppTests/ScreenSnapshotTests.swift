import Foundation
import Intake
import KioskApp
import Rights
import Terminal
import Testing
import TestSupport

/// Each screen at 80×24 and 40×12, compared with `Snapshots/NAME-WxH.txt` (RECORD_SNAPSHOTS=1 re-records).
@Suite("Screens")
struct ScreenSnapshotTests {
    static let sizes = [(80, 24), (40, 12)]

    func sized(_ state: AppState, _ size: (Int, Int)) -> AppState {
        var copy = state
        copy.width = size.0
        copy.height = size.1
        return copy
    }

    @Test("Welcome: the languages by their own names", arguments: [0, 1])
    func welcome(size: Int) {
        assertSnapshot(sized(makeState(), Self.sizes[size]), named: "welcome")
    }

    @Test("What to do, after the language, on a day without a permanence", arguments: [0, 1])
    func home(size: Int) {
        var state = makeState(now: "2026-11-25T10:00:00+01:00")
        type(&state, "2")
        assertSnapshot(sized(state, Self.sizes[size]), named: "home")
    }

    /// The same screens for an Arabic visitor (the box offering Arabic after its five languages): right to left.
    func arabicState(now: String = "2026-11-24T10:00:00+01:00") -> AppState {
        var state = makeState(now: now)
        state.config.languages = ["fr", "en", "es", "ro", "uk", "ar", "prs"]
        type(&state, "6")
        return state
    }

    @Test("Arabic: the home screen from the right, Back on the right", arguments: [0, 1])
    func arabicHome(size: Int) {
        assertSnapshot(sized(arabicState(), Self.sizes[size]), named: "ar-home")
    }

    @Test("Arabic: consent, progress from the right, the numbers on the right", arguments: [0, 1])
    func arabicConsent(size: Int) {
        var state = arabicState()
        type(&state, "1")
        assertSnapshot(sized(state, Self.sizes[size]), named: "ar-question-consent")
    }

    @Test("Dari: a typed answer with its error, Persian letters joined", arguments: [0, 1])
    func dariTyped(size: Int) {
        var state = makeState()
        state.config.languages = ["fr", "en", "es", "ro", "uk", "ar", "prs"]
        type(&state, "7"); type(&state, "1"); type(&state, "1"); type(&state, "زهره"); send(&state, .enter)
        type(&state, "3000"); send(&state, .enter)
        assertSnapshot(sized(state, Self.sizes[size]), named: "prs-question-year-error")
    }

    @Test("A sheet to read and print: the places for care", arguments: [0, 1])
    func places(size: Int) {
        var state = makeState()
        type(&state, "1"); type(&state, "4")
        assertSnapshot(sized(state, Self.sizes[size]), named: "sheet-places")
    }

    @Test("Consent, a single-choice question", arguments: [0, 1])
    func consent(size: Int) {
        var state = makeState()
        type(&state, "1"); type(&state, "1")
        assertSnapshot(sized(state, Self.sizes[size]), named: "question-consent")
    }

    @Test("A typed answer with an error", arguments: [0, 1])
    func typedWithError(size: Int) {
        var state = makeState()
        type(&state, "1"); type(&state, "1"); type(&state, "1"); type(&state, "Ana"); send(&state, .enter)
        type(&state, "3000"); send(&state, .enter)
        assertSnapshot(sized(state, Self.sizes[size]), named: "question-year-error")
    }

    @Test("The commune with its matches", arguments: [0, 1])
    func commune(size: Int) {
        var state = makeState()
        type(&state, "1"); type(&state, "1"); type(&state, "1"); type(&state, "Ana"); send(&state, .enter); type(&state, "1990"); send(&state, .enter)
        type(&state, "ren")
        assertSnapshot(sized(state, Self.sizes[size]), named: "question-commune")
    }

    @Test("A multiple choice with ticks", arguments: [0, 1])
    func multipleChoice(size: Int) {
        var state = makeState()
        type(&state, "1"); type(&state, "1"); type(&state, "1"); type(&state, "Ana"); send(&state, .enter); type(&state, "1990"); send(&state, .enter)
        type(&state, "cou"); type(&state, "1"); type(&state, "2"); type(&state, "5")
        assertSnapshot(sized(state, Self.sizes[size]), named: "question-reasons")
    }

    @Test("I need care now: whom to call, at once", arguments: [0, 1])
    func urgent(size: Int) {
        var state = makeState()
        type(&state, "1"); type(&state, "1"); type(&state, "1"); type(&state, "Ana"); send(&state, .enter); type(&state, "1990"); send(&state, .enter)
        type(&state, "cou"); type(&state, "1"); type(&state, "4"); send(&state, .enter)
        assertSnapshot(sized(state, Self.sizes[size]), named: "urgent")
    }

    @Test("The review page", arguments: [0, 1])
    func review(size: Int) {
        var state = makeState()
        throughCheckIn(&state)
        assertSnapshot(sized(state, Self.sizes[size]), named: "review")
    }

    @Test("The ticket and the checklist", arguments: [0, 1])
    func ticket(size: Int) {
        var state = makeState()
        throughCheckIn(&state)
        confirmCheckIn(&state)
        throughRights(&state)
        send(&state, .enter)
        assertSnapshot(sized(state, Self.sizes[size]), named: "ticket")
    }

    @Test("The countdown", arguments: [0, 1])
    func countdown(size: Int) {
        var state = makeState()
        type(&state, "1"); type(&state, "1")
        wait(&state, seconds: 95)
        assertSnapshot(sized(state, Self.sizes[size]), named: "countdown")
    }

    @Test("The PIN pad", arguments: [0, 1])
    func pin(size: Int) {
        var state = makeState()
        send(&state, .ctrl("e"))
        type(&state, "12")
        assertSnapshot(sized(state, Self.sizes[size]), named: "pin")
    }

    @Test("The mediator's queue", arguments: [0, 1])
    func queue(size: Int) {
        var state = makeState()
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true))
        let created = state.now.addingTimeInterval(-25 * 60)
        _ = KioskApp.update(&state, .queueLoaded([
            QueueRow(visitID: "a", ticket: 1, name: "Ana", reasons: ["Trouver un médecin"], createdAt: created, status: .waiting),
            QueueRow(visitID: "b", ticket: 2, name: "Petro", reasons: ["Ma carte Vitale, ma couverture santé"], createdAt: created.addingTimeInterval(600), status: .open),
        ]))
        assertSnapshot(sized(state, Self.sizes[size]), named: "mediator-queue")
    }

    static let visitTabs: [(keys: String, name: String)] = [("", "mediator-visit"), ("2", "mediator-visit-identity"), ("3", "mediator-visit-household"),
                                                         ("4", "mediator-visit-follow-up"), ("5", "mediator-visit-rights"), ("x", "mediator-visit-close")]

    @Test("A visit for the mediator: each tab (answers, identity, follow-up, rights) and the close question", arguments: 0..<12)
    func visit(case index: Int) {
        let tab = Self.visitTabs[index / 2]
        var state = makeState()
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true))
        _ = KioskApp.update(&state, .visitLoaded(VisitDetail(visitID: "v", ticket: 3, name: "Ana", language: "ro", consent: .share, status: .withMediator, answers: [
            "consent": .choice("share"), "birth_year": .number(Fixed4(integer: 1990)), "base_coverage": .choice("none"),
            "has_partner": .choice("no"), "children_under_25": .number(Fixed4(integer: 1)), "resources_12_months": .number(Fixed4(integer: 14000)),
            "benefits": .choices(["none"]), "housing": .choice("tenant"), "housing_allowance": .choice("yes"),
            "residence_status": .choice("irregular"), "arrived_within_a_year": .choice("no"), "has_medecin_traitant": .choice("no"),
        ])))
        if !tab.keys.isEmpty { type(&state, tab.keys) }
        assertSnapshot(sized(state, Self.sizes[index % 2]), named: tab.name)
    }

    @Test("Sync status", arguments: [0, 1])
    func sync(size: Int) {
        var state = makeState()
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true))
        type(&state, "s")
        _ = KioskApp.update(&state, .statusLoaded(sync: ["Dossiers en attente d'envoi : 3"], printer: []))
        assertSnapshot(sized(state, Self.sizes[size]), named: "mediator-sync")
    }

    @Test("Follow-up: the start screen of an opened pack, and a dossier", arguments: [0, 1, 2, 3])
    func followUp(index: Int) {
        var state = makeState()
        state.mode = .mediator
        _ = KioskApp.update(&state, .packUnlocked(.opened(samplePack())))
        state.mediator.tab = .followUp
        state.followUp.message = nil
        if index >= 2 {
            state.followUp.screen = .dossier("d-olena")
            assertSnapshot(sized(state, Self.sizes[index % 2]), named: "mediator-followup-dossier")
        } else {
            assertSnapshot(sized(state, Self.sizes[index % 2]), named: "mediator-followup-start")
        }
    }
}
