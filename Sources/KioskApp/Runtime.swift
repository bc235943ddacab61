import Crypto
import _CryptoExtras
import Documents
import FollowUp
import Foundation
import Printers
import Intake
import KioskStore
import Rights
import Terminal

/// Mediator PINs, stored as PBKDF2-HMAC-SHA256 hashes with a random salt and many rounds:
/// `pbkdf2-sha256$rounds$salt$hash` (base64). A slow KDF that needs no memory (scrypt's
/// 16 MB would double the kiosk's resident memory for each unlock).
public enum PINHasher {
    public static let defaultRounds = 600_000

    public static func hash(_ pin: String, rounds: Int = defaultRounds) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        for index in salt.indices { salt[index] = UInt8.random(in: 0...255) }
        let hash = try derive(pin, salt: salt, rounds: rounds, count: 32)
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(hash.base64EncodedString())"
    }

    public static func verify(_ pin: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$").map(String.init)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds >= 1_000,
              let salt = Data(base64Encoded: parts[2]), let expected = Data(base64Encoded: parts[3]),
              let actual = try? derive(pin, salt: Array(salt), rounds: rounds, count: expected.count) else { return false }
        // Constant-time comparison.
        guard actual.count == expected.count else { return false }
        return zip(actual, expected).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }

    static func derive(_ pin: String, salt: [UInt8], rounds: Int, count: Int) throws -> Data {
        let key = try KDF.Insecure.PBKDF2.deriveKey(from: Array(pin.utf8), salt: salt, using: .sha256, outputByteCount: count, unsafeUncheckedRounds: rounds)
        return key.withUnsafeBytes { Data($0) }
    }
}

/// The box's sync, as the screens see it (the `Sync` library provides it once the box is enrolled).
public protocol SyncControl: AnyObject, Sendable {
    /// Asks for a sync pass now, ignoring the backoff.
    func syncNow()
    /// Lines for the mediator's status screen, in French.
    var statusLines: [String] { get }
}

/// Runs the effects the app asks for, against the store, and answers with events.
public final class KioskRuntime: @unchecked Sendable {
    /// The background sync; nil while the box is not enrolled.
    public var sync: SyncControl?
    /// Reads screens aloud (nil: the box cannot; the Listen target is then hidden by the configuration).
    public var speaker: Speaker?
    /// Follow-up (the pack and its key); nil while the box is not enrolled.
    public var followUp: FollowUpDesk?

    public let database: AppDatabase
    public let content: KioskContent
    public let engine: RightsEngine
    public let config: KioskConfig

    /// Form layouts and letters; nil when the box has none (printing then says so).
    public let printing: PrintingContent?
    /// The printer documents go to (the CUPS default when not configured).
    public let printer: PrinterTarget

    public static let pinSetting = "mediator.pin"
    public static let lockoutSetting = "mediator.lockout_until"

    /// A document as the mediator says it ("la demande de C2S"), from the catalogue; its id when the catalogue has none.
    static func documentName(_ document: String, _ texts: TextCatalogue) -> String {
        guard let key = TextKeys.documentNames[document], texts.has(key, "fr") else { return document }
        return texts.text(key, "fr", [:])
    }
    /// The hash of the mediator's recovery code (`kiosk mediator set-recovery`).
    public static let recoverySetting = "mediator.recovery"
    public static let printerSetting = "printer"

    /// Events produced by effects that run in the background (printing), drained by the loop.
    private let inboxLock = NSLock()
    private var inbox: [AppEvent] = []

    /// The USB ticket printer's vendor and product ids, when the box has one.
    public let ticketPrinter: (vendor: UInt16, product: UInt16)?

    public init(database: AppDatabase, content: KioskContent, engine: RightsEngine, config: KioskConfig,
                printing: PrintingContent? = nil, printer: PrinterTarget = .defaultPrinter, ticketPrinter: (vendor: UInt16, product: UInt16)? = nil) {
        self.ticketPrinter = ticketPrinter
        self.database = database
        self.content = content
        self.engine = engine
        self.config = config
        self.printing = printing
        self.printer = printer
    }

    /// Events that background effects produced since the last call.
    public func drainInbox() -> [AppEvent] {
        inboxLock.withLock {
            defer { inbox.removeAll() }
            return inbox
        }
    }

    /// Hands an event from a background task (printing, sync) to the loop.
    public func post(_ event: AppEvent) { inboxLock.withLock { inbox.append(event) } }

    /// Seconds after the print key before "the printer does not answer" is said, when the printer has not taken the job.
    static let printPatience = 6.0

    /// Renders a document of a visit and prints it in the background; the print job is recorded
    /// in the store with its CUPS job id and final state.
    func printInBackground(document: String, visitID: String, state: AppState) -> [AppEvent] {
        guard let printing, let kind = DocumentKind(rawValue: document) else {
            return [.notice("Impression impossible : les modèles de documents sont absents de ce kiosque.")]
        }
        do {
            guard let visit = try database.visit(visitID) else { return [.effectFailed("Visite introuvable.")] }
            let answers = decode(try database.answers(visitID: visitID))
            func text(_ id: String) -> String? {
                if case .text(let value)? = answers[id] { return value }
                return nil
            }
            var referral: PrintVisit.Referral?
            if case .choices(let services)? = answers["orientation"], let first = services.first(where: { $0 != "none" }) {
                // The reason as the mediator confirmed it; "what was done" from the documents printed.
                referral = PrintVisit.Referral(service: first, reason: text(MediatorQuestions.referralReason),
                                               consent: answers["referral_consent"] == .choice("yes"))
            }
            let onDuty = state.mediator.onDuty
            let phone = try onDuty.flatMap { name in try database.mediators().first { $0.name == name }?.phone }
            let organisation = config.organisation
            let mediator = PrintVisit.Mediator(name: onDuty, organisation: organisation?.name, address: organisation?.address,
                                               phone: phone ?? organisation?.phone)
            var birthDate: String?
            if case .date(let date)? = answers["identity_birth_date"] { birthDate = date.description }
            let identity = PrintVisit.Identity(lastName: text("identity_last_name"), firstNames: text("identity_first_names"), birthDate: birthDate,
                                               address: text("identity_address"), postcode: text("identity_postcode"), city: text("identity_city"),
                                               nir: text("identity_nir"))
            var printVisit = PrintVisit(date: state.today.description, language: visit.language, ticket: visit.ticketNumber,
                                        identity: identity, answers: answers, mediator: mediator, referral: referral)
            printVisit.printed = try database.printedDocuments(visitID: visitID)
            let renderer = DocumentRenderer(printing: printing, content: content, engine: engine, placeName: config.placeName)
            let pdf = try renderer.render(kind, visit: printVisit).pdf
            return try send(pdf, document: document, visitID: visitID)
        } catch let error as DocumentError {
            return [.notice("Document impossible : \(error.message)")]
        } catch {
            return [.effectFailed("Erreur d'enregistrement : réessayez.")]
        }
    }

    /// Sends a rendered document in the background: recorded as a print job, followed to its end; a printer that does not
    /// answer is said within seconds while the job keeps trying, then a clear end.
    /// A visitor's own print (`visitorLanguage`) is said to them in their language.
    func send(_ pdf: Data, document: String, visitID: String?, visitorLanguage: String? = nil) throws -> [AppEvent] {
        let name = Self.documentName(document, content.texts)
        let jobRow = try database.recordPrintJob(visitID: visitID, document: document, printer: printer.description)
        let target = printer
        let wait = config.printWaitSeconds
        let texts = content.texts
        let until = KioskApp.clockTime(database.clock().addingTimeInterval(wait))
        let progress = PrintProgress()
        let waitingNotice = visitorLanguage.map { texts.text("ui.sheet.printer_waiting", $0) }
            ?? texts.render(Message("mediator.print_waiting", ["document": .text(name), "until": .text(until)]), "fr")
        // Said within seconds, in words: the printer does not answer yet, and the job goes on trying.
        let tell: @Sendable () -> Void = { [self] in
            if progress.tellOnce() { post(.notice(waitingNotice)) }
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + Self.printPatience) { if !progress.isAccepted { tell() } }
        DispatchQueue.global().async { [self] in
            do {
                let job = try CupsClient(busyWait: wait).send(pdf: pdf, title: document, to: target, waitForCompletion: true,
                                                              waiting: { _ in tell() }, accepted: { _ in progress.accept() })
                try? database.updatePrintJob(jobRow, cupsJobID: Int(job), state: "completed")
                post(.notice(visitorLanguage.map { texts.text("ui.sheet.printed", $0) } ?? texts.render(Message("mediator.printed", ["document": .text(name)]), "fr")))
                if let visitID { post(.printJobsChanged(visitID: visitID)) }
            } catch let error as PrintError {
                try? database.updatePrintJob(jobRow, state: error.code == .cancelled ? "cancelled" : error.code == .aborted ? "aborted" : "failed",
                                             error: error.message)
                progress.accept()
                // After the wait, a clear end: not printed, and why.
                if let visitorLanguage {
                    post(.notice(texts.text("ui.sheet.not_printed", visitorLanguage)))
                } else {
                    post(.notice(error.code == .unreachable
                                 ? texts.render(Message("mediator.print_gave_up", ["document": .text(name), "until": .text(until)]), "fr")
                                 : error.message))
                }
                if let visitID { post(.printJobsChanged(visitID: visitID)) }
            } catch {
                progress.accept()
                try? database.updatePrintJob(jobRow, state: "failed", error: "erreur d'impression")
                post(.notice(visitorLanguage.map { texts.text("ui.sheet.not_printed", $0) } ?? "Erreur d'impression : réessayez."))
            }
        }
        return [.notice(visitorLanguage.map { texts.text("ui.sheet.printing", $0) }
                        ?? content.texts.render(Message("mediator.printing", ["document": .text(name)]), "fr"))]
    }

    /// The printers screen's test page: the box, the time, every visitor language in its own letters.
    func printTestPage(state: AppState) -> [AppEvent] {
        let languages = config.languages.map { (code: $0, name: content.texts.language($0)?.name ?? $0) }
        let pdf = DocumentRenderer.testPage(place: config.placeName, dateTime: "\(state.today.frenchDate) \(KioskApp.clockTime(state.now))",
                                            printer: printer.description, languages: languages)
        do {
            return try send(pdf, document: "test-page", visitID: nil)
        } catch {
            return [.effectFailed("Erreur d'enregistrement : réessayez.")]
        }
    }

    /// Keeps a follow-up change (ids made here), and answers with the pack as it is now.
    func recordFollowUp(_ event: FollowUpEvent, opening visitID: String?, state: AppState) -> AppEvent {
        guard let followUp, let index = state.followUp.index else {
            return .followUpRecorded(nil, dossier: nil, message: content.texts.text("mediator.followup.locked_short", "fr"))
        }
        var event = event
        if event.id.isEmpty { event.id = UUID().uuidString.lowercased() }
        if event.item?.id.isEmpty == true { event.item?.id = UUID().uuidString.lowercased() }
        do {
            let (updated, outcome) = try followUp.record(event, opening: visitID, into: index, today: state.today.description)
            let key: String
            switch outcome {
            case .conflict: key = "mediator.followup.saved_conflict"
            default: key = event.action == .open ? "mediator.followup.saved_open" : "mediator.followup.saved"
            }
            let code = updated.dossier(id: event.dossier)?.code ?? ""
            return .followUpRecorded(updated, dossier: event.dossier, message: content.texts.text(key, "fr", ["code": .text(code)]))
        } catch {
            return .followUpRecorded(nil, dossier: nil, message: content.texts.text("mediator.followup.not_saved", "fr", ["why": .text(String(describing: error))]))
        }
    }

    /// The app's first state, with a lockout still running restored from the store.
    public func initialState(now: Date, width: Int, height: Int) -> AppState {
        var state = AppState(config: config, content: content, engine: engine, now: now, width: width, height: height)
        if let text = try? database.setting(Self.lockoutSetting), let until = StampReader().date(from: text), until > now {
            state.pin.lockedUntil = until
        }
        return state
    }

    static func encode(_ answers: [String: AnswerValue], questionnaire: (String) -> String, by answerer: Answerer) -> [StoredAnswer] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return answers.sorted { $0.key < $1.key }.compactMap { key, value in
            guard let data = try? encoder.encode(value) else { return nil }
            return StoredAnswer(questionnaire: questionnaire(key), questionID: key, valueJSON: String(decoding: data, as: UTF8.self), answeredBy: answerer)
        }
    }

    func questionnaireID(_ questionID: String) -> String {
        content.questionnaires.first { $0.question(questionID) != nil }?.id ?? MediatorQuestions.id
    }

    func decode(_ stored: [StoredAnswer]) -> [String: AnswerValue] {
        var answers: [String: AnswerValue] = [:]
        for answer in stored {
            if let value = try? JSONDecoder().decode(AnswerValue.self, from: Data(answer.valueJSON.utf8)) { answers[answer.questionID] = value }
        }
        return answers
    }

    /// The index of the hash this PIN matches, if any (tried concurrently: each check takes a PBKDF2 of many rounds).
    public static func whosePIN(_ pin: String, _ hashes: [String]) -> Int? {
        guard !hashes.isEmpty else { return nil }
        let results = UnsafeMutableBufferPointer<Bool>.allocate(capacity: hashes.count)
        defer { results.deallocate() }
        results.initialize(repeating: false)
        let shared = SendableBuffer(results)
        DispatchQueue.concurrentPerform(iterations: hashes.count) { index in
            shared.buffer[index] = PINHasher.verify(pin, against: hashes[index])
        }
        return results.firstIndex(of: true)
    }

    struct SendableBuffer: @unchecked Sendable {
        let buffer: UnsafeMutableBufferPointer<Bool>
        init(_ buffer: UnsafeMutableBufferPointer<Bool>) { self.buffer = buffer }
    }

    /// Runs one effect; returns the events it produced (none for `.quit`, which the loop handles).
    public func run(_ effect: Effect, state: AppState) -> [AppEvent] {
        // The audit log names the mediator on duty for what is done in mediator mode.
        database.mediatorOnDuty = state.mode == .mediator ? state.mediator.onDuty : nil
        do {
            switch effect {
            case let .saveCheckIn(language, consent, displayName, answers):
                let stored = Self.encode(answers, questionnaire: questionnaireID, by: .visitor)
                let visit = try database.checkIn(CheckIn(language: language, consent: consent, displayName: displayName, answers: stored))
                return [.checkInSaved(visitID: visit.id, ticket: visit.ticketNumber)]
            case let .saveAnswers(visitID, answers, removed, by):
                try database.saveAnswers(visitID: visitID, Self.encode(answers, questionnaire: questionnaireID, by: by), removing: removed, actor: by)
                return by == .mediator ? [.notice("Réponse enregistrée.")] : []
            case let .setStatus(visitID, status):
                try database.setStatus(visitID: visitID, to: status, actor: state.mode == .mediator ? .mediator : .visitor)
                return []
            case .loadQueue:
                // The call-back requests of the last 30 days: the mediator sees them at the next permanence.
                let callbacks = try database.callbackRequests(since: state.now.addingTimeInterval(-30 * 86_400))
                return [.queueLoaded(try queueRows(state)), .callbacksLoaded(callbacks)]
            case .speak(let parts):
                guard let speaker else { return [.speechEnded] }
                speaker.speak(parts) { [weak self] in self?.post(.speechEnded) }
                return []
            case .stopSpeaking:
                speaker?.stop()
                return []
            case .saveCallback(let request):
                let id = UUID().uuidString.lowercased()
                let record = CallbackRecord(id: id, createdAt: AppDatabase.timestamp(database.clock()), name: request.name, phone: request.phone,
                                            language: request.language, moment: request.moment, commune: config.communeCode)
                try database.requestCallback(id: id, language: request.language, moment: request.moment,
                                             record: OutboxRecord(kind: CallbackRecord.kind, schemaVersion: CallbackRecord.schemaVersion, payload: try record.json()))
                return [.callbackSaved]
            case let .printSheet(french, other, language):
                let rightToLeft = content.texts.language(language)?.rightToLeft ?? false
                let footer = content.texts.text("doc.checklist.place_and_date", "fr", ["place": .text(config.placeName),
                                                                                       "date": .text(state.today.frenchDate)])
                let pdf = DocumentRenderer.sheet(french: french, other: other, rightToLeft: rightToLeft, footer: footer)
                return try send(pdf, document: "info-sheet", visitID: nil, visitorLanguage: language)
            case .loadVisit(let id):
                guard let visit = try database.visit(id) else { return [.effectFailed("Visite introuvable.")] }
                let states = ["pending": "en attente", "submitted": "envoyé", "completed": "imprimé", "cancelled": "annulé", "aborted": "abandonné", "failed": "échec"]
                let jobs = try database.printJobs(visitID: id).map { "\(Self.documentName($0.document, content.texts)) : \(states[$0.state] ?? $0.state)" }
                let detail = VisitDetail(visitID: visit.id, ticket: visit.ticketNumber, name: visit.displayName ?? "—", language: visit.language,
                                         consent: visit.consent, status: visit.status, answers: decode(try database.answers(visitID: id)),
                                         printJobs: jobs)
                return [.visitLoaded(detail)]
            case .checkPIN(let pin):
                if pin.count >= PINPolicy.recoveryLength {
                    // The recovery code (set at provisioning) opens even while wrong PINs make the box wait.
                    let ok = try database.setting(Self.recoverySetting).map { PINHasher.verify(pin, against: $0) } ?? false
                    try database.audit(actor: "mediator", action: ok ? "unlock_recovery" : "unlock_recovery_failed")
                    return [.pinChecked(ok)]
                }
                let team = try database.mediators()
                let shared = try database.setting(Self.pinSetting).flatMap { $0.isEmpty ? nil : $0 }
                guard !team.isEmpty || shared != nil else {
                    return [.effectFailed("Aucun code médiateur n'est défini sur ce kiosque (kiosk mediator add NOM).")]
                }
                // Whose PIN it is: each mediator's hash is tried (on both cores); `mediator add` refuses a PIN already taken.
                let match = Self.whosePIN(pin, team.map(\.pinHash))
                let name = match.map { team[$0].name }
                let ok = name != nil || shared.map { PINHasher.verify(pin, against: $0) } == true
                try database.audit(actor: "mediator", action: ok ? "unlock" : "unlock_failed", by: name)
                return [.pinChecked(ok, mediator: name)]
            case .persistLockout(let until):
                if let until {
                    try database.setSetting(Self.lockoutSetting, StampReader().string(from: until))
                    try database.audit(actor: "system", action: "mediator_lockout")
                } else {
                    try database.setSetting(Self.lockoutSetting, "")
                }
                return []
            case let .printDocument(document, visitID):
                return printInBackground(document: document, visitID: visitID, state: state)
            case let .printTicket(number, language):
                // Without a ticket printer the number is shown large on screen; a failure is audited, not shown to the visitor.
                guard let ticketPrinter else { return [] }
                let ticket = TicketContent(number: number, time: database.clock(), place: config.placeName, language: language, texts: content.texts)
                let french = content.texts.text("ticket.please_wait", "fr")
                let texts = content.texts
                DispatchQueue.global().async { [database] in
                    // Arabic and Dari as dots (the printer has no such letters), the French line under them.
                    let raster = TicketContent.lineRaster(ticket.line, language: language, texts: texts)
                    let bytes = EscPos.ticket(number: ticket.number, dateTime: ticket.dateTime, place: ticket.place, line: ticket.line,
                                              lineRaster: raster.map { ($0.width, $0.height, $0.bytes) }, french: raster == nil ? nil : french)
                    do {
                        try USB.write(bytes, vendorID: ticketPrinter.vendor, productID: ticketPrinter.product)
                    } catch let error as USBError {
                        try? database.audit(actor: "system", action: "ticket_print_failed", detail: error.code.rawValue)
                    } catch {}
                }
                return []
            case let .closeVisit(visitID, answers):
                guard let visit = try database.visit(visitID) else { return [.effectFailed("Visite introuvable.")] }
                let evaluation = KioskApp.evaluate(answers, state)
                let closedAt = AppDatabase.timestamp(database.clock())
                var (kind, record) = VisitRecord.make(share: visit.consent == .share, visitID: visit.id, day: visit.day, ticketNumber: visit.ticketNumber,
                                                      language: visit.language, createdAt: visit.createdAt, closedAt: closedAt, answers: answers,
                                                      questionnaires: content.questionnaires + [state.mediatorQuestionnaire], evaluation: evaluation,
                                                      waitingMinutes: try database.waitingMinutes(visitID: visitID),
                                                      printed: try database.printedDocuments(visitID: visitID))
                // Reopened after its record left: this one replaces it at the central store (counted once).
                record.supersedes = try database.recordToSupersede(visitID: visitID)
                try database.close(visitID: visitID, outbox: [OutboxRecord(kind: kind, schemaVersion: VisitRecord.schemaVersion, payload: try record.json())])
                return [.notice("Visite n° \(visit.ticketNumber) clôturée. (R la rouvre aujourd'hui si besoin.)")]
            case .reopenVisit(let visitID):
                guard let visit = try database.visit(visitID) else { return [.effectFailed("Visite introuvable.")] }
                try database.reopen(visitID: visitID)
                return [.notice("Visite n° \(visit.ticketNumber) rouverte : elle sera envoyée une seule fois, à sa nouvelle clôture.")]
            case .loadPackStatus:
                return [.packStatusLoaded(followUp?.status(today: state.today.description) ?? .none)]
            case .unlockPack(let passphrase):
                guard let followUp else { return [.packStatusLoaded(.none)] }
                // scrypt takes a fraction of a second: off the loop, the screen says "checking" meanwhile.
                let today = state.today.description, now = state.now
                DispatchQueue.global().async { [self] in post(.packUnlocked(followUp.unlock(passphrase: passphrase, now: now, today: today))) }
                return []
            case .lockPack:
                followUp?.close()
                return []
            case let .recordFollowUp(event, opening):
                return [recordFollowUp(event, opening: opening, state: state)]
            case .openDossier(let request):
                var random = SystemRandomNumberGenerator()
                var event = FollowUpEvent(id: "", dossier: UUID().uuidString.lowercased(), action: .open, day: state.today.description,
                                          at: AppDatabase.timestamp(state.now))
                event.code = FollowUpCode.make(using: &random)
                event.nickname = request.nickname
                event.birthYear = request.birthYear
                event.commune = request.commune
                event.language = request.language
                event.visitID = request.visitID
                event.answers = request.answers
                return [recordFollowUp(event, opening: request.visitID, state: state)]
            case .printFollowUpSlip(let id):
                guard let dossier = state.followUp.index?.dossier(id: id) else { return [.notice("Dossier introuvable : ouvrez le suivi.")] }
                let language = dossier.language
                let french = FollowUpSlip.sheet(dossier, language: "fr", state: state)
                let other = language == "fr" ? nil : FollowUpSlip.sheet(dossier, language: language, state: state)
                let footer = content.texts.text("doc.checklist.place_and_date", "fr", ["place": .text(config.placeName), "date": .text(state.today.frenchDate)])
                let pdf = DocumentRenderer.sheet(french: french, other: other, rightToLeft: content.texts.language(language)?.rightToLeft ?? false, footer: footer)
                return try send(pdf, document: "followup-slip", visitID: state.mediator.visit?.visitID)
            case .syncNow:
                let summary = try database.outboxSummary()
                let waiting = (summary.counts[.queued] ?? 0) + (summary.counts[.sending] ?? 0)
                guard let sync else {
                    return [.notice("Ce kiosque n'est pas enrôlé (kiosk provision). \(waiting) dossier(s) attendent, en sécurité.")]
                }
                sync.syncNow()
                return [.notice("Synchronisation demandée : \(waiting) dossier(s) à envoyer. L'état s'affiche dans « État ».")]
            case .loadStatus:
                let summary = try database.outboxSummary()
                let waiting = (summary.counts[.queued] ?? 0) + (summary.counts[.sending] ?? 0)
                var sync = ["Dossiers en attente d'envoi : \(waiting)", "Dossiers déjà reçus par le central : \(summary.counts[.acknowledged] ?? 0)"]
                if let oldest = summary.oldestUnsent { sync.append("Le plus ancien attend depuis : \(oldest.prefix(16).replacingOccurrences(of: "T", with: " "))") }
                sync += self.sync?.statusLines ?? ["Ce kiosque n'est pas enrôlé : lancez kiosk provision --central URL --token JETON."]
                var printer = ["Imprimante des documents : \(self.printer)", Self.printerStateLine(self.printer)]
                let destinations = CupsClient().destinations()
                printer += destinations.isEmpty ? ["Aucune file CUPS sur ce kiosque."] : destinations.map(\.summary)
                printer.append(Self.ticketPrinterLine(ticketPrinter, devices: (try? USB.devices()) ?? []))
                // Reading aloud: the languages it works in, and why not in the others.
                let spoken = config.languages.filter(config.speech.languages.contains)
                printer.append(spoken.isEmpty ? "Lecture à voix haute : indisponible." : "Lecture à voix haute : \(spoken.joined(separator: ", ")) (H : tester le haut-parleur).")
                printer += config.speech.problems
                return [.statusLoaded(sync: sync, printer: printer)]
            case .printTestPage:
                return printTestPage(state: state)
            case .quit, .restartForNewContent:
                return []
            }
        } catch let error as StoreError {
            return [.effectFailed(error.message)]
        } catch {
            return [.effectFailed("Erreur d'enregistrement : réessayez ou appelez le médiateur.")]
        }
    }

    /// Whether the documents' printer answers, asked now (a few seconds at most), in words.
    static func printerStateLine(_ target: PrinterTarget) -> String {
        do {
            let status = try CupsClient().status(of: target)
            var words: String
            switch status.state {
            case .idle: words = "elle répond, prête"
            case .processing: words = "elle répond, en train d'imprimer"
            case .stopped: words = "elle répond mais elle est arrêtée : relancez-la"
            case .unknown: words = "elle répond"
            }
            if status.hasNoPaper { words += " ; plus de papier : remettez du papier" }
            if status.reasons.contains(where: { $0.hasPrefix("media-jam") }) { words += " ; papier coincé" }
            if status.reasons.contains(where: { $0.hasPrefix("toner-empty") || $0.hasPrefix("marker-supply-empty") }) { words += " ; plus d'encre" }
            return "→ \(words). T imprime une page de test."
        } catch let error as PrintError {
            return "→ " + error.message
        } catch {
            return "→ état inconnu"
        }
    }

    /// The ticket printer's line on the status screen: none configured, present on USB, or absent.
    public static func ticketPrinterLine(_ configured: (vendor: UInt16, product: UInt16)?, devices: [USBDevice]) -> String {
        guard let configured else { return "Imprimante de tickets : aucune configurée, le numéro s'affiche en grand à l'écran." }
        let ids = String(format: "%04x:%04x", configured.vendor, configured.product)
        if devices.contains(where: { $0.vendorID == configured.vendor && $0.productID == configured.product }) {
            return "Imprimante de tickets : \(ids), branchée."
        }
        return "Imprimante de tickets : \(ids) introuvable sur l'USB — vérifiez le câble ; le numéro s'affiche à l'écran en attendant."
    }

    func queueRows(_ state: AppState) throws -> [QueueRow] {
        let reasonsQuestion = content.questionnaire("checkin")?.question("reasons")
        let formatter = StampReader()
        // The questions whose answers the queue shows: the reasons, the interpreter, any with a choice marked urgent.
        let urgentQuestions = content.questionnaires.flatMap(\.questions).filter { $0.choices.contains(where: \.urgent) }.map(\.id)
        let shown = Array(Set(["reasons", "interpreter"] + urgentQuestions)).sorted()
        let entries = try database.queue(day: database.today(), showing: shown).filter { $0.visit.purgedAt == nil }
        let rows = entries.map { entry -> QueueRow in
            var answers: [String: AnswerValue] = [:]
            for (id, json) in entry.answers {
                if let value = try? JSONDecoder().decode(AnswerValue.self, from: Data(json.utf8)) { answers[id] = value }
            }
            var reasons: [String] = []
            if case .choices(let values)? = answers["reasons"] {
                reasons = values.map { value in reasonsQuestion?.choices.first { $0.value == value }?.label["fr"] ?? value }
            }
            return QueueRow(visitID: entry.visit.id, ticket: entry.visit.ticketNumber, name: entry.visit.displayName ?? "—", reasons: reasons,
                            createdAt: formatter.date(from: entry.visit.createdAt) ?? state.now, status: entry.visit.status,
                            urgent: Questionnaire.isUrgent(answers, in: content.questionnaires), language: entry.visit.language,
                            interpreter: answers["interpreter"] == .choice("yes"))
        }
        // Urgent first (in ticket order), then the others still to see, then the day's closed visits (they can be reopened).
        let open = rows.filter { $0.status != .closed }
        return open.filter(\.urgent) + open.filter { !$0.urgent } + rows.filter { $0.status == .closed }
    }
}

/// Whether a print's job was taken by the printer, and whether "it does not answer" was already said (from two threads).
final class PrintProgress: @unchecked Sendable {
    private let lock = NSLock()
    private var accepted = false
    private var told = false
    var isAccepted: Bool { lock.withLock { accepted } }
    func accept() { lock.withLock { accepted = true } }
    /// True the first time only.
    func tellOnce() -> Bool {
        lock.withLock {
            defer { told = true }
            return !told && !accepted
        }
    }
}

/// systemd's notification socket: READY=1 at start, WATCHDOG=1 while the loop turns.
enum SystemdNotifier {
    static func send(_ message: String) {
        guard var path = ProcessInfo.processInfo.environment["NOTIFY_SOCKET"], !path.isEmpty else { return }
        if path.hasPrefix("@") { path = "\0" + path.dropFirst() }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in bytes.prefix(buffer.count - 1).enumerated() { buffer[index] = byte }
        }
        let length = socklen_t(MemoryLayout<sa_family_t>.size + min(bytes.count, 107))
        _ = message.withCString { text in
            withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(fd, text, strlen(text), 0, $0, length) }
            }
        }
    }
}

/// The event loop on a real terminal: read input, update, run effects, draw what changed.
public enum KioskLoop {
    public static func run(session: TerminalSession, runtime: KioskRuntime, clock: () -> Date = { Date() }) throws {
        let size = session.size()
        var state = runtime.initialState(now: clock(), width: size.width, height: size.height)
        var renderer = DiffRenderer()
        var decoder = InputDecoder()
        // The touch panel, read by the kiosk itself (foot and the console report no touches): PERMANENCE_TOUCH names
        // the devices (comma separated) or says off; by default every panel found under /dev/input.
        let touchSetting = ProcessInfo.processInfo.environment["PERMANENCE_TOUCH"] ?? ""
        let touch = touchSetting == "off" ? nil
            : TouchScreen(devices: touchSetting.isEmpty ? nil : touchSetting.split(separator: ",").map(String.init), terminal: session.output)
        if let touch { session.auxiliaryInput = touch.input }
        _ = try? runtime.database.requeueInterruptedSends()
        session.write(renderer.render(KioskApp.view(state).buffer))
        SystemdNotifier.send("READY=1")
        var lastWatchdog = Date()
        var quit = false

        func apply(_ event: AppEvent) {
            var pending = [event]
            while !pending.isEmpty, !quit {
                let next = pending.removeFirst()
                for effect in KioskApp.update(&state, next) {
                    if effect == .restartForNewContent {
                        try? runtime.database.audit(actor: "system", action: "restart_for_new_content", detail: state.pendingContentVersion.map { "version \($0)" })
                    }
                    if effect == .quit || effect == .restartForNewContent { quit = true; return }
                    pending += runtime.run(effect, state: state)
                }
            }
        }

        while !quit {
            let read = session.read(timeoutMilliseconds: decoder.hasPending ? 40 : 250)
            if read.closed { break }
            if read.resized {
                let size = session.size()
                apply(.resized(width: size.width, height: size.height))
                renderer.invalidate()
            }
            for event in runtime.drainInbox() { apply(event) }
            var events = decoder.feed(read.bytes)
            if read.bytes.isEmpty { events += decoder.flush() }
            for event in events { apply(.input(event)) }
            apply(.tick(clock()))
            if Date().timeIntervalSince(lastWatchdog) >= 5 {
                SystemdNotifier.send("WATCHDOG=1")
                lastWatchdog = Date()
            }
            let output = renderer.render(KioskApp.view(state).buffer)
            if !output.isEmpty { session.write(output) }
        }
    }
}
