import Foundation
import Intake
import KioskApp
import KioskStore
import Rights
import Terminal
import Testing
import TestSupport

/// "I need care now" is never silent: whom to call at once, in the visitor's language; first in the queue; counted.
@Suite("Urgent care")
struct UrgentTests {
    /// Check-in up to the reasons, choosing "I need care now" (the 4th reason).
    func urgentReason(_ language: Int) -> AppState {
        var state = makeState()
        type(&state, "\(language)"); type(&state, "1")
        type(&state, "1")
        type(&state, "Ana"); send(&state, .enter)
        type(&state, "1990"); send(&state, .enter)
        type(&state, "cou"); type(&state, "1")
        type(&state, "4"); send(&state, .enter)
        return state
    }

    @Test("The numbers to call show at once in each visitor language, then the check-in goes on", arguments: Array(1...5))
    func numbersInEachLanguage(language: Int) {
        var state = urgentReason(language)
        let code = state.language
        let texts = ContentFixtures.content.texts
        let screen = screen(state).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
        for key in ["ui.urgent.title", "ui.urgent.n15", "ui.urgent.n112", "ui.urgent.n114", "ui.urgent.n116117", "ui.urgent.n3114"] {
            let text = texts.text(key, code).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
            #expect(screen.contains(text), "\(code): \(key)")
        }
        for number in ["15", "112", "114", "116 117", "3114"] { #expect(screen.contains(number)) }
        #expect(screen.contains("PASS"))
        #expect(type(&state, "2").isEmpty, "keys other than Enter wait: the screen is read first")
        #expect(state.visitor.showingUrgent)
        send(&state, .enter)
        #expect(!state.visitor.showingUrgent)
        #expect(state.visitor.flow?.current?.id == "interpreter", "the check-in goes on")
        // Back to the reasons and forward again: not shown twice.
        send(&state, .escape)
        send(&state, .enter)
        #expect(!state.visitor.showingUrgent)
    }

    @Test("Tapped, the Continue button goes on too")
    func tapContinue() {
        var state = urgentReason(2)
        tap(&state, "Continue")
        #expect(!state.visitor.showingUrgent)
    }

    @Test("An urgent visit is first in the mediator's queue, marked, with its language and interpreter")
    func firstInQueue() throws {
        let database = try AppDatabase.inMemory()
        let runtime = KioskRuntime(database: database, content: ContentFixtures.content, engine: Fixtures.engine, config: KioskConfig(placeName: "Couiza"))
        try database.checkIn(CheckIn(language: "fr", consent: .share, displayName: "Ana",
                                     answers: [StoredAnswer(questionnaire: "checkin", questionID: "reasons", valueJSON: #"{"choices":["coverage"]}"#)]))
        try database.checkIn(CheckIn(language: "uk", consent: .share, displayName: "Petro", answers: [
            StoredAnswer(questionnaire: "checkin", questionID: "reasons", valueJSON: #"{"choices":["doctor","care_now"]}"#),
            StoredAnswer(questionnaire: "checkin", questionID: "interpreter", valueJSON: #"{"choice":"yes"}"#),
        ]))
        guard case .queueLoaded(let rows)? = runtime.run(.loadQueue, state: makeState()).first else { Issue.record("no queue"); return }
        #expect(rows.map(\.name) == ["Petro", "Ana"])
        #expect(rows.map(\.urgent) == [true, false])
        #expect(rows.first?.interpreter == true)
        var state = makeState()
        send(&state, .ctrl("e"))
        _ = KioskApp.update(&state, .pinChecked(true))
        _ = KioskApp.update(&state, .queueLoaded(rows))
        let queue = screen(state)
        let first = try #require(queue.split(separator: "\n").first { $0.contains("Petro") })
        #expect(first.contains("!2"))
        #expect(first.contains("uk+int."))
        #expect(first.contains("URGENT"))
    }

    @Test("The record says urgent and the statistics count it")
    func counted() throws {
        let (_, record) = VisitRecord.make(share: false, visitID: "v", day: "2026-11-24", ticketNumber: 1, language: "fr", createdAt: "x", closedAt: "y",
                                           answers: ["reasons": .choices(["care_now"])], questionnaires: ContentFixtures.content.questionnaires,
                                           evaluation: nil)
        #expect(record.urgent == true)
        let calm = VisitRecord.make(share: false, visitID: "v", day: "2026-11-24", ticketNumber: 1, language: "fr", createdAt: "x", closedAt: "y",
                                    answers: ["reasons": .choices(["doctor"])], questionnaires: ContentFixtures.content.questionnaires, evaluation: nil)
        #expect(calm.record.urgent == nil)
        #expect(!String(decoding: try calm.record.json(), as: UTF8.self).contains("urgent"))
    }
}
