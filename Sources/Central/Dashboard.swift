import Foundation

/// The dashboard page and the CSV export, from a report (pure: no storage, no clock).
/// Charts are SVG drawn here; the page has no script and loads nothing from elsewhere.
public enum Dashboard {
    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }

    static let style = """
        :root { --ink: #1d2733; --muted: #5b6776; --bar: #2f6f9f; --bar2: #e39b2d; --hidden: #c9d1da; }
        * { box-sizing: border-box; }
        body { font: 16px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0; background: #f5f7f9; }
        header { background: #1d3b55; color: #fff; padding: 14px 24px; display: flex; justify-content: space-between; align-items: center; flex-wrap: wrap; gap: 8px; }
        header h1 { font-size: 20px; margin: 0; font-weight: 600; }
        header form { margin: 0; }
        main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 48px; }
        .filters { display: flex; gap: 12px; align-items: end; flex-wrap: wrap; background: #fff; padding: 12px 16px; border-radius: 8px; border: 1px solid #dde3ea; }
        .filters label { display: flex; flex-direction: column; font-size: 14px; color: var(--muted); gap: 4px; }
        input, select, button { font: inherit; padding: 6px 8px; border: 1px solid #b9c3ce; border-radius: 6px; background: #fff; }
        button { background: #1d3b55; color: #fff; border-color: #1d3b55; cursor: pointer; }
        header button { background: transparent; border-color: #fff; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin: 16px 0; }
        .card { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; padding: 12px 16px; }
        .card .value { font-size: 30px; font-weight: 700; }
        .card .label { color: var(--muted); font-size: 14px; }
        .grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(480px, 1fr)); gap: 16px; }
        figure.chart { background: #fff; border: 1px solid #dde3ea; border-radius: 8px; margin: 0; padding: 12px 16px; break-inside: avoid; }
        figcaption { font-weight: 600; margin-bottom: 8px; }
        svg { width: 100%; height: auto; display: block; }
        svg text { font: 15px system-ui, sans-serif; fill: var(--ink); }
        .note { color: var(--muted); font-size: 13px; }
        table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 8px; }
        td, th { text-align: left; padding: 2px 6px; border-bottom: 1px solid #eef1f4; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; }
        .legend span { display: inline-block; margin-right: 14px; font-size: 13px; }
        .swatch { display: inline-block; width: 10px; height: 10px; margin-right: 4px; vertical-align: middle; }
        @media print { header form, .filters, .no-print { display: none; } body { background: #fff; } figure.chart, .card { border-color: #999; } }
        """

    /// The full page for a signed-in coordinator.
    public static func page(_ report: StatsReport, user: String, communes: [(code: String, name: String)]) -> String {
        let query = "from=\(report.from)&to=\(report.to)" + (report.commune.map { "&commune=\($0)" } ?? "")
        let place = report.commune.map { code in communes.first { $0.code == code }?.name ?? code } ?? "toutes les communes"
        var options = "<option value=\"\">Toutes les communes</option>"
        for commune in communes {
            options += "<option value=\"\(escape(commune.code))\"\(commune.code == report.commune ? " selected" : "")>\(escape(commune.name))</option>"
        }
        let gaveUp = report.gaveUpCare.first { $0.key == "yes" }?.count.display ?? "0"
        let c2s = report.rights.filter { $0.key.hasPrefix("c2s") }.compactMap(\.count.count).reduce(0, +)
        return """
            <!DOCTYPE html>
            <html lang="fr">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Permanence — tableau de bord</title>
            <style>\(style)</style>
            </head>
            <body>
            <header>
            <h1>Permanence — ce que disent les permanences</h1>
            <form method="post" action="/logout"><span>\(escape(user))</span> <button type="submit">Se déconnecter</button></form>
            </header>
            <main>
            <p class="no-print"><a href="/callbacks">Rappels demandés aux bornes →</a> · <a href="/dossiers">Dossiers de suivi →</a></p>
            <form class="filters" method="get" action="/dashboard">
            <label>Du <input type="date" name="from" value="\(report.from)" required></label>
            <label>Au <input type="date" name="to" value="\(report.to)" required></label>
            <label>Territoire <select name="commune">\(options)</select></label>
            <button type="submit">Afficher</button>
            <a class="no-print" href="/v1/stats.csv?\(escape(query))">Télécharger en CSV</a>
            </form>
            <p class="note">Période du \(report.from) au \(report.to), \(escape(place)). Les effectifs inférieurs à \(report.threshold) sont masqués (« &lt; \(report.threshold) »), et un second effectif l'est aussi quand un total permettrait de les retrouver. Aucune donnée ne permet d'identifier une personne.</p>
            <section class="cards">
            <div class="card"><div class="value">\(report.visits.display)</div><div class="label">passages</div></div>
            <div class="card"><div class="value">\(gaveUp)</div><div class="label">personnes ayant renoncé à des soins</div></div>
            <div class="card"><div class="value">\(c2s)</div><div class="label">droits à la C2S repérés (effectifs publiables)</div></div>
            <div class="card"><div class="value">\(report.urgent?.display ?? "0")</div><div class="label">besoins de soins urgents</div></div>
            </section>
            <section class="grid">
            \(figure("Passages par semaine", columns(report.visitsByWeek), table(report.visitsByWeek)))
            \(figure("Passages par commune", bars(report.visitsByCommune), table(report.visitsByCommune)))
            \(figure("Droits repérés et suivis d'un formulaire imprimé", bars(report.rights, secondary: true), table(report.rights, secondary: true), legend: rightsLegend))
            \(figure("Raisons du renoncement aux soins", bars(report.gaveUpReasons), table(report.gaveUpReasons)))
            \(figure("Motifs de venue", bars(report.reasons), table(report.reasons)))
            \(figure("Intérêt pour la prévention", bars(report.prevention), table(report.prevention)))
            \(figure("Langues utilisées", bars(report.languages), table(report.languages)))
            \(figure("Attente avant d'être reçu", bars(report.waiting), table(report.waiting)))
            </section>
            </main>
            </body>
            </html>
            """
    }

    static let rightsLegend = #"<p class="legend"><span><i class="swatch" style="background:var(--bar)"></i>droit repéré</span><span><i class="swatch" style="background:var(--bar2)"></i>formulaire imprimé</span></p>"#

    static func figure(_ title: String, _ chart: String, _ table: String, legend: String = "") -> String {
        "<figure class=\"chart\"><figcaption>\(escape(title))</figcaption>\(legend)\(chart)\(table)</figure>"
    }

    static func table(_ lines: [StatLine], secondary: Bool = false) -> String {
        var rows = ""
        for line in lines {
            rows += "<tr><td>\(escape(line.label))</td><td class=\"n\">\(escape(line.count.display))</td>"
                + (secondary ? "<td class=\"n\">\(escape(line.printed?.display ?? "0"))</td>" : "") + "</tr>"
        }
        let head = secondary ? "<tr><th></th><th>repérés</th><th>imprimés</th></tr>" : ""
        let table = "<table>\(head)\(rows)</table>"
        // Long tables fold away on screen (the chart says it); the figures stay one click away.
        return lines.count > 12 ? "<details><summary>Les \(lines.count) chiffres</summary>\(table)</details>" : table
    }

    /// Horizontal bars; suppressed counts drawn as a dashed outline labelled "< 5".
    static func bars(_ lines: [StatLine], secondary: Bool = false) -> String {
        guard !lines.isEmpty else { return "<p class=\"note\">Aucune donnée sur la période.</p>" }
        let width = 680.0, labelWidth = 270.0, rowHeight = secondary ? 40.0 : 28.0, top = 4.0
        let maximum = Double(max(1, lines.compactMap(\.count.count).max() ?? 1))
        let plot = width - labelWidth - 60
        var svg = "<svg class=\"bars\" viewBox=\"0 0 \(Int(width)) \(Int(top * 2 + rowHeight * Double(lines.count)))\" role=\"img\" aria-label=\"diagramme en barres\">"
        for (index, line) in lines.enumerated() {
            let y = top + rowHeight * Double(index)
            svg += "<text x=\"\(Int(labelWidth - 8))\" y=\"\(Int(y + 15))\" text-anchor=\"end\">\(escape(String(line.label.prefix(32))))</text>"
            svg += bar(line.count, x: labelWidth, y: y + 4, height: 16, plot: plot, maximum: maximum, color: "var(--bar)")
            if secondary, let printed = line.printed {
                svg += bar(printed, x: labelWidth, y: y + 22, height: 12, plot: plot, maximum: maximum, color: "var(--bar2)")
            }
        }
        return svg + "</svg>"
    }

    static func bar(_ count: PublishedCount, x: Double, y: Double, height: Double, plot: Double, maximum: Double, color: String) -> String {
        if let value = count.count {
            let length = max(value > 0 ? 2 : 0, plot * Double(value) / maximum)
            return "<rect x=\"\(Int(x))\" y=\"\(Int(y))\" width=\"\(Int(length))\" height=\"\(Int(height))\" fill=\"\(color)\"></rect>"
                + "<text x=\"\(Int(x + length + 4))\" y=\"\(Int(y + height - 2))\">\(value)</text>"
        }
        return "<rect x=\"\(Int(x))\" y=\"\(Int(y))\" width=\"18\" height=\"\(Int(height))\" fill=\"none\" stroke=\"var(--hidden)\" stroke-dasharray=\"3 2\"></rect>"
            + "<text x=\"\(Int(x + 24))\" y=\"\(Int(y + height - 2))\" fill=\"#5b6776\">\(escape(count.display))</text>"
    }

    /// Vertical bars (weeks).
    static func columns(_ lines: [StatLine]) -> String {
        guard !lines.isEmpty else { return "<p class=\"note\">Aucune donnée sur la période.</p>" }
        let width = 640.0, height = 220.0, bottom = 40.0, left = 30.0
        let maximum = Double(max(1, lines.compactMap(\.count.count).max() ?? 1))
        let step = (width - left) / Double(lines.count)
        let barWidth = max(2, step * 0.75)
        var svg = "<svg class=\"columns\" viewBox=\"0 0 \(Int(width)) \(Int(height))\" role=\"img\" aria-label=\"passages par semaine\">"
        svg += "<line x1=\"\(Int(left))\" y1=\"\(Int(height - bottom))\" x2=\"\(Int(width))\" y2=\"\(Int(height - bottom))\" stroke=\"#9aa6b2\"></line>"
        svg += "<text x=\"0\" y=\"12\">\(Int(maximum))</text>"
        let labelEvery = max(1, lines.count / 8)
        for (index, line) in lines.enumerated() {
            let x = left + step * Double(index)
            let plot = height - bottom - 16
            if let value = line.count.count {
                let h = plot * Double(value) / maximum
                svg += "<rect x=\"\(String(format: "%.1f", x))\" y=\"\(String(format: "%.1f", height - bottom - h))\" width=\"\(String(format: "%.1f", barWidth))\" height=\"\(String(format: "%.1f", h))\" fill=\"var(--bar)\"><title>\(escape(line.label)) : \(value)</title></rect>"
            } else {
                svg += "<rect x=\"\(String(format: "%.1f", x))\" y=\"\(Int(height - bottom - 10))\" width=\"\(String(format: "%.1f", barWidth))\" height=\"10\" fill=\"none\" stroke=\"var(--hidden)\" stroke-dasharray=\"3 2\"><title>\(escape(line.label)) : \(escape(line.count.display))</title></rect>"
            }
            if index % labelEvery == 0 {
                svg += "<text x=\"\(String(format: "%.1f", x))\" y=\"\(Int(height - bottom + 16))\">\(escape(String(line.label.suffix(3))))</text>"
            }
        }
        return svg + "</svg>"
    }

    /// The login page (with a message after a failed attempt or an expired session).
    public static func login(message: String?) -> String {
        """
        <!DOCTYPE html>
        <html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
        <title>Permanence — connexion</title><style>\(style) main { max-width: 420px; } form.login { background: #fff; padding: 20px; border-radius: 8px; border: 1px solid #dde3ea; display: grid; gap: 12px; }</style></head>
        <body><header><h1>Permanence — tableau de bord</h1></header><main>
        <form class="login" method="post" action="/login">
        \(message.map { "<p role=\"alert\">\(escape($0))</p>" } ?? "")
        <label>Identifiant <input name="user" autocomplete="username" required></label>
        <label>Mot de passe <input name="password" type="password" autocomplete="current-password" required></label>
        <button type="submit">Se connecter</button>
        </form></main></body></html>
        """
    }

    /// The report as CSV (`section,key,label,count[,printed]`), suppressed cells as "< 5".
    public static func csv(_ report: StatsReport) -> String {
        func field(_ text: String) -> String {
            text.contains(where: { ",\"\n".contains($0) }) ? "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : text
        }
        var lines = ["section,key,label,count,printed", "period,from,\(report.from),,", "period,to,\(report.to),,",
                     "territory,commune,\(field(report.commune ?? "toutes")),,", "visits,all,Passages,\(field(report.visits.display)),"]
        let sections: [(String, [StatLine])] = [("visits_by_week", report.visitsByWeek), ("visits_by_commune", report.visitsByCommune),
                                                 ("rights", report.rights), ("gave_up_care", report.gaveUpCare),
                                                 ("gave_up_reasons", report.gaveUpReasons), ("reasons", report.reasons),
                                                 ("prevention", report.prevention), ("languages", report.languages), ("waiting", report.waiting)]
        for (section, entries) in sections {
            for line in entries {
                lines.append("\(section),\(field(line.key)),\(field(line.label)),\(field(line.count.display)),\(field(line.printed?.display ?? ""))")
            }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
