import Foundation
import Intake
import KioskStore
import Rights
import Terminal

/// How this box behaves: its place, territory, languages and the timings of the spec.
public struct KioskConfig: Sendable {
    public var placeName: String
    public var territory: Territory
    public var languages: [String]
    /// Seconds without input before the "are you still there?" countdown.
    public var inactivitySeconds: Double = 90
    /// Seconds of countdown before the visitor's unconfirmed answers are wiped.
    public var countdownSeconds: Double = 15
    /// Wrong mediator codes slow the next try down (growing delays, capped), never a long block.
    public var pinPolicy = PINPolicy()
    /// Seconds without input before mediator mode locks itself.
    public var mediatorLockSeconds: Double = 120
    /// Seconds to wait for a busy or absent printer before the print fails.
    public var printWaitSeconds: Double = 60
    /// The demo lets the mediator quit (Q on the queue); a real box never quits from the keyboard.
    public var allowQuit = false
    /// Under systemd, the kiosk restarts itself (quickly, when idle on the welcome screen) to use newly
    /// installed content; elsewhere new content waits for the next start.
    public var restartsForNewContent = false
    /// Seconds without input on the welcome screen before such a restart.
    public var restartIdleSeconds: Double = 30

    public init(placeName: String, territory: Territory = .metropole, languages: [String] = ["fr", "en", "es", "ro", "uk"]) {
        self.placeName = placeName
        self.territory = territory
        self.languages = languages
    }

    /// The languages a visitor is offered: those the box's configuration names (all when it names none), kept only
    /// when the content offers them to visitors (declared so and complete). French is always there.
    public static func offeredLanguages(configured: [String], content: KioskContent) -> [String] {
        let complete = content.visitorLanguages
        let wanted = configured.isEmpty ? complete : configured.filter(complete.contains)
        return wanted.contains("fr") ? wanted : ["fr"] + wanted
    }
}

/// Everything that can happen to the app: input, time, and the results of effects.
public enum AppEvent: Sendable, Equatable {
    case input(InputEvent)
    case tick(Date)
    case resized(width: Int, height: Int)
    case checkInSaved(visitID: String, ticket: Int)
    case queueLoaded([QueueRow])
    case visitLoaded(VisitDetail)
    case pinChecked(Bool)
    /// A print of this visit ended: the visit screen reloads its list of prints.
    case printJobsChanged(visitID: String)
    /// What the sync and printer screens show.
    case statusLoaded(sync: [String], printer: [String])
    /// Sync installed a new content version (used from the next start).
    case contentInstalled(version: Int)
    /// An effect finished with a message for the screen (printed, synced, saved, or what went wrong).
    case notice(String)
    case effectFailed(String)
}

/// What the app asks the outside world to do; the runtime does it and answers with events.
public enum Effect: Sendable, Equatable {
    case saveCheckIn(language: String, consent: Consent, displayName: String?, answers: [String: AnswerValue])
    case saveAnswers(visitID: String, answers: [String: AnswerValue], removed: [String], by: Answerer)
    case setStatus(visitID: String, status: VisitStatus)
    case loadQueue
    case loadVisit(String)
    case checkPIN(String)
    case persistLockout(until: Date?)
    case printDocument(document: String, visitID: String)
    case printTicket(number: Int, language: String)
    case closeVisit(visitID: String, answers: [String: AnswerValue])
    case syncNow
    case loadStatus
    case quit
    /// Leave the loop so that systemd starts the kiosk again on the new content.
    case restartForNewContent
}

/// A line of the mediator's queue.
public struct QueueRow: Sendable, Equatable {
    public var visitID: String
    public var ticket: Int
    public var name: String
    public var reasons: [String]
    public var createdAt: Date
    public var status: VisitStatus
    public init(visitID: String, ticket: Int, name: String, reasons: [String], createdAt: Date, status: VisitStatus) {
        self.visitID = visitID
        self.ticket = ticket
        self.name = name
        self.reasons = reasons
        self.createdAt = createdAt
        self.status = status
    }
}

/// A visit as the mediator opens it.
public struct VisitDetail: Sendable, Equatable {
    public var visitID: String
    public var ticket: Int
    public var name: String
    public var language: String
    public var consent: Consent
    public var status: VisitStatus
    public var answers: [String: AnswerValue]
    /// What was printed for this visit and how it ended, newest first ("checklist: terminé").
    public var printJobs: [String] = []
    public init(visitID: String, ticket: Int, name: String, language: String, consent: Consent, status: VisitStatus, answers: [String: AnswerValue],
                printJobs: [String] = []) {
        self.printJobs = printJobs
        self.visitID = visitID
        self.ticket = ticket
        self.name = name
        self.language = language
        self.consent = consent
        self.status = status
        self.answers = answers
    }
}

/// What a tap or a key does on the current screen.
public enum Action: Equatable, Sendable {
    case language(String)
    case choose(Int)
    case toggle(Int)
    case next
    case back
    case dontKnow
    case skip
    case confirm
    case edit(String)
    case finish
    case stillHere
    case pinKey(Character)
    case pinErase
    case pinCancel
    case pinSubmit
    case openVisit(Int)
    case mediatorScreen(MediatorState.Tab)
    case selectAnswer(Int)
    case print(String)
    case closeVisit
    case lock
    case syncNow
    case loadStatus
    case quit
}

/// The visitor's side.
public struct VisitorState: Sendable, Equatable {
    public enum Phase: Sendable, Equatable { case welcome, checkin, rights, ticket }
    public var phase: Phase = .welcome
    public var languageSelection = 0
    public var flow: Flow?
    /// Confirmed check-in answers (saved in the store).
    public var checkinAnswers: [String: AnswerValue] = [:]
    public var visitID: String?
    public var ticket: Int?
    public var evaluation: Evaluation?
    /// The answer being typed, and the highlighted choice.
    public var input = ""
    public var selection = 0
    public var checked: Set<Int> = []
    public var error: String?
    public var saving = false
    /// Lines scrolled on a screen taller than the terminal (the ticket's list of papers).
    public var scroll = 0
    public init() {}
}

/// The mediator's side.
public struct MediatorState: Sendable, Equatable {
    public enum Tab: Sendable, Equatable { case queue, visit, sync, printer }
    public var tab: Tab = .queue
    public var queue: [QueueRow] = []
    public var selected = 0
    public var visit: VisitDetail?
    public var evaluation: Evaluation?
    public var answerSelection = 0
    /// Editing one answer of the open visit, with the same screen as the visitor's.
    public var editing: Flow?
    public var input = ""
    public var editSelection = 0
    public var editChecked: Set<Int> = []
    public var error: String?
    public var syncInfo: [String] = []
    public var printerInfo: [String] = []
    public init() {}
}

/// PIN entry and lockout.
public struct PINState: Sendable, Equatable {
    public var entered = ""
    public var failures = 0
    public var lockedUntil: Date?
    public var checking = false
    public var message: String?
    public init() {}
}

/// The whole app: one value, changed only by `update`.
public struct AppState: Sendable {
    public enum Mode: Sendable, Equatable { case visitor, pinEntry, mediator }
    public var config: KioskConfig
    public var content: KioskContent
    public var engine: RightsEngine
    public var now: Date
    public var lastInput: Date
    /// A content version installed since the start, waiting for an idle moment to restart on it.
    public var pendingContentVersion: Int?
    public var width: Int
    public var height: Int
    public var mode: Mode = .visitor
    public var language = "fr"
    public var visitor = VisitorState()
    public var mediator = MediatorState()
    public var pin = PINState()
    public var notice: String?

    /// The mediator's own questions about a visit: orientation to partners, consent to a referral.
    public let mediatorQuestionnaire: Questionnaire

    public init(config: KioskConfig, content: KioskContent, engine: RightsEngine, now: Date, width: Int = 80, height: Int = 24) {
        self.config = config
        self.content = content
        self.mediatorQuestionnaire = MediatorQuestions.make(services: content.services)
        self.engine = engine
        self.now = now
        self.lastInput = now
        self.width = width
        self.height = height
    }

    /// Seconds left in the "are you still there?" countdown, nil when it is not showing.
    public var countdown: Int? {
        guard mode == .visitor, visitor.phase != .welcome else { return nil }
        let idle = now.timeIntervalSince(lastInput)
        guard idle >= config.inactivitySeconds else { return nil }
        return max(0, Int((config.inactivitySeconds + config.countdownSeconds - idle).rounded(.up)))
    }

    /// Today, as the rules count days.
    public var today: LocalDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let parts = calendar.dateComponents([.year, .month, .day], from: now)
        return LocalDate(year: parts.year!, month: parts.month!, day: parts.day!)!
    }

    var flowContext: FlowContext { FlowContext(today: today, communes: content.communes) }
}

/// The questions only the mediator answers, built from the partner directory.
public enum MediatorQuestions {
    public static let id = "mediator"

    public static func make(services: [PartnerService]) -> Questionnaire {
        let orientation = Question(
            id: "orientation", type: .multipleChoice,
            label: LocalizedText(["fr": "Orientation vers", "en": "Referred to"]),
            choices: services.map { Choice(value: $0.id, label: LocalizedText(["fr": $0.name])) } + [Choice(value: "none", label: LocalizedText(["fr": "Aucune orientation", "en": "No referral"]))],
            section: "mediator")
        let consent = Question(
            id: "referral_consent", type: .yesNo,
            label: LocalizedText(["fr": "La personne accepte que l'on transmette sa situation au partenaire", "en": "The person agrees that their situation is passed on to the partner"]),
            relevant: .all([.answered("orientation"), .not(.contains("orientation", "none"))]),
            section: "mediator")
        let followUp = Question(
            id: "follow_up", type: .yesNo,
            label: LocalizedText(["fr": "Un suivi est prévu à la prochaine permanence", "en": "A follow-up is planned at the next office hours"]),
            section: "mediator")
        // Identity for the forms: entered by the mediator with the visitor, never at self check-in; personal, so purged
        // with the visit and never in a synced record.
        func identity(_ id: String, _ french: String, _ type: QuestionType = .text, pattern: String? = nil, nir: Bool = false) -> Question {
            var validation = Validation()
            if type == .text { validation.maxLength = 80 }
            validation.pattern = pattern
            if nir {
                validation.socialSecurityNumber = true
                validation.birthDateQuestion = "identity_birth_date"
            }
            validation.notInFuture = type == .date
            return Question(id: id, type: type, label: LocalizedText(["fr": french]), validation: validation, personal: true, section: "identity")
        }
        let identityQuestions = [
            identity("identity_last_name", "Nom de famille (pour les formulaires)"),
            identity("identity_first_names", "Prénoms (pour les formulaires)"),
            identity("identity_birth_date", "Date de naissance (pour les formulaires)", .date),
            identity("identity_address", "Adresse ou domiciliation (pour les formulaires)"),
            identity("identity_postcode", "Code postal (pour les formulaires)", pattern: "[0-9]{5}"),
            identity("identity_city", "Commune (pour les formulaires)"),
            identity("identity_nir", "Numéro de sécurité sociale (pour les formulaires)", nir: true),
        ]
        return Questionnaire(id: id, version: 1, title: LocalizedText(["fr": "Suivi du médiateur", "en": "Mediator follow-up"]), languages: ["fr", "en"],
                             sections: [Section(id: "mediator", title: LocalizedText(["fr": "Suivi", "en": "Follow-up"]), questions: [orientation, consent, followUp]),
                                        Section(id: "identity", title: LocalizedText(["fr": "Identité", "en": "Identity"]), questions: identityQuestions)])
    }
}
