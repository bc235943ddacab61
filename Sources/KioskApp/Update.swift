import Documents
import FollowUp
import Foundation
import Intake
import KioskStore
import Rights
import Terminal

/// The kiosk's logic: `update(state, event) -> effects`, `view(state) -> frame`.
/// Pure: no file, socket or clock; time arrives as `.tick` events, results of effects as events.
public enum KioskApp {
    /// The functional form: a new state and the effects to run.
    public static func update(_ state: AppState, _ event: AppEvent) -> (AppState, [Effect]) {
        var copy = state
        let effects = update(&copy, event)
        return (copy, effects)
    }

    /// Applies an event to the state in place; returns the effects to run.
    public static func update(_ state: inout AppState, _ event: AppEvent) -> [Effect] {
        switch event {
        case .tick(let date):
            state.now = date
            return tick(&state)
        case let .resized(width, height):
            state.width = max(0, width)
            state.height = max(0, height)
            return []
        case .input(let input):
            let countdownWasShowing = state.countdown != nil
            state.lastInput = state.now
            state.notice = nil
            // Any key or touch stops what is being read (the Listen key starts it again).
            var stop: [Effect] = []
            if state.visitor.speaking {
                state.visitor.speaking = false
                stop = [.stopSpeaking]
            }
            if countdownWasShowing { return stop }   // any touch or key answers "are you still there?"
            if state.mode == .visitor, input == .key(.function(1)) { return perform(.listen, &state) }
            return stop + handleInput(input, &state)
        case .speechEnded:
            state.visitor.speaking = false
            return []
        case let .checkInSaved(visitID, ticket):

            state.visitor.saving = false
            state.visitor.visitID = visitID
            state.visitor.ticket = ticket
            state.visitor.checkinAnswers = state.visitor.flow?.answers ?? [:]
            state.visitor.phase = .rights
            state.visitor.flow = state.content.questionnaire("health_rights").map { Flow(questionnaire: $0, context: state.flowContext) }
            resetInputs(&state.visitor.input, &state.visitor.selection, &state.visitor.checked, flow: state.visitor.flow, state: state)
            state.visitor.cursor = nil
            return []
        case .callbackSaved:
            state.visitor.saving = false
            state.visitor.flow = nil
            state.visitor.phase = .callbackSent
            return []
        case .callbacksLoaded(let stubs):
            state.mediator.callbacks = stubs
            return []
        case .queueLoaded(let rows):
            state.mediator.queue = rows
            state.mediator.selected = min(state.mediator.selected, max(0, rows.count - 1))
            return []
        case .visitLoaded(let detail):
            let sameVisit = state.mediator.visit?.visitID == detail.visitID
            state.mediator.visit = detail
            state.mediator.evaluation = evaluate(detail.answers, state)
            state.mediator.tab = .visit
            if !sameVisit { state.mediator.answerSelection = 0 }
            state.mediator.editing = nil
            return []
        case let .pinChecked(ok, name):
            state.pin.checking = false
            state.pin.entered = ""
            if ok {
                state.pin.failures = 0
                state.pin.lockedUntil = nil
                state.pin.message = nil
                state.mode = .mediator
                state.mediator = MediatorState()
                state.mediator.onDuty = name
                return [.loadQueue, .persistLockout(until: nil), .loadPackStatus]
            }
            state.pin.failures += 1
            let delay = state.config.pinPolicy.delay(afterFailures: state.pin.failures)
            if delay > 0 {
                let until = state.now.addingTimeInterval(delay)
                state.pin.lockedUntil = until
                state.pin.message = "Code incorrect. Nouvel essai possible dans \(Int(delay)) s (ou le code de secours)."
                return [.persistLockout(until: until)]
            }
            state.pin.message = "Code incorrect."
            return []
        case .packStatusLoaded(let status):
            state.followUp.status = status
            if status != .open, state.followUp.index != nil {
                state.followUp.index = nil
                state.followUp.screen = .start
            }
            // The first unlock of the day: the passphrase, right after the PIN (Esc goes on without the pack).
            if case .locked = status, state.mode == .mediator, state.followUp.index == nil, !state.followUp.skipped,
               state.mediator.tab == .queue, state.mediator.editing == nil {
                state.mediator.tab = .followUp
                state.followUp.screen = .unlock
            }
            return []
        case .packUnlocked(let result):
            state.followUp.checking = false
            switch result {
            case .opened(let index):
                state.followUp.index = index
                state.followUp.status = .open
                state.followUp.openedDay = state.today.description
                state.followUp.screen = .start
                state.followUp.waitUntil = nil
                state.followUp.message = followUpText(state, "opened", ["count": .integer(index.count)])
            case let .refused(reason, until):
                state.followUp.waitUntil = until
                state.followUp.message = followUpText(state, "refused.\(reason)\(reason == "wrong" && until != nil ? "_wait" : "")", ["time": .text(until.map(clockTime) ?? "")])
            }
            return []
        case let .followUpRecorded(index, dossier, message):
            if let index { state.followUp.index = index }
            if let dossier, state.mediator.tab == .followUp { state.followUp.screen = .dossier(dossier) }
            state.followUp.message = message
            return []
        case .notice(let message):
            state.notice = message
            return []
        case .contentInstalled(let version):
            state.pendingContentVersion = version
            return []
        case .printJobsChanged(let visitID):
            // Reload the open visit to show how its print ended (reprint: the same key again).
            guard state.mode == .mediator, state.mediator.visit?.visitID == visitID, state.mediator.editing == nil else { return [] }
            return [.loadVisit(visitID)]
        case let .statusLoaded(sync, printer):
            state.mediator.syncInfo = sync
            state.mediator.printerInfo = printer
            return []
        case .effectFailed(let message):
            state.notice = message
            state.visitor.saving = false
            state.pin.checking = false
            return []
        }
    }

    /// A key or a touch, on the screen of the current mode.
    static func handleInput(_ input: InputEvent, _ state: inout AppState) -> [Effect] {
        if case .mouse(let mouse) = input {
            guard mouse.kind == .press, mouse.button == .left else { return [] }
            let frame = view(state)
            guard let action = frame.regions.last(where: { $0.rect.contains(x: mouse.x, y: mouse.y) })?.action else { return [] }
            return perform(action, &state)
        }
        switch state.mode {
        case .visitor: return visitorInput(input, &state)
        case .pinEntry: return pinInput(input, &state)
        case .mediator: return mediatorInput(input, &state)
        }
    }

    // MARK: - Time

    static func tick(_ state: inout AppState) -> [Effect] {
        let idle = state.now.timeIntervalSince(state.lastInput)
        switch state.mode {
        case .visitor:
            if state.followUp.openedDay != nil, state.followUp.openedDay != state.today.description { return dropPackAtDayEnd(&state) }
            if state.visitor.phase == .welcome, state.pendingContentVersion != nil, state.config.restartsForNewContent,
               idle >= state.config.restartIdleSeconds {
                return [.restartForNewContent]
            }
            guard state.visitor.phase != .welcome, idle >= state.config.inactivitySeconds + state.config.countdownSeconds else { return [] }
            return wipeVisitor(&state)
        case .pinEntry:
            if idle >= state.config.inactivitySeconds {
                state.mode = .visitor
                state.pin.entered = ""
            }
            return []
        case .mediator:
            if idle >= state.config.mediatorLockSeconds { lock(&state) }
            // The sync and printer screens are live: their state is asked again every three seconds while shown.
            if state.mode == .mediator, [.sync, .printer].contains(state.mediator.tab), state.mediator.visit == nil,
               state.now.timeIntervalSince(state.mediator.statusAskedAt ?? .distantPast) >= 3 {
                state.mediator.statusAskedAt = state.now
                return [.loadStatus] + dropPackAtDayEnd(&state)
            }
            return dropPackAtDayEnd(&state)
        }
    }

    /// Back to the welcome screen: answers not confirmed are gone; a confirmed check-in stays, in the queue.
    static func wipeVisitor(_ state: inout AppState) -> [Effect] {
        var effects: [Effect] = []
        if let visitID = state.visitor.visitID, state.visitor.phase == .rights {
            effects.append(.setStatus(visitID: visitID, status: .waiting))
        }
        if state.visitor.speaking { effects.append(.stopSpeaking) }
        state.visitor = VisitorState()
        state.language = "fr"
        state.lastInput = state.now
        return effects
    }

    static func lock(_ state: inout AppState) {
        state.mode = .visitor
        state.mediator = MediatorState()
        state.pin.entered = ""
        // The pack stays open for the day; what was on its screens goes.
        state.followUp.screen = .start
        state.followUp.search = ""
        state.followUp.passphrase = ""
        state.followUp.message = nil
        state.followUp.results = []
        state.followUp.skipped = false
    }

    /// A new day: the pack's key is dropped (the passphrase again at the first unlock).
    static func dropPackAtDayEnd(_ state: inout AppState) -> [Effect] {
        guard let opened = state.followUp.openedDay, opened != state.today.description else { return [] }
        state.followUp.index = nil
        state.followUp.openedDay = nil
        state.followUp.status = .unknown
        if state.mediator.tab == .followUp { state.followUp.screen = .unlock }
        return [.lockPack, .loadPackStatus]
    }

    // MARK: - Visitor

    static func visitorInput(_ input: InputEvent, _ state: inout AppState) -> [Effect] {
        if case .key(let key) = input {
            switch key {
            case .ctrl("c"), .ctrl("z"), .ctrl("\\"), .ctrl("d"):
                return []   // visitor mode cannot be left
            case .ctrl("e"), .function(12):
                return openPIN(&state)
            default:
                break
            }
        }
        if state.visitor.showingUrgent {
            // Whom to call stays until read: Enter (or the button) goes on with the check-in.
            return readingInput(input, enter: .dismissUrgent, &state)
        }
        switch state.visitor.phase {
        case .welcome:
            let languages = state.config.languages
            guard case .key(let key) = input else { return [] }
            switch key {
            case .character(let character):
                if let digit = character.wholeNumberValue, (1...languages.count).contains(digit) { return perform(.language(languages[digit - 1]), &state) }
            case .up: state.visitor.languageSelection = max(0, state.visitor.languageSelection - 1)
            case .down, .tab: state.visitor.languageSelection = min(languages.count - 1, state.visitor.languageSelection + 1)
            case .enter: return perform(.language(languages[state.visitor.languageSelection]), &state)
            default: break
            }
            return []
        case .home:
            let choices = homeChoices(state)
            return listInput(input, count: choices.count, &state) { .home(choices[$0]) } escape: { .finish }
        case .papersChoice:
            return listInput(input, count: AppState.paperRights.count, &state) { .papersFor(AppState.paperRights[$0]) } escape: { .backHome }
        case .checkin, .rights, .selfCheck, .callback:
            let snapshot = state
            return withVisitorFlow(&state) { flow, fields in
                questionInput(input, flow: &flow, fields: &fields, language: snapshot.language, state: snapshot)
            }
        case .ticket, .callbackSent:
            return readingInput(input, enter: .finish, &state)
        case .sheet:
            if case .key(let key) = input, [.escape, .backspace, .left].contains(key) { return perform(.backHome, &state) }
            return readingInput(input, enter: .printSheet, &state)
        }
    }

    /// What the screen after the language offers: check in first (or leave a request when the team is not here today),
    /// then what a visitor can do alone.
    static func homeChoices(_ state: AppState) -> [HomeChoice] { HomeChoice.allCases }

    /// A list of choices: its digits, ↑↓ and Enter choose; Escape (or ←, Backspace) goes back.
    static func listInput(_ input: InputEvent, count: Int, _ state: inout AppState, choose: (Int) -> Action, escape: () -> Action) -> [Effect] {
        guard case .key(let key) = input, count > 0 else { return [] }
        switch key {
        case .character(let character):
            if let digit = character.wholeNumberValue, (1...count).contains(digit) { return perform(choose(digit - 1), &state) }
        case .up: state.visitor.selection = max(0, state.visitor.selection - 1)
        case .down, .tab: state.visitor.selection = min(count - 1, state.visitor.selection + 1)
        case .enter: return perform(choose(min(state.visitor.selection, count - 1)), &state)
        case .escape, .left, .backspace: return perform(escape(), &state)
        default: break
        }
        return []
    }

    /// A screen to read (the ticket, whom to call): ↑↓ scroll it, Enter does its one action.
    static func readingInput(_ input: InputEvent, enter action: Action, _ state: inout AppState) -> [Effect] {
        switch input {
        case .key(.enter): return perform(action, &state)
        case .key(.down): state.visitor.scroll += 1
        case .key(.up): state.visitor.scroll = max(0, state.visitor.scroll - 1)
        default: break
        }
        return []
    }

    static func openPIN(_ state: inout AppState) -> [Effect] {
        state.mode = .pinEntry
        state.pin.entered = ""
        if let until = state.pin.lockedUntil, until > state.now {
            state.pin.message = waitMessage(until)
        } else {
            state.pin.message = nil
        }
        return []
    }

    static func confirmVisitorReview(_ state: inout AppState) -> [Effect] {
        guard let flow = state.visitor.flow, !state.visitor.saving else { return [] }
        switch state.visitor.phase {
        case .checkin:
            let consent: Consent = flow.answers["consent"] == .choice("box_only") ? .boxOnly : .share
            var name: String?
            if case .text(let value)? = flow.answers["first_name"] { name = value }
            state.visitor.saving = true
            return [.saveCheckIn(language: state.language, consent: consent, displayName: name, answers: flow.answers)]
        case .selfCheck:
            // The rights check alone: evaluated here, shown, printed on request; nothing is stored.
            state.visitor.evaluation = evaluate(flow.answers, state)
            state.visitor.flow = nil
            state.visitor.scroll = 0
            state.visitor.phase = .sheet(.rights)
            return []
        case .callback:
            guard flow.answers["callback_consent"] == .choice("yes"), case .text(let name)? = flow.answers["callback_name"],
                  case .text(let phone)? = flow.answers["callback_phone"] else {
                // No consent: nothing is kept; back to what the box offers.
                state.visitor.flow = nil
                state.visitor.phase = .home
                state.visitor.selection = 0
                state.notice = state.ui("ui.callback.not_kept", in: state.language)
                return []
            }
            var language = state.language
            if case .choice(let chosen)? = flow.answers["callback_language"] { language = chosen }
            var moment = "any"
            if case .choice(let chosen)? = flow.answers["callback_moment"] { moment = chosen }
            state.visitor.saving = true
            return [.saveCallback(CallbackRequest(name: name, phone: phone, language: language, moment: moment))]
        case .rights:
            guard let visitID = state.visitor.visitID else { return [] }
            let answers = state.visitor.checkinAnswers.merging(flow.answers) { $1 }
            state.visitor.evaluation = evaluate(answers, state)
            state.visitor.phase = .ticket
            var effects: [Effect] = [.saveAnswers(visitID: visitID, answers: flow.answers, removed: [], by: .visitor),
                                     .setStatus(visitID: visitID, status: .waiting)]
            if let ticket = state.visitor.ticket { effects.append(.printTicket(number: ticket, language: state.language)) }
            return effects
        default:
            return []
        }
    }

    /// The rights evaluation of a set of answers, on today's date (pure).
    public static func evaluate(_ answers: [String: AnswerValue], _ state: AppState) -> Evaluation? {
        let situation = SituationBuilder.build(answers: answers, questionnaires: state.content.questionnaires,
                                               date: state.today, territory: state.config.territory)
        return try? state.engine.evaluate(situation)
    }

    // MARK: - One question, for the visitor and the mediator alike

    struct InputFields {
        var input: String
        var selection: Int
        var checked: Set<Int>
        var error: String?
        /// Where typing goes in `input` (characters before it); nil: at the end.
        var cursor: Int?

        /// Inserts at the cursor.
        mutating func insert(_ text: String) {
            guard let at = cursor else { input += text; return }
            let index = input.index(input.startIndex, offsetBy: min(at, input.count))
            input.insert(contentsOf: text, at: index)
            cursor = at + text.count
        }

        /// Erases the character before the cursor; false when there is none.
        mutating func eraseBack() -> Bool {
            let at = cursor ?? input.count
            guard at > 0 else { return false }
            input.remove(at: input.index(input.startIndex, offsetBy: at - 1))
            if cursor != nil { cursor = at - 1 }
            return true
        }

        /// Moves the cursor by `offset` characters (at the end it is nil again).
        mutating func move(_ offset: Int) {
            let at = max(0, min(input.count, (cursor ?? input.count) + offset))
            cursor = at == input.count ? nil : at
        }
    }

    enum QuestionOutcome { case none, moved, confirmed, backFromStart }

    /// Handles a key on a question or review screen of a flow.
    static func questionInput(_ input: InputEvent, flow: inout Flow, fields: inout InputFields, language: String, state: AppState) -> QuestionOutcome {
        let before = flow.position
        guard let question = flow.current else {
            // Review page.
            guard case .key(let key) = input else { return .none }
            let entries = flow.review
            switch key {
            case .enter: return .confirmed
            case .escape, .left: flow.back(); return .moved
            case .up: fields.selection = max(0, fields.selection - 1)
            case .down: fields.selection = min(max(0, entries.count - 1), fields.selection + 1)
            case .character(let character):
                if let digit = character.wholeNumberValue, digit >= 1, digit <= min(9, entries.count) {
                    flow.edit(entries[digit - 1].question.id)
                    return .moved
                }
            default: break
            }
            return .none
        }
        func answer(_ value: AnswerValue) -> QuestionOutcome { answerFlow(&flow, value, &fields, language, state.content.texts) }
        func back() -> QuestionOutcome {
            let start = flow.position
            flow.back()
            return flow.position == start ? .backFromStart : .moved
        }
        if case .paste(let text) = input, question.type.isTyped {
            fields.insert(String(text.filter { $0 != "\n" && $0 != "\r" }))
            return .none
        }
        guard case .key(let key) = input else { return .none }
        switch key {
        case .escape: return back()
        case .function(2): if !question.required { flow.dontKnow(); return .moved }
        case .function(3): if !question.required { flow.skip(); return .moved }
        default: break
        }
        let choices = question.displayedChoices
        switch question.type {
        case .singleChoice, .yesNo:
            switch key {
            case .character(let character):
                if character == "0", !question.required { flow.dontKnow(); return .moved }
                if let digit = character.wholeNumberValue, (1...choices.count).contains(digit) { return answer(.choice(choices[digit - 1].value)) }
            case .up: fields.selection = max(0, fields.selection - 1)
            case .down, .tab: fields.selection = min(choices.count - 1, fields.selection + 1)
            case .enter: if choices.indices.contains(fields.selection) { return answer(.choice(choices[fields.selection].value)) }
            case .left, .backspace: return back()
            default: break
            }
        case .multipleChoice:
            switch key {
            case .character(let character):
                if character == "0", !question.required { flow.dontKnow(); return .moved }
                if let digit = character.wholeNumberValue, (1...choices.count).contains(digit) { fields.checked.formSymmetricDifference([digit - 1]) }
                if character == " " { fields.checked.formSymmetricDifference([fields.selection]) }
            case .up: fields.selection = max(0, fields.selection - 1)
            case .down, .tab: fields.selection = min(choices.count - 1, fields.selection + 1)
            case .enter:
                return answer(.choices(fields.checked.sorted().map { choices[$0].value }))
            case .left, .backspace: return back()
            default: break
            }
        case .commune:
            let matches = Array(state.content.communes.search(fields.input).prefix(6))
            switch key {
            case .character(let character):
                if let digit = character.wholeNumberValue, !fields.input.isEmpty {
                    if (1...matches.count).contains(digit) { return answer(.text(matches[digit - 1].id)) }
                } else if !character.isNumber {
                    fields.input.append(character)
                    fields.selection = 0
                }
            case .backspace:
                if fields.input.isEmpty { return back() }
                fields.input.removeLast()
                fields.selection = 0
            case .up: fields.selection = max(0, fields.selection - 1)
            case .down, .tab: fields.selection = min(max(0, matches.count - 1), fields.selection + 1)
            case .enter:
                if matches.indices.contains(fields.selection), !fields.input.isEmpty { return answer(.text(matches[fields.selection].id)) }
                fields.error = state.content.texts.render(AnswerProblem.unknownCommune.message, language)
            default: break
            }
        case .text, .number, .year, .date:
            switch key {
            case .character(let character): fields.insert(String(character))
            case .ctrl("u"): fields.input = ""; fields.cursor = nil
            // The cursor moves within what was typed: a word in the middle can be corrected.
            case .left: fields.move(-1)
            case .right: fields.move(1)
            case .home: fields.cursor = fields.input.isEmpty ? nil : 0
            case .end: fields.cursor = nil
            case .delete:
                if let at = fields.cursor, at < fields.input.count {
                    fields.input.remove(at: fields.input.index(fields.input.startIndex, offsetBy: at))
                    if at == fields.input.count { fields.cursor = nil }
                }
            case .backspace:
                if fields.input.isEmpty { return back() }
                _ = fields.eraseBack()
            case .enter:
                do {
                    let value = try Flow.parse(fields.input, for: question, context: state.flowContext)
                    return answer(value)
                } catch {
                    fields.error = state.content.texts.render(error.message, language)
                }
            default: break
            }
        }
        return flow.position == before ? .none : .moved
    }

    /// Fills the input fields from the answer already given to the current question (after Back).
    static func resetInputs(_ input: inout String, _ selection: inout Int, _ checked: inout Set<Int>, flow: Flow?, state: AppState) {
        input = ""
        selection = 0
        checked = []
        guard let flow, let question = flow.current, let answer = flow.answers[question.id] else { return }
        let values = question.displayedChoices.map(\.value)
        switch answer {
        case .choice(let value): selection = values.firstIndex(of: value) ?? 0
        case .choices(let list): checked = Set(list.compactMap { values.firstIndex(of: $0) })
        case .number(let number): input = number.description
        case .date(let date): input = String(format: "%02d/%02d/%04d", date.day, date.month, date.year)
        case .text(let text): input = question.type == .commune ? (state.content.communes.commune(id: text)?.name ?? text) : text
        case .dontKnow, .skipped: break
        }
    }

    // MARK: - Actions (taps, and keys that mean the same)

    static func perform(_ action: Action, _ state: inout AppState) -> [Effect] {
        switch state.mode {
        case .pinEntry: return pinAction(action, &state)
        case .mediator: return mediatorAction(action, &state)
        case .visitor: break
        }
        switch action {
        case .language(let code):
            state.language = code
            state.visitor = VisitorState()
            state.visitor.phase = .home
            return []
        case .home(let choice):
            state.visitor.selection = 0
            state.visitor.scroll = 0
            state.visitor.error = nil
            func start(_ phase: VisitorState.Phase, _ questionnaire: Questionnaire?) {
                state.visitor.phase = phase
                state.visitor.flow = questionnaire.map { Flow(questionnaire: $0, context: state.flowContext) }
                resetInputs(&state.visitor.input, &state.visitor.selection, &state.visitor.checked, flow: state.visitor.flow, state: state)
                state.visitor.cursor = nil
            }
            switch choice {
            case .checkin: start(.checkin, state.content.questionnaire("checkin"))
            case .rights: start(.selfCheck, state.content.questionnaire("health_rights").map(\.aloneAtTheBox))
            case .papers: state.visitor.phase = .papersChoice
            case .places: state.visitor.phase = .sheet(.places)
            case .callback: start(.callback, state.content.questionnaire("callback"))
            case .urgent:
                state.visitor.showingUrgent = true
                state.visitor.urgentFromHome = true
            }
            return []
        case .papersFor(let right):
            state.visitor.scroll = 0
            state.visitor.phase = .sheet(.papers(right))
            return []
        case .printSheet:
            guard case .sheet(let kind) = state.visitor.phase else { return [] }
            let language = state.language
            return [.printSheet(french: state.sheet(kind, in: "fr"), other: language == "fr" ? nil : state.sheet(kind, in: language), language: language)]
        case .backHome:
            state.visitor.flow = nil
            state.visitor.evaluation = nil
            state.visitor.phase = .home
            state.visitor.selection = 0
            state.visitor.scroll = 0
            return []
        case .finish:
            state.visitor = VisitorState()
            state.language = "fr"
            return []
        case .listen:
            let parts = state.spokenScreen()
            guard state.visitor.phase == .welcome ? state.canListenToLanguages : state.canListen, !parts.isEmpty else { return [] }
            state.visitor.speaking = true
            return [.speak(parts)]
        case .stillHere:
            return []
        case .dismissUrgent:
            state.visitor.showingUrgent = false
            state.visitor.urgentFromHome = false
            state.visitor.scroll = 0
            return []
        default:
            let snapshot = state
            return withVisitorFlow(&state) { flow, fields in
                flowAction(action, flow: &flow, fields: &fields, language: snapshot.language, state: snapshot)
            }
        }
    }

    /// Runs one step (a key or a tap) on the visitor's flow and its input fields, then applies the outcome:
    /// a new question shows its previous answer, a confirmed review saves.
    static func withVisitorFlow(_ state: inout AppState, _ step: (inout Flow, inout InputFields) -> QuestionOutcome) -> [Effect] {
        guard var flow = state.visitor.flow else { return [] }
        var fields = InputFields(input: state.visitor.input, selection: state.visitor.selection, checked: state.visitor.checked, cursor: state.visitor.cursor)
        let outcome = step(&flow, &fields)
        state.visitor.flow = flow
        state.visitor.input = fields.input
        state.visitor.cursor = fields.cursor
        state.visitor.selection = fields.selection
        state.visitor.checked = fields.checked
        state.visitor.error = fields.error
        switch outcome {
        case .moved:
            resetInputs(&state.visitor.input, &state.visitor.selection, &state.visitor.checked, flow: flow, state: state)
            state.visitor.cursor = nil
            // "I need care now": whom to call, at once, then the check-in goes on.
            if !state.visitor.urgentShown, Questionnaire.isUrgent(flow.answers, in: [flow.questionnaire]) {
                state.visitor.showingUrgent = true
                state.visitor.urgentShown = true
            }
        case .confirmed: return confirmVisitorReview(&state)
        case .backFromStart:
            // Back from the first question: to what the box offers (a saved check-in's rights questions stay).
            if [.checkin, .selfCheck, .callback].contains(state.visitor.phase) { return perform(.backHome, &state) }
        case .none: break
        }
        return []
    }

    /// The same for the answer the mediator is editing: leaving the question ends the edit and saves.
    static func withEditingFlow(_ state: inout AppState, _ step: (inout Flow, inout InputFields) -> QuestionOutcome) -> [Effect] {
        guard var flow = state.mediator.editing else { return [] }
        var fields = InputFields(input: state.mediator.input, selection: state.mediator.editSelection, checked: state.mediator.editChecked,
                                 cursor: state.mediator.editCursor)
        let outcome = step(&flow, &fields)
        state.mediator.input = fields.input
        state.mediator.editCursor = fields.cursor
        state.mediator.editSelection = fields.selection
        state.mediator.editChecked = fields.checked
        state.mediator.error = fields.error
        if outcome == .moved || outcome == .backFromStart { return finishEditing(flow, &state) }
        state.mediator.editing = flow
        return []
    }

    /// Taps on a question screen: the same as the keys.
    static func flowAction(_ action: Action, flow: inout Flow, fields: inout InputFields, language: String, state: AppState) -> QuestionOutcome {
        switch action {
        case .choose(let index):
            if flow.current?.type == .commune {
                let matches = Array(state.content.communes.search(fields.input).prefix(6))
                guard matches.indices.contains(index) else { return .none }
                return answerFlow(&flow, .text(matches[index].id), &fields, language, state.content.texts)
            }
            guard let choices = flow.current?.displayedChoices, choices.indices.contains(index) else { return .none }
            return answerFlow(&flow, .choice(choices[index].value), &fields, language, state.content.texts)
        case .toggle(let index):
            fields.checked.formSymmetricDifference([index])
            fields.selection = index
            return .none
        case .next:
            return questionInput(.key(.enter), flow: &flow, fields: &fields, language: language, state: state)
        case .back:
            let start = flow.position
            flow.back()
            return flow.position == start ? .backFromStart : .moved
        case .dontKnow:
            flow.dontKnow()
            return .moved
        case .skip:
            flow.skip()
            return .moved
        case .edit(let id):
            flow.edit(id)
            return .moved
        case .confirm:
            return flow.position == .review ? .confirmed : .none
        default:
            return .none
        }
    }

    static func answerFlow(_ flow: inout Flow, _ value: AnswerValue, _ fields: inout InputFields, _ language: String, _ texts: TextCatalogue) -> QuestionOutcome {
        do {
            try flow.answer(value)
            return .moved
        } catch {
            fields.error = texts.render(error.message, language)
            return .none
        }
    }

    // MARK: - PIN

    static func pinInput(_ input: InputEvent, _ state: inout AppState) -> [Effect] {
        guard case .key(let key) = input else { return [] }
        switch key {
        case .character(let character) where character.isNumber: return pinAction(.pinKey(character), &state)
        case .backspace: return pinAction(.pinErase, &state)
        case .enter: return pinAction(.pinSubmit, &state)
        case .escape, .ctrl("c"): return pinAction(.pinCancel, &state)
        default: return []
        }
    }

    static func pinAction(_ action: Action, _ state: inout AppState) -> [Effect] {
        let locked = state.pin.lockedUntil.map { $0 > state.now } ?? false
        switch action {
        case .pinCancel:
            state.mode = .visitor
            state.pin.entered = ""
            return []
        case .pinKey(let character):
            // Typing is always possible (a recovery code is accepted while waiting); only a PIN's try waits.
            guard !state.pin.checking, state.pin.entered.count < 24 else { return [] }
            state.pin.entered.append(character)
        case .pinErase:
            if !state.pin.entered.isEmpty { state.pin.entered.removeLast() }
        case .pinSubmit:
            if locked, state.pin.entered.count < PINPolicy.recoveryLength {
                state.pin.message = waitMessage(state.pin.lockedUntil!)
                return []
            }
            guard !state.pin.entered.isEmpty, !state.pin.checking else { return [] }
            state.pin.checking = true
            return [.checkPIN(state.pin.entered)]
        default:
            break
        }
        return []
    }

    // MARK: - Mediator

    static func mediatorInput(_ input: InputEvent, _ state: inout AppState) -> [Effect] {
        guard case .key(let key) = input else { return [] }
        if state.mediator.editing != nil {
            if key == .escape {
                state.mediator.editing = nil
                state.mediator.printAfterEditing = nil
                return []
            }
            let snapshot = state
            return withEditingFlow(&state) { flow, fields in
                questionInput(input, flow: &flow, fields: &fields, language: "fr", state: snapshot)
            }
        }
        switch state.mediator.tab {
        case .followUp:
            return followUpInput(key, &state)
        case .queue:
            switch key {
            case .character("d"), .function(7): return enterFollowUp(&state)
            case .up: state.mediator.selected = max(0, state.mediator.selected - 1)
            case .down: state.mediator.selected = min(max(0, state.mediator.queue.count - 1), state.mediator.selected + 1)
            case .enter: return mediatorAction(.openVisit(state.mediator.selected), &state)
            case .character("s"), .function(5): return mediatorAction(.mediatorScreen(.sync), &state)
            case .character("p"), .function(6): return mediatorAction(.mediatorScreen(.printer), &state)
            case .character("r"): return [.loadQueue]
            case .character("l"), .escape: return mediatorAction(.lock, &state)
            case .character("q"): return mediatorAction(.quit, &state)
            default: return []
            }
            return []
        case .visit:
            if state.mediator.confirmingClose {
                switch key {
                case .enter, .character("o"), .character("O"): return mediatorAction(.confirmClose, &state)
                case .escape, .character("n"), .character("N"): return mediatorAction(.cancelClose, &state)
                default: return []
                }
            }
            let entries = mediatorEntries(state)
            let tabs = MediatorState.VisitTab.allCases
            let tabIndex = tabs.firstIndex(of: state.mediator.visitTab) ?? 0
            switch key {
            case .tab, .right: return mediatorAction(.visitTab(tabs[(tabIndex + 1) % tabs.count]), &state)
            case .backTab, .left: return mediatorAction(.visitTab(tabs[(tabIndex + tabs.count - 1) % tabs.count]), &state)
            case .character(let character) where character.wholeNumberValue.map({ (1...tabs.count).contains($0) }) == true:
                return mediatorAction(.visitTab(tabs[character.wholeNumberValue! - 1]), &state)
            case .up where state.mediator.visitTab == .rights: state.mediator.rightsScroll = max(0, state.mediator.rightsScroll - 1)
            case .down where state.mediator.visitTab == .rights: state.mediator.rightsScroll += 1
            case .pageDown where state.mediator.visitTab == .rights: state.mediator.rightsScroll += max(1, state.height - 6)
            case .pageUp where state.mediator.visitTab == .rights: state.mediator.rightsScroll = max(0, state.mediator.rightsScroll - max(1, state.height - 6))
            case .up: state.mediator.answerSelection = max(0, state.mediator.answerSelection - 1)
            case .down: state.mediator.answerSelection = min(max(0, entries.count - 1), state.mediator.answerSelection + 1)
            case .enter: return mediatorAction(.selectAnswer(state.mediator.answerSelection), &state)
            case .escape: return mediatorAction(.mediatorScreen(.queue), &state)
            case .character("c"): return mediatorAction(.print("cerfa-12504"), &state)
            case .character("a"): return mediatorAction(.print("cerfa-11573"), &state)
            case .character("m"): return mediatorAction(.print("cerfa-12485"), &state)
            case .character("u"): return mediatorAction(.print("puma-request"), &state)
            case .character("k"): return mediatorAction(.print("checklist"), &state)
            case .character("o"): return mediatorAction(.print("referral-letter"), &state)
            case .character("x"): return mediatorAction(.closeVisit, &state)
            case .character("d"), .function(7): return enterFollowUp(&state)
            case .character("r"): return mediatorAction(.reopenVisit, &state)
            default: return []
            }
            return []
        case .sync, .printer:
            switch key {
            case .escape: return mediatorAction(.mediatorScreen(.queue), &state)
            case .character("n") where state.mediator.tab == .sync: return mediatorAction(.syncNow, &state)
            case .character("t") where state.mediator.tab == .printer: return mediatorAction(.printTestPage, &state)
            case .character("h") where state.mediator.tab == .printer: return mediatorAction(.testSpeaker, &state)
            case .character("r"): return [.loadStatus]
            default: return []
            }
        }
    }

    static func mediatorAction(_ action: Action, _ state: inout AppState) -> [Effect] {
        if state.mediator.editing != nil {
            let snapshot = state
            return withEditingFlow(&state) { flow, fields in
                flowAction(action, flow: &flow, fields: &fields, language: "fr", state: snapshot)
            }
        }
        switch action {
        case .openVisit(let index):
            guard state.mediator.queue.indices.contains(index) else { return [] }
            state.mediator.selected = index
            let row = state.mediator.queue[index]
            var effects: [Effect] = [.loadVisit(row.visitID)]
            if row.status == .waiting { effects.insert(.setStatus(visitID: row.visitID, status: .withMediator), at: 0) }
            return effects
        case .visitTab(let tab):
            state.mediator.visitTab = tab
            state.mediator.answerSelection = 0
            state.mediator.rightsScroll = 0
            return []
        case .mediatorScreen(let tab):
            state.mediator.tab = tab
            state.mediator.confirmingClose = false
            if tab == .queue {
                state.mediator.visit = nil
                return [.loadQueue]
            }
            state.mediator.statusAskedAt = state.now
            return [.loadStatus]
        case .selectAnswer(let index):
            let entries = mediatorEntries(state)
            // A closed visit is read only (R reopens it).
            guard entries.indices.contains(index), let visit = state.mediator.visit, visit.status != .closed,
                  let questionnaire = questionnaire(containing: entries[index].id, state) else { return [] }
            var flow = Flow(questionnaire: questionnaire, context: state.flowContext, answers: visit.answers)
            flow.edit(entries[index].id)
            guard flow.current?.id == entries[index].id else { return [] }
            state.mediator.answerSelection = index
            state.mediator.editing = flow
            resetInputs(&state.mediator.input, &state.mediator.editSelection, &state.mediator.editChecked, flow: flow, state: state)
            state.mediator.editCursor = nil
            return []
        case .print(let document):
            guard let visit = state.mediator.visit else { return [] }
            if document == "referral-letter", visit.status != .closed {
                // The letter's reason is shown first, built from the visit (or as last corrected): Enter prints it.
                guard case .choices(let services)? = visit.answers["orientation"], let first = services.first(where: { $0 != "none" }) else {
                    state.notice = state.ui("mediator.letter_needs_orientation", in: "fr")
                    return []
                }
                var flow = Flow(questionnaire: state.mediatorQuestionnaire, context: state.flowContext, answers: visit.answers)
                flow.edit(MediatorQuestions.referralReason)
                guard flow.current?.id == MediatorQuestions.referralReason else { return [] }
                state.mediator.editing = flow
                resetInputs(&state.mediator.input, &state.mediator.editSelection, &state.mediator.editChecked, flow: flow, state: state)
                state.mediator.editCursor = nil
                if state.mediator.input.isEmpty {
                    let kind = state.content.services.first { $0.id == first }?.kind
                    state.mediator.input = ReferralText.reason(answers: visit.answers, evaluation: state.mediator.evaluation, serviceKind: kind,
                                                               texts: state.content.texts)
                }
                state.mediator.printAfterEditing = document
                return []
            }
            return [.printDocument(document: document, visitID: visit.visitID)]
        case .closeVisit:
            guard let visit = state.mediator.visit, visit.status != .closed else { return [] }
            state.mediator.confirmingClose = true
            return []
        case .cancelClose:
            state.mediator.confirmingClose = false
            return []
        case .confirmClose:
            guard state.mediator.confirmingClose, let visit = state.mediator.visit else { return [] }
            state.mediator.confirmingClose = false
            state.mediator.visit = nil
            state.mediator.tab = .queue
            return [.closeVisit(visitID: visit.visitID, answers: visit.answers), .loadQueue]
        case .reopenVisit:
            guard let visit = state.mediator.visit, visit.status == .closed else { return [] }
            return [.reopenVisit(visitID: visit.visitID), .loadVisit(visit.visitID)]
        case .lock:
            lock(&state)
            return []
        case .syncNow:
            return [.syncNow]
        case .printTestPage:
            return [.printTestPage]
        case .testSpeaker:
            return [.speak([SpokenPart(language: "fr", text: state.ui("mediator.speaker_test", in: "fr"))])]
        case .quit:
            return state.config.allowQuit ? [.quit] : []
        default:
            return []
        }
    }

    /// Saves an edited answer (and any answers it made irrelevant) and recomputes the evaluation.
    static func finishEditing(_ flow: Flow, _ state: inout AppState) -> [Effect] {
        state.mediator.editing = nil
        let print = state.mediator.printAfterEditing
        state.mediator.printAfterEditing = nil
        guard let visit = state.mediator.visit else { return [] }
        var effects = saveEdit(flow, &state)
        // The letter's reason confirmed: it prints (after the save, which the print reads).
        if let print, flow.answers[MediatorQuestions.referralReason] != nil { effects.append(.printDocument(document: print, visitID: visit.visitID)) }
        return effects
    }

    static func saveEdit(_ flow: Flow, _ state: inout AppState) -> [Effect] {
        guard var visit = state.mediator.visit else { return [] }
        let questionIDs = Set(flow.questionnaire.questions.map(\.id))
        let before = visit.answers.filter { questionIDs.contains($0.key) }
        let after = flow.answers.filter { questionIDs.contains($0.key) }
        let changed = after.filter { before[$0.key] != $0.value }
        let removed = before.keys.filter { after[$0] == nil }.sorted()
        guard !changed.isEmpty || !removed.isEmpty else { return [] }
        for (key, value) in changed { visit.answers[key] = value }
        for key in removed { visit.answers[key] = nil }
        state.mediator.visit = visit
        state.mediator.evaluation = evaluate(visit.answers, state)
        return [.saveAnswers(visitID: visit.visitID, answers: changed, removed: removed, by: .mediator)]
    }

    /// The questions the mediator sees on the visit screen's tab, in order: every question on the path of the visitor's
    /// questionnaires (answers), of the mediator's identity section, or of the mediator's follow-up (the other sections).
    static func mediatorEntries(_ state: AppState) -> [(id: String, label: String, answer: String)] {
        guard let visit = state.mediator.visit else { return [] }
        let questionnaires: [Questionnaire]
        var sections: Set<String>?
        switch state.mediator.visitTab {
        case .answers: questionnaires = state.content.questionnaires.filter { $0.id != "callback" }
        case .identity: questionnaires = [state.mediatorQuestionnaire]; sections = ["identity"]
        case .household: questionnaires = [state.mediatorQuestionnaire]; sections = ["household"]
        case .followUp: questionnaires = [state.mediatorQuestionnaire]; sections = Set(state.mediatorQuestionnaire.sections.map(\.id)).subtracting(["identity", "household"])
        case .rights: return []
        }
        return questionnaires.flatMap { questionnaire in
            Flow.relevantQuestions(questionnaire, visit.answers).filter { sections?.contains($0.section) ?? true }.map { question in
                (question.id, question.label["fr"], answerText(visit.answers[question.id], question, "fr", state))
            }
        }
    }

    static func questionnaire(containing id: String, _ state: AppState) -> Questionnaire? {
        (state.content.questionnaires + [state.mediatorQuestionnaire]).first { $0.question(id) != nil }
    }

    /// What the PIN screen says while wrong codes make the next try wait.
    static func waitMessage(_ until: Date) -> String { "Nouvel essai possible à \(clockTime(until)) (ou le code de secours)." }

    static func clockTime(_ date: Date) -> String {
        let parts = ParisTime.parts(date)
        return String(format: "%02d:%02d", parts.hour, parts.minute)
    }

    /// A stored timestamp as "mar. 01/12 14:05" (Paris time), or the stamp itself when unreadable.
    static func stampText(_ stamp: String) -> String {
        guard let date = ParisTime.parse(stamp) else { return stamp }
        let parts = ParisTime.parts(date)
        return String(format: "%02d/%02d ", parts.day, parts.month) + clockTime(date)
    }

    /// An answer as people read it.
    static func answerText(_ answer: AnswerValue?, _ question: Question, _ language: String, _ state: AppState) -> String {
        guard let answer else { return "—" }
        return answer.displayText(for: question, language: language, communes: state.content.communes, dontKnow: state.content.texts.text("ui.dont_know", language))
    }
}

extension QuestionType {
    /// Answered by typing rather than by choosing.
    var isTyped: Bool { [.text, .number, .year, .date, .commune].contains(self) }
}
