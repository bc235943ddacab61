import Intake
import Terminal

/// Every character the kiosk can put on a visitor's screen: the catalogue's visitor texts and the questionnaires
/// in each offered language, the languages' names, and the signs the screens draw themselves (frames, arrows,
/// marks, the big digits). The console font of the box must have a glyph for each (`kiosk doctor`, tests).
public enum ScreenCharacters {
    /// The signs the widgets and screens draw besides text.
    public static let drawn = "┌─┐│└┘▲▼☐●█ⓘ←→·—…[]x0123456789:"

    public static func all(_ content: KioskContent, languages: [String]) -> [String: String] {
        var byLanguage: [String: String] = [:]
        let texts = content.texts
        let questionnaireTexts = TextCatalogue.questionnaireTexts(content.questionnaires)
        for language in languages {
            var text = drawn + (texts.language(language)?.name ?? "")
            for key in texts.visitorKeys {
                for form in (texts.entries[key]?[language] ?? texts.entries[key]?["fr"])?.forms.values ?? [:].values { text += form }
            }
            for (_, localized) in questionnaireTexts { text += localized[language] }
            for commune in content.communes.communes { text += commune.name }
            byLanguage[language] = text
        }
        return byLanguage
    }

    /// What a console font lacks for each language: language → missing characters (only languages that lack something).
    public static func missing(_ font: ConsoleFont, _ content: KioskContent, languages: [String]) -> [String: [Unicode.Scalar]] {
        all(content, languages: languages).compactMapValues { text in
            let missing = font.missing(in: text)
            return missing.isEmpty ? nil : missing
        }
    }

    /// The languages the bare console can show (the fallback display): every screen character in its font, and read left
    /// to right (the console joins nothing and reverses nothing). French is always kept. Without a readable font, only
    /// the right-to-left languages are left out.
    public static func consoleLanguages(_ languages: [String], font: ConsoleFont?, content: KioskContent) -> [String] {
        let lacking: [String: [Unicode.Scalar]] = font.map { Self.missing($0, content, languages: languages) } ?? [:]
        return languages.filter { $0 == "fr" || (lacking[$0] == nil && content.texts.language($0)?.rightToLeft != true) }
    }

    /// The families of foot's `font=` line (foot.ini), in fallback order.
    public static func fontFamilies(footConfiguration text: String) -> [String] {
        text.split(separator: "\n").first { $0.hasPrefix("font=") }
            .map { $0.dropFirst(5).split(separator: ",").map { String($0.split(separator: ":")[0]).trimmingCharacters(in: .whitespaces) } } ?? []
    }

    /// What foot's fonts lack for each language (the graphical display): the files fontconfig picks for the families of
    /// foot's configuration, their character sets (fc-query), and each language's screen characters not in any of them.
    /// Nil when fontconfig finds none of the fonts.
    public static func missingInFonts(footConfiguration text: String, _ content: KioskContent, languages: [String]) -> (files: [String], missing: [String: [Unicode.Scalar]])? {
        var ranges: [ClosedRange<UInt32>] = []
        var files: [String] = []
        for family in fontFamilies(footConfiguration: text) {
            let file = Spawn.run("/usr/bin/fc-match", ["--format=%{file}", family]).output
            guard !file.isEmpty, !files.contains(file) else { continue }
            files.append(file)
            for part in Spawn.run("/usr/bin/fc-query", ["--format=%{charset}", file]).output.split(separator: " ") {
                let bounds = part.split(separator: "-").compactMap { UInt32($0, radix: 16) }
                if bounds.count == 1 { ranges.append(bounds[0]...bounds[0]) } else if bounds.count == 2, bounds[0] <= bounds[1] { ranges.append(bounds[0]...bounds[1]) }
            }
        }
        guard !ranges.isEmpty else { return nil }
        var missing: [String: [Unicode.Scalar]] = [:]
        for (language, text) in all(content, languages: languages) {
            let lacking = Set(text.unicodeScalars.filter { scalar in
                scalar.value > 0x20 && scalar.properties.generalCategory != .format && scalar.properties.generalCategory != .nonspacingMark
                    && !ranges.contains { $0.contains(scalar.value) }
            })
            if !lacking.isEmpty { missing[language] = lacking.sorted { $0.value < $1.value } }
        }
        return (files, missing)
    }

    /// The installed kiosk unit's text (/etc/systemd/system, else /lib/systemd/system), nil when none is installed.
    public static func installedKioskUnit() -> String? {
        ["/etc/systemd/system/permanence-kiosk.service", "/lib/systemd/system/permanence-kiosk.service"]
            .lazy.compactMap { try? String(contentsOfFile: $0, encoding: .utf8) }.first
    }

    /// The console font a kiosk unit sets (`setfont PATH` in its ExecStartPre), if any.
    public static func fontPath(inUnit text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix("ExecStartPre") && line.contains("setfont") {
            let words = line.split(separator: " ")
            if let path = words.first(where: { $0.hasPrefix("/") && $0.contains("consolefonts") }) { return String(path) }
        }
        return nil
    }
}
