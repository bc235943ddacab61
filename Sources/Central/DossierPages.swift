import FollowUp
import Foundation
import Intake

extension CentralService {
    /// The latest published content (its French words for papers and rights, its partners), for the dossier pages.
    func latestContent() -> KioskContent? {
        let base = configuration.dataDirectory.appendingPathComponent("content")
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base.path)) ?? []).compactMap(Int.init).sorted()
        guard let latest = versions.last else { return nil }
        return ContentLoader.load(directory: base.appendingPathComponent("\(latest)")).content
    }
}

/// The dossier pages of the dashboard (pure: what to show is given). French, for the team.
public enum DossierPages {
    /// What the pages name: the French words of the content, the partners, the communes, the boxes.
    public struct Names: Sendable {
        public var texts: TextCatalogue?
        public var services: [String: String]
        public var communes: [String: String]
        public var devices: [String: String]
        public init(texts: TextCatalogue?, services: [String: String], communes: [String: String], devices: [String: String]) {
            self.texts = texts
            self.services = services
            self.communes = communes
            self.devices = devices
        }
        func commune(_ code: String?) -> String { code.map { communes[$0] ?? $0 } ?? "—" }
        func source(_ source: String) -> String {
            if source.hasPrefix("box:") { let id = String(source.dropFirst(4)); return "borne " + (devices[id] ?? String(id.prefix(8))) }
            if source.hasPrefix("user:") { return String(source.dropFirst(5)) }
            return source == "system" ? "automatique" : source
        }
    }

    static let kinds: [ItemKind: String] = [.rightRequested: "Demande envoyée", .paperMissing: "Papier manquant", .appointment: "Rendez-vous à obtenir",
                                            .accompaniment: "Accompagnement", .callBack: "Rappel promis"]
    static let statuses: [ItemStatus: String] = [.todo: "à faire", .awaiting: "en attente d'une réponse", .done: "fait", .cancelled: "annulé"]
    static let outcomes = ["granted": "accordé", "refused": "refusé", "called": "rappelé·e", "appointment_given": "rendez-vous obtenu"]

    static func e(_ text: String) -> String { Dashboard.escape(text) }

    static func subject(_ item: FollowUpItem, _ names: Names) -> String {
        if let subject = item.subject { return names.texts.flatMap { item.catalogueName($0, "fr") } ?? subject }
        if let partner = item.partner { return names.services[partner] ?? partner }
        return ""
    }

    static func itemLine(_ item: FollowUpItem, _ names: Names) -> String {
        var parts = [kinds[item.kind] ?? item.kind.rawValue]
        let what = subject(item, names)
        if !what.isEmpty { parts[0] += " : " + what }
        parts.append(statuses[item.status] ?? item.status.rawValue)
        if let outcome = item.outcome { parts.append("résultat : " + (outcomes[outcome] ?? outcome)) }
        if let due = item.due { parts.append("pour le \(due)") } else if item.nextPermanence && item.status.isOpen { parts.append("à la prochaine permanence") }
        if let note = item.note { parts.append("« \(note) »") }
        return parts.joined(separator: " — ")
    }

    static func page(_ title: String, user: String, _ body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Permanence — \(e(title))</title><style>\(Dashboard.style)
        .conflict { background: #fff4e0; border: 1px solid #e39b2d; border-radius: 8px; padding: 8px 12px; margin: 8px 0; }
        .item form { display: inline-flex; gap: 6px; flex-wrap: wrap; align-items: center; margin: 4px 0 10px; }
        td.code { white-space: nowrap; font-variant-numeric: tabular-nums; }
        .danger { background: #8d1d1d; border-color: #8d1d1d; }
        section.box { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; padding: 8px 16px; margin: 12px 0; }
        </style></head>
        <body><header><h1>Permanence — \(e(title))</h1>
        <form method="post" action="/logout"><span>\(e(user))</span> <button type="submit">Se déconnecter</button></form></header>
        <main>\(body)</main></body></html>
        """
    }

    /// Statistics-only accounts: no dossier, no name.
    public static func forbidden(user: String) -> String {
        page("dossiers de suivi", user: user, "<p><a href=\"/dashboard\">← Tableau de bord</a></p><p role=\"alert\">Votre compte donne accès aux statistiques seulement, pas aux dossiers de suivi.</p>")
    }

    /// The due list: who needs what, conflicts to resolve, and every open dossier.
    public static func list(_ summaries: [DossierSummary], conflicts: Int, today: String, user: String, names: Names, message: String?) -> String {
        let due = summaries.filter { summary in
            summary.status == "open" && summary.items.contains { $0.status.isOpen && ($0.nextPermanence || $0.kind == .callBack || ($0.due.map { $0 <= today } ?? false)) }
        }
        func row(_ summary: DossierSummary) -> String {
            let open = summary.items.filter(\.status.isOpen)
            return "<tr><td class=\"code\"><a href=\"/dossiers/\(e(summary.id))\">\(e(summary.code))</a></td><td>\(e(summary.nickname))</td><td>\(e(names.commune(summary.commune)))</td>"
                + "<td>\(open.map { e(itemLine($0, names)) }.joined(separator: "<br>"))</td><td>\(e(summary.lastActivity))</td>"
                + "<td>\(summary.conflicts > 0 ? "⚠ \(summary.conflicts) conflit(s)" : "")</td></tr>"
        }
        let header = "<tr><th>Code</th><th>Prénom ou surnom</th><th>Commune</th><th>Ce qui reste à faire</th><th>Dernière activité</th><th></th></tr>"
        let body = """
            <p><a href="/dashboard">← Tableau de bord</a></p>
            \(message.map { "<p role=\"status\">\(e($0))</p>" } ?? "")
            <p class="note">Dossiers des personnes qui ont accepté que l'équipe garde leur dossier (sans nom de famille ni numéro de sécurité sociale). Chaque modification est enregistrée avec son auteur.</p>
            \(conflicts > 0 ? "<p class=\"conflict\">⚠ \(conflicts) modification(s) faites en parallèle attendent qu'une personne tranche : ouvrez les dossiers marqués.</p>" : "")
            <h2>À suivre (\(due.count))</h2>
            \(due.isEmpty ? "<p class=\"note\">Rien d'attendu.</p>" : "<table>\(header)\(due.map(row).joined())</table>")
            <h2>Tous les dossiers ouverts (\(summaries.filter { $0.status == "open" }.count))</h2>
            <table>\(header)\(summaries.filter { $0.status == "open" }.map(row).joined())</table>
            """
        return page("dossiers de suivi", user: user, body)
    }

    /// One dossier: its items (each with a form that records a change from the version shown), its conflicts, its history.
    public static func dossier(_ dossier: Dossier, history: [DossierEventRow], conflicts: [StoredConflict], user: String, names: Names, message: String?) -> String {
        let id = e(dossier.id)
        var items = ""
        for item in dossier.items {
            var options = ""
            for status in ItemStatus.allCases { options += "<option value=\"\(status.rawValue)\"\(status == item.status ? " selected" : "")>\(statuses[status]!)</option>" }
            items += """
                <li class="item">\(e(itemLine(item, names))) <span class="note">(version \(item.version), \(e(names.source(item.updatedBy))), \(e(Dashboard.parisTime(item.updatedAt))))</span>
                \(dossier.status == .open ? """
                <form method="post" action="/dossiers/\(id)/items/\(e(item.id))"><input type="hidden" name="version" value="\(item.version)">
                <select name="status" aria-label="Statut">\(options)</select>
                <input name="outcome" placeholder="résultat (accordé, refusé…)" value="\(e(item.outcome.map { outcomes[$0] ?? $0 } ?? ""))" aria-label="Résultat">
                <input name="note" maxlength="\(FollowUpLimits.note)" placeholder="note courte (jamais de détail médical)" value="\(e(item.note ?? ""))" aria-label="Note">
                <button type="submit">Enregistrer</button></form>
                """ : "")</li>
                """
        }
        var conflictBlocks = ""
        for stored in conflicts where stored.resolvedAt == nil {
            let conflict = stored.conflict
            let theirs = conflict.change.map { change -> String in
                var parts: [String] = []
                if let status = change.status { parts.append(statuses[status] ?? status.rawValue) }
                if let outcome = change.outcome { parts.append("résultat : " + (outcomes[outcome] ?? outcome)) }
                if let note = change.note { parts.append("« \(note) »") }
                if let due = change.due { parts.append("pour le \(due)") }
                return parts.joined(separator: ", ")
            } ?? ""
            let what: String
            switch conflict.kind {
            case .parallelUpdate: what = "Deux modifications faites en même temps (depuis la version \(conflict.baseVersion ?? 0))"
            case .closedDossier: what = "Une modification est arrivée après la clôture du dossier (il n'a pas été rouvert)"
            case .codeTaken: what = "Le code de suivi était déjà celui d'un autre dossier"
            }
            conflictBlocks += """
                <div class="conflict"><strong>⚠ \(e(what))</strong><br>
                Actuel : \(e(conflict.current.map { itemLine($0, names) } ?? "—"))<br>
                Autre (\(e(names.source(conflict.source))), \(e(Dashboard.parisTime(conflict.at)))) : \(e(theirs.isEmpty ? "—" : theirs))
                <form method="post" action="/conflicts/\(stored.seq)/resolve"><button name="take" value="no" type="submit">Garder l'actuel</button>
                \(conflict.kind == .parallelUpdate ? "<button name=\"take\" value=\"yes\" type=\"submit\">Prendre l'autre</button>" : "")</form></div>
                """
        }
        var rows = ""
        for event in history.reversed() {
            rows += "<tr><td>\(e(Dashboard.parisTime(event.receivedAt)))</td><td>\(e(names.source(event.source)))</td><td>\(e(historyText(event, dossier: dossier, names: names)))</td>"
                + "<td>\(e(event.outcome == "applied" ? "" : event.outcome == "conflict" ? "⚠ conflit" : event.outcome))</td></tr>"
        }
        let language = Dashboard.languageNames[dossier.language] ?? dossier.language
        let body = """
            <p><a href="/dossiers">← Dossiers de suivi</a></p>
            \(message.map { "<p role=\"status\">\(e($0))</p>" } ?? "")
            <section class="box"><h2>\(e(dossier.nickname))\(dossier.birthYear.map { " (\($0))" } ?? "") — code \(e(dossier.code))</h2>
            <p>\(e(names.commune(dossier.commune))) · \(e(language)) · ouvert le \(e(dossier.openedOn)) · dernière visite \(e(dossier.lastVisit ?? "—"))
            · \(dossier.status == .open ? "ouvert" : "clos le \(e(dossier.closedOn ?? ""))")</p></section>
            \(conflictBlocks)
            <h2>Ce qui est en cours</h2>
            <ul>\(items.isEmpty ? "<li>Rien.</li>" : items)</ul>
            <h2>Historique</h2>
            <table><tr><th>Reçu le (heure de Paris)</th><th>Par</th><th>Quoi</th><th></th></tr>\(rows)</table>
            \(dossier.status == .open ? """
            <section class="box no-print"><h2>Clore ou effacer</h2>
            <form method="post" action="/dossiers/\(id)/close"><button type="submit">Clore le dossier (le suivi est terminé)</button></form>
            <form method="post" action="/dossiers/\(id)/erase"><label><input type="checkbox" name="confirm" value="yes" required> La personne demande l'effacement de son dossier</label>
            <button class="danger" type="submit">Effacer partout</button></form>
            <p class="note">L'effacement retire le dossier d'ici, des enveloppes reçues et des prochains paquets des bornes ; il est enregistré.</p></section>
            """ : "")
            """
        return page("dossier \(dossier.code)", user: user, body)
    }

    /// An event as the team reads it ("CPAM answered: C2S granted").
    static func historyText(_ row: DossierEventRow, dossier: Dossier, names: Names) -> String {
        guard let event = try? JSONDecoder().decode(FollowUpEvent.self, from: Data(row.body.utf8)) else { return row.action }
        func item(_ id: String?) -> FollowUpItem? { dossier.items.first { $0.id == id } }
        switch event.action {
        case .open: return "Dossier ouvert" + (event.item.map { " avec : " + itemLine($0, names) } ?? "")
        case .visit: return "Visite à la permanence"
        case .addItem: return "Ajouté : " + (event.item.map { itemLine($0, names) } ?? "")
        case .updateItem:
            let target = item(event.itemID)
            var what = target.map { (kinds[$0.kind] ?? "") + (subject($0, names).isEmpty ? "" : " : " + subject($0, names)) } ?? "élément"
            var parts: [String] = []
            if let status = event.change?.status { parts.append(statuses[status] ?? status.rawValue) }
            if let outcome = event.change?.outcome { parts.append("résultat : " + (outcomes[outcome] ?? outcome)) }
            if let note = event.change?.note { parts.append("« \(note) »") }
            what += " → " + parts.joined(separator: ", ")
            return what
        case .close: return "Dossier clos" + (event.reason == "inactive" ? " (sans activité depuis 12 mois)" : "")
        }
    }
}
