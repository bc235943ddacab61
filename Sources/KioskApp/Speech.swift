import Documents
import Foundation
import Intake
import Rights

/// One piece of what is read aloud: a text in a language (its catalogue voice), or a recorded clip of content by key.
public struct SpokenPart: Sendable, Equatable {
    public var language: String
    public var text: String
    /// A question id or catalogue key: `Kiosk/audio/LANGUAGE/KEY.wav` is played instead of the synthesis when present.
    public var clip: String?
    public init(language: String, text: String, clip: String? = nil) {
        self.language = language
        self.text = text
        self.clip = clip
    }
}

/// Which visitor languages this box can read aloud, and when some cannot, why (for the mediator).
public struct SpeechSupport: Sendable, Equatable {
    public var languages: Set<String>
    /// In French, for the mediator's status screen: what is missing (espeak-ng, an audio device, a voice).
    public var problems: [String]
    public init(languages: Set<String> = [], problems: [String] = []) {
        self.languages = languages
        self.problems = problems
    }
}

extension AppState {
    /// The Listen target is offered: visitor mode, and a voice (and a way to play it) for the visitor's language.
    var canListen: Bool { mode == .visitor && config.speech.languages.contains(language) }

    /// On the language screen: some offered language can be read aloud.
    var canListenToLanguages: Bool { mode == .visitor && config.languages.contains(where: config.speech.languages.contains) }

    /// What the current visitor screen says aloud (pure): the question, then its choices with their digits; the ticket's
    /// number and papers; a sheet; the numbers to call. Nil when there is nothing to say.
    public func spokenScreen() -> [SpokenPart] {
        let language = self.language
        func say(_ texts: [String], clip: String? = nil) -> [SpokenPart] {
            let text = texts.map(sayable).filter { !$0.isEmpty }.joined(separator: " ")
            return text.isEmpty ? [] : [SpokenPart(language: language, text: text, clip: clip)]
        }
        if visitor.showingUrgent {
            return say(["n15", "n112", "n114", "n116117", "n3114"].map { spokenUI("ui.urgent.\($0)") }.map(ending)
                       + [spokenUI("ui.urgent.first")])
        }
        switch visitor.phase {
        case .welcome:
            // Each language in its own voice: "For English, touch 2."
            return config.languages.enumerated().compactMap { index, code in
                guard config.speech.languages.contains(code) else { return nil }
                let text = sayable(ui("ui.listen_language", in: code, ["digit": .integer(index + 1)]))
                return text.isEmpty ? nil : SpokenPart(language: code, text: text)
            }
        case .home:
            let labels = KioskApp.homeChoices(self).map { spokenUI(homeKey($0)) }
            return say([spokenUI("ui.home.title")] + Self.numbered(labels))
        case .papersChoice:
            return say([spokenUI("ui.papers.choose")] + Self.numbered(AppState.paperRights.map { content.texts.render($0.message, language) }))
        case .sheet(let kind):
            let sheet = self.sheet(kind, in: language)
            return say([ending(sheet.title)] + sheet.intro + sheet.sections.flatMap { [ending($0.heading)] + $0.lines.map(ending) })
        case .ticket:
            var texts = ["\(ui("ui.your_number", in: language)): \(visitor.ticket ?? 0)."]
            if case .onNow = permanenceToday { texts.append(spokenUI("ui.please_wait")) } else { texts += permanenceLines(in: language) }
            texts.append(spokenUI("ui.to_bring"))
            let documents = KioskApp.checklist(visitor.evaluation, language: language, texts: content.texts)
            texts += documents.isEmpty ? [spokenUI("ui.nothing_to_bring")] : documents.map(ending)
            return say(texts)
        case .callbackSent:
            return say([spokenUI("ui.callback.sent")])
        case .checkin, .rights, .selfCheck, .callback:
            guard let flow = visitor.flow else { return [] }
            guard let question = flow.current else {
                return say([spokenUI("ui.review_title"), spokenUI("ui.review_help")])
            }
            return say(Self.questionSpeech(question, language: language, texts: content.texts), clip: question.id)
        }
    }

    /// A question as it is read aloud in the visitor's language: its label and help (their spoken variants where
    /// content gives them), then its choices with their digits ("1, Oui. 2, Non."). `kiosk speak --key` says the same.
    public static func questionSpeech(_ question: Question, language: String, texts: TextCatalogue) -> [String] {
        func spoken(_ part: String, _ written: String) -> String {
            let variant = "\(TextKeys.spokenPrefix)question.\(question.id).\(part)"
            return texts.has(variant, language) ? texts.text(variant, language) : written
        }
        var said = [ending(spoken("label", question.label[language]))]
        if let help = question.help?[language] { said.append(ending(spoken("help", help))) }
        return said + numbered(question.displayedChoices.map { $0.label[language] })
    }

    /// Choices as they are said: "1, Oui. 2, Non."
    static func numbered(_ labels: [String]) -> [String] { labels.enumerated().map { "\($0.offset + 1), \(ending($0.element))" } }

    /// A catalogue text as it is read aloud: its `spoken.KEY` variant in the visitor's language when content gives one.
    func spokenUI(_ key: String, _ arguments: [String: MessageArgument] = [:]) -> String {
        let variant = TextKeys.spokenPrefix + key
        return content.texts.has(variant, language) ? content.texts.text(variant, language, arguments) : ui(key, in: language, arguments)
    }

    /// A text as the voice should read it: the language's spoken forms for words it reads badly ("AME" → "A M E"),
    /// and no marks a voice would spell out.
    func sayable(_ text: String) -> String { Self.sayable(text, spoken: content.texts.language(language)?.spoken ?? [:]) }

    /// The same with a language's spoken forms given: what `kiosk speak` sends too.
    public static func sayable(_ text: String, spoken: [String: String]) -> String {
        var words: [String] = []
        for token in text.split(whereSeparator: { $0.isWhitespace }) {
            var word = String(token)
            if ["☐", "•", "←", "→", "▲", "▼", "ⓘ", "—", "…"].contains(word) { continue }
            word = word.replacingOccurrences(of: "←", with: "").replacingOccurrences(of: "→", with: "")
            // The word without the punctuation around it, looked up, the punctuation kept (it makes the voice pause).
            let core = word.trimmingCharacters(in: CharacterSet(charactersIn: ".,;:!?()«»\"'"))
            if let said = spoken[core], let range = word.range(of: core) { word.replaceSubrange(range, with: said) }
            if !word.isEmpty { words.append(word) }
        }
        return words.joined(separator: " ")
    }

    /// Ends a line with a full stop when it has no final punctuation (the voice pauses between lines).
    func ending(_ text: String) -> String { Self.ending(text) }

    static func ending(_ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let last = trimmed.last, !".!?:;…".contains(last) else { return trimmed }
        return trimmed + "."
    }
}
