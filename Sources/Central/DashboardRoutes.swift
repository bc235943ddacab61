import FollowUp
import Foundation
import Hummingbird
import NIOCore
import SyncProtocol

/// The coordinators' routes: login, logout, the dashboard, the statistics as JSON and CSV.
/// All but the login page need a session cookie; the statistics never show a count under the threshold.
enum DashboardRoutes {
    static let cookie = "permanence_session"

    static func add(to router: Router<CentralRequestContext>, service: CentralService) {
        router.get("/login") { _, _ in html(Dashboard.login(message: nil)) }

        router.post("/login") { request, context in
            let body = try await Routes.collect(request, upTo: 16 * 1024)
            let form = parseForm(String(decoding: body, as: UTF8.self))
            guard let user = form["user"], let password = form["password"] else {
                return html(Dashboard.login(message: "Identifiant ou mot de passe incorrect."), status: .unauthorized)
            }
            let token: String
            switch try await service.signIn(name: user, password: password, address: context.clientAddress) {
            case .signedIn(let value): token = value
            case .refused: return html(Dashboard.login(message: "Identifiant ou mot de passe incorrect."), status: .unauthorized)
            case .wait(let until), .locked(let until):
                // The same words whatever the account: too many wrong tries, and when to try again.
                return html(Dashboard.login(message: "Trop d'essais incorrects : nouvel essai possible à \(Dashboard.parisTime(Timestamp.string(until)).suffix(5)) (heure de Paris)."),
                            status: .tooManyRequests)
            }
            var response = Response(status: .seeOther, headers: [.location: "/dashboard"])
            response.headers[.setCookie] = "\(cookie)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(CentralService.sessionLifetime))"
                + (service.configuration.servesTLS ? "; Secure" : "")
            return response
        }

        router.post("/logout") { request, _ in
            if let token = sessionToken(request) { try await service.logout(token) }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.headers[.setCookie] = "\(cookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0" + (service.configuration.servesTLS ? "; Secure" : "")
            return response
        }

        router.get("/dashboard") { request, _ in
            guard let user = try await service.sessionUser(sessionToken(request)) else {
                return Response(status: .seeOther, headers: [.location: "/login"])
            }
            let report = try await statistics(request, service: service)
            let communes = service.communeNames().sorted { $0.value < $1.value }.map { (code: $0.key, name: $0.value) }
            return html(Dashboard.page(report, user: user, communes: communes))
        }

        router.get("/callbacks") { request, _ in
            guard let user = try await service.sessionUser(sessionToken(request)) else {
                return Response(status: .seeOther, headers: [.location: "/login"])
            }
            guard try await service.role(of: user).seesDossiers else { return html(DossierPages.forbidden(user: user), status: .forbidden) }
            let done = request.uri.queryParameters.get("done") != nil
            return html(Dashboard.callbacks(try await service.callbackRequests(), user: user, communes: service.communeNames(),
                                            message: done ? "Rappel marqué comme fait." : nil))
        }

        router.post("/callbacks/:id/done") { request, context in
            guard let user = try await service.sessionUser(sessionToken(request)) else {
                return Response(status: .seeOther, headers: [.location: "/login"])
            }
            guard try await service.role(of: user).seesDossiers else { return html(DossierPages.forbidden(user: user), status: .forbidden) }
            let id = context.parameters.get("id") ?? ""
            _ = try await service.markCallbackDone(id, by: user)
            return Response(status: .seeOther, headers: [.location: "/callbacks?done=1"])
        }

        addDossierRoutes(to: router, service: service)

        router.get("/v1/stats") { request, _ in
            guard try await service.sessionUser(sessionToken(request)) != nil else { throw Problem(.missingSignature, "sign in at /login first") }
            return Response.json(try await statistics(request, service: service))
        }

        router.get("/v1/stats.csv") { request, _ in
            guard try await service.sessionUser(sessionToken(request)) != nil else { throw Problem(.missingSignature, "sign in at /login first") }
            let report = try await statistics(request, service: service)
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8",
                                                   .contentDisposition: "attachment; filename=\"permanence-\(report.from)-\(report.to).csv\""],
                            body: .init(byteBuffer: ByteBuffer(string: Dashboard.csv(report))))
        }
    }

    enum Access { case user(String), answer(Response) }

    /// The follow-up pages: only for accounts that may see dossiers (coordinators, mediators).
    static func addDossierRoutes(to router: Router<CentralRequestContext>, service: CentralService) {
        /// The signed-in user who may see dossiers, or the answer to give instead (the login, or "not for your account").
        @Sendable func allowed(_ request: Request) async throws -> Access {
            guard let user = try await service.sessionUser(sessionToken(request)) else {
                return .answer(Response(status: .seeOther, headers: [.location: "/login"]))
            }
            guard try await service.role(of: user).seesDossiers else { return .answer(html(DossierPages.forbidden(user: user), status: .forbidden)) }
            return .user(user)
        }
        @Sendable func names() async throws -> DossierPages.Names {
            let content = service.latestContent()
            var devices: [String: String] = [:]
            for device in try await service.storage.devices() { devices[device.id] = device.name ?? String(device.id.prefix(8)) }
            return DossierPages.Names(texts: content?.texts, services: Dictionary((content?.services ?? []).map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a }),
                                      communes: service.communeNames(), devices: devices)
        }
        let messages = ["saved": "Modification enregistrée : elle part dans le prochain paquet des bornes.",
                        "conflict": "Quelqu'un a modifié cet élément entre-temps : les deux versions sont gardées, tranchez ci-dessus.",
                        "closed": "Dossier clos.", "erased": "Dossier effacé partout.", "resolved": "Conflit tranché.",
                        "confirm": "Cochez la case : l'effacement ne se fait qu'à la demande de la personne."]

        router.get("/dossiers") { request, _ in
            let user: String
            switch try await allowed(request) { case .user(let name): user = name; case .answer(let response): return response }
            let summaries = try await service.dossierSummaries(dueOnly: false)
            let conflicts = try await service.storage.dossierConflicts(dossier: nil, unresolvedOnly: true).count
            return html(DossierPages.list(summaries, conflicts: conflicts, today: service.today, user: user, names: try await names(),
                                          message: request.uri.queryParameters.get("done").flatMap { messages[$0] }))
        }

        router.get("/dossiers/:id") { request, context in
            let user: String
            switch try await allowed(request) { case .user(let name): user = name; case .answer(let response): return response }
            let id = context.parameters.get("id") ?? ""
            guard let dossier = try await service.storage.dossier(id: id) else {
                return html(DossierPages.page("dossier", user: user, "<p><a href=\"/dossiers\">← Dossiers de suivi</a></p><p role=\"alert\">Ce dossier n'existe pas (ou a été effacé).</p>"),
                            status: .notFound)
            }
            return html(DossierPages.dossier(dossier, history: try await service.storage.dossierHistory(id: id),
                                             conflicts: try await service.storage.dossierConflicts(dossier: id, unresolvedOnly: true), user: user,
                                             names: try await names(), message: request.uri.queryParameters.get("done").flatMap { messages[$0] }))
        }

        router.post("/dossiers/:id/items/:item") { request, context in
            let user: String
            switch try await allowed(request) { case .user(let name): user = name; case .answer(let response): return response }
            let id = context.parameters.get("id") ?? "", item = context.parameters.get("item") ?? ""
            let form = parseForm(String(decoding: try await Routes.collect(request, upTo: 16 * 1024), as: UTF8.self))
            guard let version = form["version"].flatMap(Int.init), let status = form["status"].flatMap(ItemStatus.init(rawValue:)) else {
                throw Problem(.malformedJSON, "the form needs a version and a status")
            }
            let typedOutcome = (form["outcome"] ?? "").trimmingCharacters(in: .whitespaces)
            let outcome = DossierPages.outcomes.first { $0.value == typedOutcome }?.key ?? String(typedOutcome.prefix(40))
            let note = String((form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines).prefix(FollowUpLimits.note))
            let result = try await service.updateItem(dossier: id, item: item, baseVersion: version,
                                                      change: ItemChange(status: status, note: note, outcome: outcome), by: user)
            let done: String
            switch result {
            case .applied, .nothing: done = "saved"
            case .conflict: done = "conflict"
            case .refused(let why): throw Problem(.malformedJSON, why)
            }
            return Response(status: .seeOther, headers: [.location: "/dossiers/\(id)?done=\(done)"])
        }

        router.post("/dossiers/:id/close") { request, context in
            let user: String
            switch try await allowed(request) { case .user(let name): user = name; case .answer(let response): return response }
            let id = context.parameters.get("id") ?? ""
            _ = try await service.closeDossier(id, reason: "closed_by_team", by: user)
            return Response(status: .seeOther, headers: [.location: "/dossiers/\(id)?done=closed"])
        }

        router.post("/dossiers/:id/erase") { request, context in
            let user: String
            switch try await allowed(request) { case .user(let name): user = name; case .answer(let response): return response }
            let id = context.parameters.get("id") ?? ""
            let form = parseForm(String(decoding: try await Routes.collect(request, upTo: 4096), as: UTF8.self))
            guard form["confirm"] == "yes" else { return Response(status: .seeOther, headers: [.location: "/dossiers/\(id)?done=confirm"]) }
            _ = try await service.eraseDossier(id, by: user)
            return Response(status: .seeOther, headers: [.location: "/dossiers?done=erased"])
        }

        router.post("/conflicts/:seq/resolve") { request, context in
            let user: String
            switch try await allowed(request) { case .user(let name): user = name; case .answer(let response): return response }
            guard let seq = context.parameters.get("seq", as: Int64.self) else { throw Problem(.notFound, "no such conflict") }
            let form = parseForm(String(decoding: try await Routes.collect(request, upTo: 4096), as: UTF8.self))
            let dossier = try await service.storage.dossierConflicts(dossier: nil, unresolvedOnly: true).first { $0.seq == seq }?.conflict.dossier
            _ = try await service.resolveConflict(seq, take: form["take"] == "yes", by: user)
            return Response(status: .seeOther, headers: [.location: dossier.map { "/dossiers/\($0)?done=resolved" } ?? "/dossiers"])
        }
    }

    /// The report for the request's `from`, `to` and `commune` (checked; a bad value is a 400 naming it).
    static func statistics(_ request: Request, service: CentralService) async throws -> StatsReport {
        let parameters = request.uri.queryParameters
        let query = try StatsQuery.parse(from: parameters.get("from"), to: parameters.get("to"), commune: parameters.get("commune"),
                                         today: service.configuration.clock())
        return try await service.statistics(from: query.from, to: query.to, commune: query.commune)
    }

    static func sessionToken(_ request: Request) -> String? {
        guard let header = Routes.header(request, "Cookie") else { return nil }
        for part in header.split(separator: ";") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1).map(String.init)
            if pair.count == 2, pair[0] == cookie { return pair[1] }
        }
        return nil
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8", .init("Content-Security-Policy")!: "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; img-src 'self'"],
                 body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// `application/x-www-form-urlencoded`.
    static func parseForm(_ body: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { $0.replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? String($0) }
            if parts.count == 2 { fields[parts[0]] = parts[1] }
        }
        return fields
    }
}
