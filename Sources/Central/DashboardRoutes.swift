import Foundation
import Hummingbird
import NIOCore
import SyncProtocol

/// The coordinators' routes: login, logout, the dashboard, the statistics as JSON and CSV.
/// All but the login page need a session cookie; the statistics never show a count under the threshold.
enum DashboardRoutes {
    static let cookie = "permanence_session"

    static func add(to router: Router<BasicRequestContext>, service: CentralService) {
        router.get("/login") { _, _ in html(Dashboard.login(message: nil)) }

        router.post("/login") { request, _ in
            let body = try await Routes.collect(request, upTo: 16 * 1024)
            let form = parseForm(String(decoding: body, as: UTF8.self))
            guard let user = form["user"], let password = form["password"],
                  let token = try await service.login(name: user, password: password) else {
                return html(Dashboard.login(message: "Identifiant ou mot de passe incorrect."), status: .unauthorized)
            }
            var response = Response(status: .seeOther, headers: [.location: "/dashboard"])
            response.headers[.setCookie] = "\(cookie)=\(token); Path=/; HttpOnly; SameSite=Strict; Max-Age=\(Int(CentralService.sessionLifetime))"
            return response
        }

        router.post("/logout") { request, _ in
            if let token = sessionToken(request) { try await service.logout(token) }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            response.headers[.setCookie] = "\(cookie)=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0"
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
            let done = request.uri.queryParameters.get("done") != nil
            return html(Dashboard.callbacks(try await service.callbackRequests(), user: user, communes: service.communeNames(),
                                            message: done ? "Rappel marqué comme fait." : nil))
        }

        router.post("/callbacks/:id/done") { request, context in
            guard let user = try await service.sessionUser(sessionToken(request)) else {
                return Response(status: .seeOther, headers: [.location: "/login"])
            }
            let id = context.parameters.get("id") ?? ""
            _ = try await service.markCallbackDone(id, by: user)
            return Response(status: .seeOther, headers: [.location: "/callbacks?done=1"])
        }

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
