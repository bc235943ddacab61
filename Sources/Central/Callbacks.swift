import Foundation
import Hummingbird
import Intake
import SyncProtocol

/// A call-back request as the team sees it: opened from its sealed envelope, with whether it was done and by whom.
public struct CallbackEntry: Sendable, Equatable {
    public var id: String
    public var device: String
    public var receivedAt: String
    public var record: CallbackRecord
    public var doneAt: String?
    public var doneBy: String?
}

extension CentralService {
    /// The call-back requests received (newest first), opened with the records key; they stay sealed at rest, in
    /// the envelopes. A request whose record cannot be opened or read is left out (and logged, without its content).
    public func callbackRequests(limit: Int = 500) async throws -> [CallbackEntry] {
        guard let recordsKey = keys.records else {
            throw Problem(.storageUnavailable, "the records key is missing here: call-back requests cannot be opened (give --records-key)")
        }
        let done = try await storage.callbacksDone()
        var entries: [CallbackEntry] = []
        for stored in try await storage.envelopes(kind: CallbackRecord.kind, limit: limit) {
            guard let envelope = try? JSONDecoder().decode(Envelope.self, from: stored.body),
                  let plaintext = try? Seal.open(envelope, with: recordsKey), let record = CallbackRecord.decode(plaintext) else {
                logger.warning("a call-back request could not be read", metadata: ["envelope": "\(stored.id)"])
                continue
            }
            entries.append(CallbackEntry(id: stored.id, device: stored.device, receivedAt: stored.receivedAt, record: record,
                                         doneAt: done[stored.id]?.at, doneBy: done[stored.id]?.by))
        }
        return entries
    }

    /// Marks a call-back request done by a signed-in user (audited); false when it was done already.
    public func markCallbackDone(_ id: String, by user: String) async throws -> Bool {
        guard let body = try await storage.envelopeBody(id: id), (try? JSONDecoder().decode(Envelope.self, from: body))?.kind == CallbackRecord.kind else {
            throw Problem(.notFound, "no call-back request \(id)")
        }
        let changed = try await storage.markCallbackDone(id: id, by: user, at: now)
        if changed { logger.info("call-back request marked done", metadata: ["envelope": "\(id)"]) }
        return changed
    }

    public func auditLog() async throws -> [CentralAuditEntry] { try await storage.auditLog() }
}

extension Dashboard {
    static let moments = ["morning": "le matin", "afternoon": "l'après-midi", "evening": "en fin de journée", "any": "n'importe quand"]
    static let languageNames = ["fr": "français", "en": "anglais", "es": "espagnol", "ro": "roumain", "uk": "ukrainien",
                                "ar": "arabe", "prs": "dari", "ps": "pachto", "ti": "tigrigna"]

    /// A stored UTC time as Paris reads it ("01/12/2026 08:05"); as stored when unreadable.
    static func parisTime(_ stamp: String) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let plain = ISO8601DateFormatter()
        guard let date = formatter.date(from: stamp) ?? plain.date(from: stamp) else { return stamp }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Europe/Paris")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%02d/%02d/%04d %02d:%02d", parts.day!, parts.month!, parts.year!, parts.hour!, parts.minute!)
    }

    /// The call-back requests, to do first then done, each with a button to mark it done.
    public static func callbacks(_ entries: [CallbackEntry], user: String, communes: [String: String], message: String? = nil) -> String {
        func row(_ entry: CallbackEntry) -> String {
            let record = entry.record
            let commune = record.commune.map { communes[$0] ?? $0 } ?? "—"
            let language = languageNames[record.language] ?? record.language
            let state = entry.doneAt.map { "fait le \(escape(parisTime($0))) par \(escape(entry.doneBy ?? ""))" }
                ?? "<form method=\"post\" action=\"/callbacks/\(escape(entry.id))/done\"><button type=\"submit\">Marquer comme fait</button></form>"
            return "<tr\(entry.doneAt == nil ? "" : " class=\"done\"")><td>\(escape(parisTime(record.createdAt)))</td>"
                + "<td>\(escape(record.name))</td><td class=\"phone\"><a href=\"tel:\(escape(record.phone.filter { $0 != " " }))\">\(escape(record.phone))</a></td>"
                + "<td>\(escape(language))</td><td>\(escape(moments[record.moment] ?? record.moment))</td><td>\(escape(commune))</td><td>\(state)</td></tr>"
        }
        let open = entries.filter { $0.doneAt == nil }, done = entries.filter { $0.doneAt != nil }
        let header = "<tr><th>Demandé le (horloge de la borne, heure de Paris)</th><th>Prénom ou surnom</th><th>Téléphone</th><th>Langue</th><th>Moment</th><th>Borne de</th><th></th></tr>"
        return """
            <!DOCTYPE html>
            <html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Permanence — rappels demandés</title><style>\(style) tr.done td { color: var(--muted); } td.phone { white-space: nowrap; font-variant-numeric: tabular-nums; }</style></head>
            <body><header><h1>Permanence — rappels demandés</h1>
            <form method="post" action="/logout"><span>\(escape(user))</span> <button type="submit">Se déconnecter</button></form></header>
            <main>
            <p><a href="/dashboard">← Tableau de bord</a></p>
            \(message.map { "<p role=\"status\">\(escape($0))</p>" } ?? "")
            <p class="note">Demandes laissées aux bornes entre deux permanences. Ces numéros ne servent qu'à rappeler la personne, dans sa langue ; qui marque un rappel comme fait est enregistré.</p>
            <h2>À rappeler (\(open.count))</h2>
            \(open.isEmpty ? "<p class=\"note\">Aucune demande en attente.</p>" : "<table class=\"callbacks\">\(header)\(open.map(row).joined())</table>")
            <h2>Faits (\(done.count))</h2>
            \(done.isEmpty ? "<p class=\"note\">Aucun.</p>" : "<table class=\"callbacks done\">\(header)\(done.map(row).joined())</table>")
            </main></body></html>
            """
    }
}
