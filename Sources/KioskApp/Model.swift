import Documents
import FollowUp
import Foundation
import Intake
import KioskStore
import Rights
import Terminal

/// The organisation of the mediation team, as letters and forms print it.
public struct Organisation: Sendable, Equatable {
    public var name: String
    public var address: String?
    public var phone: String?
    public init(name: String, address: String? = nil, phone: String? = nil) {
        self.name = name
        self.address = address
        self.phone = phone
    }
}

/// How this box behaves: its place, territory, languages and the timings of the spec.
public struct KioskConfig: Sendable {
    public var placeName: String
    /// Printed on letters and forms with the mediator on duty; nil when the configuration names none.
    public var organisation: Organisation?
    /// The INSEE code of the village the box stands in (`commune:` in the configuration): which permanences are "here".
    public var communeCode: String?
    /// A day before this one is not believed (the box's clock is wrong): the binary's install day.
    public var notBefore: LocalDate?
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
    /// Seconds a print keeps trying a busy or absent printer (said within seconds, in words) before it ends as not printed.
    public var printWaitSeconds: Double = 600
    /// The demo lets the mediator quit (Q on the queue); a real box never quits from the keyboard.
    public var allowQuit = false
    /// Under systemd, the kiosk restarts itself (quickly, when idle on the welcome screen) to use newly
    /// installed content; elsewhere new content waits for the next start.
    public var restartsForNewContent = false
    /// Seconds without input on the welcome screen before such a restart.
    public var restartIdleSeconds: Double = 30
    /// The languages that can be read aloud here (a voice, espeak-ng and an audio device), and what is missing.
    public var speech = SpeechSupport()

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

/// A visitor alone at the box asks the team to call them back: a first name or nickname, a phone number, the language
/// to speak and the best moment, with their consent.
public struct CallbackRequest: Sendable, Equatable {
    public var name: String
    public var phone: String
    public var language: String
    public var moment: String
    public init(name: String, phone: String, language: String, moment: String) {
        self.name = name
        self.phone = phone
        self.language = language
        self.moment = moment
    }
}

/// Everything that can happen to the app: input, time, and the results of effects.
public enum AppEvent: Sendable, Equatable {
    case input(InputEvent)
    case tick(Date)
    case resized(width: Int, height: Int)
    case checkInSaved(visitID: String, ticket: Int)
    /// The call-back request is sealed in the outbox.
    case callbackSaved
    /// What was being read aloud has ended (or was stopped).
    case speechEnded
    case queueLoaded([QueueRow])
    /// The call-back requests left at this box lately (loaded with the queue).
    case callbacksLoaded([CallbackStub])
    case visitLoaded(VisitDetail)
    /// The PIN's check: whether it opens, and the named mediator whose PIN it is (nil for the team's shared PIN or the
    /// recovery code).
    case pinChecked(Bool, mediator: String? = nil)
    /// A print of this visit ended: the visit screen reloads its list of prints.
    case printJobsChanged(visitID: String)
    /// What the sync and printer screens show.
    case statusLoaded(sync: [String], printer: [String])
    /// Sync installed a new content version (used from the next start).
    case contentInstalled(version: Int)
    /// Where the box's pack is (none, expired, locked, open).
    case packStatusLoaded(PackStatus)
    /// The passphrase's check: the pack opened (with the day's changes), or why not.
    case packUnlocked(FollowUpDesk.UnlockResult)
    /// A follow-up change was kept (queued sealed): the pack as it is now, the dossier to show, or what went wrong.
    case followUpRecorded(PackIndex?, dossier: String?, message: String?)
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
    /// A page that shows the printer works (and the fonts of every language), from the printers screen.
    case printTestPage
    /// A sheet a visitor alone printed (their rights, papers, places): French and the visitor's language; nothing stored.
    case printSheet(french: InfoSheet, other: InfoSheet?, language: String)
    /// A call-back request: sealed into the outbox, a stub without name or number kept for the mediator.
    case saveCallback(CallbackRequest)
    /// Reads aloud, in a process of its own (one utterance at a time: a new one stops the one before).
    case speak([SpokenPart])
    case stopSpeaking
    case closeVisit(visitID: String, answers: [String: AnswerValue])
    /// Reopens a visit closed by mistake (the same day, before the purge).
    case reopenVisit(visitID: String)
    case syncNow
    case loadStatus
    case loadPackStatus
    /// Opens the pack with the team passphrase (scrypt: a fraction of a second, off the screen's loop).
    case unlockPack(String)
    /// A follow-up change (its ids filled in by the runtime): sealed into the outbox and the day's sealed journal.
    case recordFollowUp(FollowUpEvent, opening: String?)
    /// A new dossier for a visit whose visitor chose "share": code and ids made by the runtime.
    case openDossier(OpenDossier)
    /// The visitor's slip: the follow-up code, what is still missing, the next permanence here, in their language.
    case printFollowUpSlip(dossier: String)
    /// Drops the team key (the day ended).
    case lockPack
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
    /// The visitor said they need care now (an answer the content marks urgent): first in the queue.
    public var urgent: Bool
    /// The visitor's language, and whether they asked for an interpreter.
    public var language: String
    public var interpreter: Bool
    public init(visitID: String, ticket: Int, name: String, reasons: [String], createdAt: Date, status: VisitStatus,
                urgent: Bool = false, language: String = "fr", interpreter: Bool = false) {
        self.urgent = urgent
        self.language = language
        self.interpreter = interpreter
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
    /// The urgent screen read: the check-in goes on.
    case dismissUrgent
    /// A choice of the screen after the language.
    case home(HomeChoice)
    /// The right whose papers to show.
    case papersFor(RightKind)
    /// Print the sheet on screen; back to the screen before.
    case printSheet
    case backHome
    /// Read the screen aloud (the Listen target, F1).
    case listen
    /// The mediator's status screen: say a sentence to check the speaker.
    case testSpeaker
    case pinKey(Character)
    case pinErase
    case pinCancel
    case pinSubmit
    case openVisit(Int)
    case mediatorScreen(MediatorState.Tab)
    case visitTab(MediatorState.VisitTab)
    case selectAnswer(Int)
    case print(String)
    /// X asks to confirm; `confirmClose` closes, `cancelClose` goes back to the visit.
    case closeVisit
    case confirmClose
    case cancelClose
    case reopenVisit
    case lock
    case syncNow
    case loadStatus
    case printTestPage
    case quit
}

/// The visitor's side.
public struct VisitorState: Sendable, Equatable {
    /// The language screen; then what to do (check in, or help oneself between permanences); the check-in and its
    /// health-rights questions and the ticket; alone: the rights check's questions (nothing stored), the choice of a
    /// right for its papers, a sheet to read and print, the call-back request and its receipt.
    public enum Phase: Sendable, Equatable {
        case welcome, home, checkin, rights, ticket
        case selfCheck, papersChoice, sheet(SelfHelpSheet), callback, callbackSent
    }
    public var phase: Phase = .welcome
    public var languageSelection = 0
    public var flow: Flow?
    /// Confirmed check-in answers (saved in the store).
    public var checkinAnswers: [String: AnswerValue] = [:]
    public var visitID: String?
    public var ticket: Int?
    public var evaluation: Evaluation?
    /// The answer being typed, where typing goes in it (nil: at the end), and the highlighted choice.
    public var input = ""
    public var cursor: Int?
    public var selection = 0
    public var checked: Set<Int> = []
    public var error: String?
    public var saving = false
    /// Lines scrolled on a screen taller than the terminal (the ticket's list of papers).
    public var scroll = 0
    /// An answer marked urgent was given: whom to call is on screen now (once per visit), before the next question.
    public var showingUrgent = false
    public var urgentShown = false
    /// The urgent screen was opened from the home screen (not by an answer): Enter goes back there.
    public var urgentFromHome = false
    /// The screen is being read aloud (shown on screen; any key stops it).
    public var speaking = false
    public init() {}
}

/// The mediator's side.
public struct MediatorState: Sendable, Equatable {
    public enum Tab: Sendable, Equatable { case queue, visit, sync, printer, followUp }
    public var tab: Tab = .queue
    public var queue: [QueueRow] = []
    /// Call-back requests left at this box (no name, no number: those are sealed for the team).
    public var callbacks: [CallbackStub] = []
    public var selected = 0
    public var visit: VisitDetail?
    public var evaluation: Evaluation?
    public var answerSelection = 0
    /// Editing one answer of the open visit, with the same screen as the visitor's.
    public var editing: Flow?
    public var input = ""
    public var editCursor: Int?
    public var editSelection = 0
    public var editChecked: Set<Int> = []
    public var error: String?
    public var syncInfo: [String] = []
    public var printerInfo: [String] = []
    /// When the sync or printer screen last asked for its state (it asks again every few seconds while shown).
    public var statusAskedAt: Date?
    /// The named mediator whose PIN opened this session (nil: the team's shared PIN or the recovery code).
    public var onDuty: String?
    /// X was pressed: the visit screen asks whether to close.
    public var confirmingClose = false
    /// The visit screen's tabs: the visitor's answers, the identity and the household for the forms, the mediator's
    /// follow-up, the rights.
    public enum VisitTab: String, Sendable, Equatable, CaseIterable { case answers, identity, household, followUp = "follow_up", rights }
    public var visitTab: VisitTab = .answers
    /// Lines scrolled on the rights tab.
    public var rightsScroll = 0
    /// The document to print once the answer being edited is confirmed (the referral letter after its reason).
    public var printAfterEditing: String?
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
    /// The follow-up pack and its screens (the pack stays open in memory until the end of the day).
    public var followUp = FollowUpState()
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
    public var today: LocalDate { ParisTime.day(of: now) }

    var flowContext: FlowContext { FlowContext(today: today, communes: content.communes) }

    /// Minutes since midnight, Paris time.
    public var minutesOfDay: Int {
        let parts = ParisTime.parts(now)
        return parts.hour * 60 + parts.minute
    }

    /// Whether the team is here today, from the calendar (pure).
    public var permanenceToday: PermanenceToday {
        PermanenceToday.evaluate(content.calendar, day: today, minutes: minutesOfDay, commune: config.communeCode, notBefore: config.notBefore,
                                 distances: distancesFromHere)
    }

    /// Kilometres from this box's village to each commune with coordinates (empty when the box's village has none).
    public var distancesFromHere: [String: Double] {
        guard let here = config.communeCode, !here.isEmpty else { return [:] }
        var distances: [String: Double] = [:]
        for commune in content.communes.communes {
            if let km = content.communes.distanceKm(from: here, to: commune.id) { distances[commune.id] = km }
        }
        return distances
    }
}

/// The questions only the mediator answers, built from the partner directory.
public enum MediatorQuestions {
    public static let id = "mediator"
    /// The referral letter's reason, as the mediator corrected it (built from the visit until then).
    public static let referralReason = "referral_reason"

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
        var reasonValidation = Validation()
        reasonValidation.maxLength = 900
        let reason = Question(
            id: referralReason, type: .text,
            label: LocalizedText(["fr": "Motif de la lettre d'orientation (Entrée imprime la lettre, Ctrl-U efface)", "en": "Reason on the referral letter"]),
            relevant: .all([.answered("orientation"), .not(.contains("orientation", "none"))]), validation: reasonValidation,
            personal: true, section: "mediator")
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
                             sections: [Section(id: "mediator", title: LocalizedText(["fr": "Suivi", "en": "Follow-up"]), questions: [orientation, consent, reason, followUp]),
                                        Section(id: "identity", title: LocalizedText(["fr": "Identité", "en": "Identity"]), questions: identityQuestions),
                                        Section(id: "household", title: LocalizedText(["fr": "Foyer", "en": "Household"]), questions: householdQuestions())])
    }

    /// The household as the C2S and AME forms ask it, entered by the mediator: each other member's name, birth date and link
    /// to the applicant (members 2 to 6), and each person's resources of the last 12 months by kind. Personal: purged with
    /// the visit, never synced.
    static func householdQuestions() -> [Question] {
        var questions: [Question] = []
        var text = Validation()
        text.maxLength = 80
        var date = Validation()
        date.notInFuture = true
        var amount = Validation()
        amount.min = Fixed4(integer: 0)
        amount.max = Fixed4(integer: 500_000)
        let moreThanOne = Condition.any([.compare("has_partner", .equal, .string("yes")),
                                         .compare("children_under_25", .greaterOrEqual, .number(Fixed4(integer: 1)))])
        // First the members (the forms' household table), then each person's resources (the resources table).
        for person in 2...HouseholdTable.rows {
            let present: Condition = person == 2 ? moreThanOne : .answered(HouseholdTable.memberName(person - 1))
            let who = "Personne \(person) du foyer"
            questions.append(Question(id: HouseholdTable.memberName(person), type: .text, label: LocalizedText(["fr": "\(who) : nom et prénoms"]),
                                      relevant: present, validation: text, personal: true, section: "household"))
            let named = Condition.answered(HouseholdTable.memberName(person))
            questions.append(Question(id: "member_\(person)_birth_date", type: .date, label: LocalizedText(["fr": "\(who) : date de naissance"]),
                                      relevant: named, validation: date, personal: true, section: "household"))
            questions.append(Question(id: "member_\(person)_link", type: .singleChoice, label: LocalizedText(["fr": "\(who) : lien avec le demandeur"]),
                                      choices: HouseholdTable.links.map { Choice(value: $0.value, label: LocalizedText(["fr": $0.label])) },
                                      relevant: named, personal: true, section: "household"))
        }
        for person in 1...HouseholdTable.rows {
            for kind in HouseholdTable.resourceKinds {
                let whose = person == 1 ? "Demandeur" : "Personne \(person)"
                questions.append(Question(id: HouseholdTable.resourceID(person, kind.id), type: .number,
                                          label: LocalizedText(["fr": "\(whose) : \(kind.label) sur 12 mois (€)"]),
                                          relevant: person == 1 ? nil : .answered(HouseholdTable.memberName(person)), validation: amount,
                                          personal: true, section: "household"))
            }
        }
        return questions
    }
}
