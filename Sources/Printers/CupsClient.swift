import CCups
import Foundation

/// Where to print: a CUPS queue by name, the CUPS default, or a printer's own `ipp://` URI.
public enum PrinterTarget: Sendable, Equatable, CustomStringConvertible {
    case named(String)
    case defaultPrinter
    case uri(String)

    /// `ipp://…` / `ipps://…` is a URI, anything else a queue name; empty is the default.
    public init(_ text: String?) {
        guard let text, !text.isEmpty else { self = .defaultPrinter; return }
        self = text.hasPrefix("ipp://") || text.hasPrefix("ipps://") ? .uri(text) : .named(text)
    }

    public var description: String {
        switch self {
        case .named(let name): return name
        case .defaultPrinter: return "l'imprimante par défaut"
        case .uri(let uri): return uri
        }
    }

    /// " (Accueil)" for a CUPS queue, to say which one; nothing for an address (a mediator does not read URIs) or the default.
    public var inParentheses: String {
        if case .named(let name) = self { return " (\(name))" }
        return ""
    }
}

/// A printing problem in words a mediator understands.
public struct PrintError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Code: String, Sendable { case notFound, unreachable, stopped, noPaper, refused, aborted, cancelled, timedOut }
    public var code: Code
    public var message: String
    public var description: String { message }

    static func notFound(_ target: PrinterTarget) -> PrintError {
        PrintError(code: .notFound, message: "Imprimante introuvable\(target.inParentheses) : vérifiez son nom ou son adresse dans la configuration.")
    }
    static func unreachable(_ target: PrinterTarget) -> PrintError {
        PrintError(code: .unreachable, message: "L'imprimante ne répond pas\(target.inParentheses) : vérifiez qu'elle est allumée et branchée.")
    }
}

/// A printer as CUPS lists it.
public struct PrinterStatus: Sendable, Equatable {
    public enum State: Int, Sendable { case idle = 3, processing = 4, stopped = 5, unknown = 0 }
    public var name: String
    public var isDefault: Bool
    public var state: State
    public var reasons: [String]

    /// The printer says it has no paper (`media-empty`, `media-needed`, with or without a severity suffix).
    public var hasNoPaper: Bool { reasons.contains { $0.hasPrefix("media-empty") || $0.hasPrefix("media-needed") } }

    /// In words, for the mediator's printer screen.
    public var summary: String {
        var text: String
        switch state {
        case .idle: text = "prête"
        case .processing: text = "en train d'imprimer"
        case .stopped: text = "arrêtée"
        case .unknown: text = "état inconnu"
        }
        if hasNoPaper { text += ", plus de papier" }
        if reasons.contains(where: { $0.hasPrefix("offline") }) { text += ", hors ligne" }
        return "\(name)\(isDefault ? " (par défaut)" : "") : \(text)"
    }
}

/// Prints through libcups: create the job, stream the document, finish, follow the job to its end.
public struct CupsClient: Sendable {
    /// How long to wait for a busy or unreachable printer before giving up.
    public var busyWait: Double
    /// How long to follow a job before giving up.
    public var completionWait: Double

    public init(busyWait: Double = 30, completionWait: Double = 120) {
        self.busyWait = busyWait
        self.completionWait = completionWait
    }

    /// The CUPS destinations and their state.
    public func destinations() -> [PrinterStatus] {
        var dests: UnsafeMutablePointer<cups_dest_t>?
        let count = cupsGetDests2(nil, &dests)
        defer { cupsFreeDests(count, dests) }
        guard let dests else { return [] }
        return (0..<Int(count)).map { index in
            let dest = dests[index]
            let state = cupsGetOption("printer-state", dest.num_options, dest.options).flatMap { Int(String(cString: $0)) } ?? 0
            let reasons = cupsGetOption("printer-state-reasons", dest.num_options, dest.options).map { String(cString: $0).split(separator: ",").map(String.init) } ?? []
            return PrinterStatus(name: String(cString: dest.name), isDefault: dest.is_default != 0, state: PrinterStatus.State(rawValue: state) ?? .unknown, reasons: reasons)
        }
    }

    /// Sends a PDF and waits until the printer completed it. Returns the job id.
    @discardableResult
    public func print(pdf: Data, title: String, to target: PrinterTarget) throws -> Int32 {
        try send(pdf: pdf, title: title, to: target, waitForCompletion: true)
    }

    /// Sends a PDF; returns the job id once the printer accepted it, or once it completed it. `waiting` hears, once, that the
    /// printer does not answer (or is busy) while the send keeps trying; `accepted` hears the job id once the printer took it.
    @discardableResult
    public func send(pdf: Data, title: String, to target: PrinterTarget, waitForCompletion: Bool,
                     waiting: (@Sendable (PrintError) -> Void)? = nil, accepted: (@Sendable (Int32) -> Void)? = nil) throws -> Int32 {
        let deadline = Date().addingTimeInterval(busyWait)
        var delay = 0.2
        var told = false
        while true {
            do {
                // Looked up on each try: an ipp:// printer that was off is only found once it answers.
                let (destination, flags) = try lookup(target)
                defer { cupsFreeDests(1, destination) }
                let (jobID, uri) = try submit(pdf, title: title, destination, flags, target)
                accepted?(jobID)
                if waitForCompletion { try follow(jobID: jobID, printerURI: uri, target: target) }
                return jobID
            } catch let error as PrintError where error.code == .unreachable || error.code == .refused && error.message.contains("busy")
                        || error.code == .notFound && Self.isAddress(target) {
                // A busy printer, or one that is off: say so once, wait and try again until the configured wait is over.
                guard Date() < deadline else { throw error.code == .notFound ? PrintError.unreachable(target) : error }
                if !told { waiting?(error.code == .notFound ? PrintError.unreachable(target) : error); told = true }
                Thread.sleep(forTimeInterval: delay)
                delay = min(delay * 2, 2)
            }
        }
    }

    static func isAddress(_ target: PrinterTarget) -> Bool {
        if case .uri = target { return true }
        return false
    }

    /// The printer's state, asked to the printer (or its CUPS queue) itself.
    public func status(of target: PrinterTarget) throws -> PrinterStatus {
        let (destination, flags) = try lookup(target)
        defer { cupsFreeDests(1, destination) }
        let uri = Self.queryURI(destination, flags, target)
        guard let http = connection(for: uri, timeoutMilliseconds: 3_000) else { throw PrintError.unreachable(target) }
        defer { httpClose(http) }
        guard let request = permanence_job_request(IPP_OP_GET_PRINTER_ATTRIBUTES, uri, 0),
              let response = cupsDoRequest(http, request, URL(string: uri)?.path ?? "/") else { throw PrintError.unreachable(target) }
        defer { ippDelete(response) }
        let state = ippFindAttribute(response, "printer-state", IPP_TAG_ENUM).map { Int(ippGetInteger($0, 0)) } ?? 0
        var reasons: [String] = []
        if let attribute = ippFindAttribute(response, "printer-state-reasons", IPP_TAG_KEYWORD) {
            for index in 0..<ippGetCount(attribute) {
                if let value = ippGetString(attribute, index, nil) { reasons.append(String(cString: value)) }
            }
        }
        return PrinterStatus(name: target.description, isDefault: target == .defaultPrinter, state: PrinterStatus.State(rawValue: state) ?? .unknown,
                             reasons: reasons.filter { $0 != "none" })
    }

    /// Cancels a job (a document sent by mistake, or one stuck on a broken printer).
    public func cancel(jobID: Int32, on target: PrinterTarget) throws {
        let (destination, flags) = try lookup(target)
        defer { cupsFreeDests(1, destination) }
        guard let http = cupsConnectDest(destination, flags, 10_000, nil, nil, 0, nil, nil) else { throw PrintError.unreachable(target) }
        defer { httpClose(http) }
        let status = cupsCancelDestJob(http, destination, jobID)
        guard status == IPP_STATUS_OK else { throw refusal(status, target) }
    }

    /// The state of a job: 3 pending, 4 held, 5 processing, 6 stopped, 7 cancelled, 8 aborted, 9 completed (0 unknown).
    public func jobState(jobID: Int32, on target: PrinterTarget) throws -> Int {
        let (destination, flags) = try lookup(target)
        defer { cupsFreeDests(1, destination) }
        let uri = Self.queryURI(destination, flags, target)
        guard let request = permanence_job_request(IPP_OP_GET_JOB_ATTRIBUTES, uri, jobID), let http = connection(for: uri) else { return 0 }
        defer { httpClose(http) }
        guard let response = cupsDoRequest(http, request, URL(string: uri)?.path ?? "/") else { return 0 }
        defer { ippDelete(response) }
        return Int(ippFindAttribute(response, "job-state", IPP_TAG_ENUM).map { ippGetInteger($0, 0) } ?? 0)
    }

    /// Where to ask about the printer and its jobs: the job id belongs to whoever accepted the job,
    /// the device itself (an ipp:// target) or the CUPS queue (a named one).
    static func queryURI(_ destination: UnsafeMutablePointer<cups_dest_t>, _ flags: UInt32, _ target: PrinterTarget) -> String {
        let options = destination.pointee
        let key = flags == UInt32(CUPS_DEST_FLAGS_DEVICE) ? "device-uri" : "printer-uri-supported"
        let uri = cupsGetOption(key, options.num_options, options.options).map { String(cString: $0) } ?? ""
        if uri.isEmpty, case .uri(let given) = target { return given }
        return uri
    }

    func lookup(_ target: PrinterTarget) throws -> (UnsafeMutablePointer<cups_dest_t>, UInt32) {
        switch target {
        case .uri(let uri):
            guard let destination = cupsGetDestWithURI(nil, uri) else { throw PrintError.notFound(target) }
            return (destination, UInt32(CUPS_DEST_FLAGS_DEVICE))
        case .named(let name):
            guard let destination = cupsGetNamedDest(nil, name, nil) else {
                throw cupsLastError() == IPP_STATUS_ERROR_SERVICE_UNAVAILABLE ? PrintError.unreachable(target) : PrintError.notFound(target)
            }
            return (destination, UInt32(CUPS_DEST_FLAGS_NONE))
        case .defaultPrinter:
            guard let destination = cupsGetNamedDest(nil, nil, nil) else {
                throw PrintError(code: .notFound, message: "Aucune imprimante par défaut n'est configurée.")
            }
            return (destination, UInt32(CUPS_DEST_FLAGS_NONE))
        }
    }

    func submit(_ pdf: Data, title: String, _ destination: UnsafeMutablePointer<cups_dest_t>, _ flags: UInt32,
                _ target: PrinterTarget) throws -> (Int32, String) {
        var resource = [CChar](repeating: 0, count: 1024)
        guard let http = cupsConnectDest(destination, flags, 10_000, nil, &resource, resource.count, nil, nil) else {
            throw PrintError.unreachable(target)
        }
        defer { httpClose(http) }
        guard let info = cupsCopyDestInfo(http, destination) else { throw PrintError.unreachable(target) }
        defer { cupsFreeDestInfo(info) }
        try checkState(http, destination, target)
        var jobID: Int32 = 0
        let created = cupsCreateDestJob(http, destination, info, &jobID, title, 0, nil)
        guard created == IPP_STATUS_OK, jobID > 0 else { throw refusal(created, target) }
        guard cupsStartDestDocument(http, destination, info, jobID, title, CUPS_FORMAT_PDF, 0, nil, 1) == HTTP_STATUS_CONTINUE else {
            throw refusal(cupsLastError(), target)
        }
        let written = pdf.withUnsafeBytes { bytes in
            cupsWriteRequestData(http, bytes.baseAddress!.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        guard written == HTTP_STATUS_CONTINUE else { throw PrintError.unreachable(target) }
        let finished = cupsFinishDestDocument(http, destination, info)
        guard finished == IPP_STATUS_OK || finished == IPP_STATUS_OK_IGNORED_OR_SUBSTITUTED else { throw refusal(finished, target) }
        let uri = Self.queryURI(destination, flags, target)
        return (jobID, uri)
    }

    /// A stopped printer or one without paper is reported before the job is sent.
    func checkState(_ http: OpaquePointer, _ destination: UnsafeMutablePointer<cups_dest_t>, _ target: PrinterTarget) throws {
        let options = destination.pointee
        let reasons = cupsGetOption("printer-state-reasons", options.num_options, options.options).map { String(cString: $0) } ?? ""
        if reasons.contains("media-empty") || reasons.contains("media-needed") {
            throw PrintError(code: .noPaper, message: "L'imprimante n'a plus de papier \(target.inParentheses) : remettez du papier.")
        }
        if cupsGetOption("printer-state", options.num_options, options.options).map({ String(cString: $0) }) == "5" {
            throw PrintError(code: .stopped, message: "L'imprimante est arrêtée\(target.inParentheses) : relancez-la depuis le poste ou redémarrez-la.")
        }
    }

    func refusal(_ status: ipp_status_t, _ target: PrinterTarget) -> PrintError {
        switch status {
        case IPP_STATUS_ERROR_BUSY, IPP_STATUS_ERROR_SERVICE_UNAVAILABLE:
            return PrintError(code: .refused, message: "L'imprimante est occupée (busy) : nouvel essai.")
        case IPP_STATUS_ERROR_NOT_FOUND:
            return PrintError.notFound(target)
        case IPP_STATUS_ERROR_NOT_ACCEPTING_JOBS:
            return PrintError(code: .stopped, message: "L'imprimante n'accepte pas de travaux\(target.inParentheses) : elle est arrêtée.")
        default:
            let detail = cupsLastErrorString().map { String(cString: $0) } ?? "erreur"
            return PrintError(code: .refused, message: "L'imprimante a refusé le document\(target.inParentheses) : \(detail).")
        }
    }

    /// Asks the printer for the job's state until it is completed, cancelled or aborted.
    func follow(jobID: Int32, printerURI: String, target: PrinterTarget) throws {
        let deadline = Date().addingTimeInterval(completionWait)
        var uri = printerURI
        if uri.isEmpty, case .uri(let given) = target { uri = given }
        guard !uri.isEmpty else { return }
        while Date() < deadline {
            guard let request = permanence_job_request(IPP_OP_GET_JOB_ATTRIBUTES, uri, jobID) else { break }
            // cupsDoRequest frees the request.
            var resource = "/"
            if let url = URL(string: uri), !url.path.isEmpty { resource = url.path }
            let http = connection(for: uri)
            defer { if let http { httpClose(http) } }
            if let response = cupsDoRequest(http, request, resource) {
                defer { ippDelete(response) }
                let state = ippFindAttribute(response, "job-state", IPP_TAG_ENUM).map { ippGetInteger($0, 0) } ?? 0
                switch state {
                case 9: return
                case 7: throw PrintError(code: .cancelled, message: "Le travail d'impression a été annulé.")
                case 8: throw PrintError(code: .aborted, message: "L'imprimante a abandonné le travail : vérifiez-la et réimprimez.")
                default: break
                }
            }
            Thread.sleep(forTimeInterval: 0.25)
        }
        throw PrintError(code: .timedOut, message: "Le document n'est pas sorti à temps : vérifiez l'imprimante, puis réimprimez.")
    }

    func connection(for uri: String, timeoutMilliseconds: Int32 = 10_000) -> OpaquePointer? {
        guard let url = URL(string: uri), let host = url.host else { return nil }
        return httpConnect2(host, Int32(url.port ?? 631), nil, AF_UNSPEC, HTTP_ENCRYPTION_IF_REQUESTED, 1, timeoutMilliseconds, nil)
    }
}
