import Foundation
import Intake
import KioskApp
import Terminal
import Testing
import TestSupport

/// Reading aloud: what each screen says, the Listen target and its key, synthesis by espeak-ng, one utterance at a time.
@Suite("Listen", .serialized)
struct SpeechTests {
    static let visitorLanguages = ["fr", "en", "es", "ro", "uk"]

    func speakingState(languages: Set<String> = Set(Self.visitorLanguages), now: String = "2026-11-24T10:00:00+01:00") -> AppState {
        var state = makeState(now: now)
        state.config.speech = SpeechSupport(languages: languages)
        return state
    }

    @Test("F1 (or the target) reads the question, then its choices with their digits; any key stops; F1 again reads again")
    func listenKey() {
        var state = speakingState()
        type(&state, "1"); type(&state, "1")   // French, see the team
        #expect(screen(state).contains("▶ Écouter (F1)"))
        let effects = send(&state, .function(1))
        guard case .speak(let parts)? = effects.first else { Issue.record("no speech: \(effects)"); return }
        #expect(parts.count == 1 && parts[0].language == "fr" && parts[0].clip == "consent")
        #expect(parts[0].text.hasPrefix("Vos réponses sont confidentielles. Êtes-vous d'accord pour continuer ?"))
        #expect(parts[0].text.contains("1, Oui. L'équipe peut garder mon dossier"))
        #expect(parts[0].text.contains("2, Oui, mais mon dossier reste ici."))
        #expect(state.visitor.speaking && screen(state).contains("▶ Lecture…"), "speaking is shown")
        // Any key stops first, then does what it does.
        let next = type(&state, "1")
        #expect(next.first == .stopSpeaking)
        #expect(!state.visitor.speaking && state.visitor.flow?.current?.id == "first_name")
        // A tap on the target reads this screen.
        let tapped = tap(&state, "▶ Écouter")
        guard case .speak(let again)? = tapped.first else { Issue.record("tap: \(tapped)"); return }
        #expect(again.first?.text.hasPrefix("Votre prénom, ou un surnom.") == true)
    }

    @Test("A language with no voice here: no Listen target, F1 does nothing, the box goes on")
    func noVoice() {
        var state = speakingState(languages: ["fr"])
        type(&state, "2"); type(&state, "1")   // English, no voice
        #expect(!screen(state).contains("Listen"))
        #expect(send(&state, .function(1)).isEmpty)
        type(&state, "1")
        #expect(state.visitor.flow?.current?.id == "first_name")
        var none = makeState()   // nothing can speak
        #expect(!screen(none).contains("▶"))
        #expect(send(&none, .function(1)).isEmpty)
    }

    @Test("The language screen says each language in its own voice, with its digit")
    func welcome() {
        var state = speakingState(languages: ["fr", "uk"])
        #expect(screen(state).contains("▶ Écouter (F1) · ▶ Слухати (F1)"))
        guard case .speak(let parts)? = send(&state, .function(1)).first else { Issue.record("no speech"); return }
        #expect(parts == [SpokenPart(language: "fr", text: "Pour le français, touchez le 1."),
                          SpokenPart(language: "uk", text: "Українська мова: торкніться 5.")])
    }

    @Test("The ticket reads the number and the papers; acronyms are said as the language's spoken forms")
    func ticket() {
        var state = speakingState()
        throughCheckIn(&state)
        confirmCheckIn(&state, ticket: 12)
        throughRights(&state)
        send(&state, .enter)
        guard case .speak(let parts)? = send(&state, .function(1)).first else { Issue.record("no speech"); return }
        let text = parts.map(\.text).joined()
        #expect(text.hasPrefix("Your number: 12."))
        #expect(text.contains("Papers to bring"))
        #expect(text.contains("An identity document"))
        var unreadable = speakingState()
        type(&unreadable, "1"); type(&unreadable, "3")
        guard case .speak(let choices)? = send(&unreadable, .function(1)).first else { Issue.record("no speech"); return }
        #expect(choices.first?.text.contains("(A M E)") == true, "AME spelt out: \(choices.first?.text ?? "")")
        #expect(choices.first?.text.contains("AME") == false)
    }

    @Test("A spoken variant in content (spoken.KEY, in one language only) is read instead of the written text, and checks clean")
    func spokenVariant() throws {
        let directory = Repository.root.appendingPathComponent("Kiosk/texts")
        var files: [(String, String)] = []
        for name in try FileManager.default.contentsOfDirectory(atPath: directory.path).filter({ $0.hasSuffix(".yaml") }).sorted() {
            var text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
            if name == "en.yaml" {
                text += "  spoken.ui.home.title: \"What would you like to do now?\"\n  spoken.question.consent.label: \"Your answers stay private. Shall we go on?\"\n"
            }
            files.append((directory.appendingPathComponent(name).path, text))
        }
        let loaded = TextCatalogueLoader.load(files: files)
        #expect(loaded.problems.isEmpty, "\(loaded.problems)")
        var state = speakingState()
        state.content.texts = try #require(loaded.catalogue)
        type(&state, "2")
        guard case .speak(let home)? = send(&state, .function(1)).first else { Issue.record("no speech"); return }
        #expect(home.first?.text.hasPrefix("What would you like to do now? 1, See the team today") == true, "\(home)")
        #expect(screen(state).contains("What would you like to do?"), "the screen keeps the written text")
        type(&state, "1")
        guard case .speak(let consent)? = send(&state, .function(1)).first else { Issue.record("no speech"); return }
        #expect(consent.first?.text.hasPrefix("Your answers stay private. Shall we go on?") == true)
    }

    @Test("Each question of the check-in, in each visitor language with a voice, synthesised to a WAV over 1 s with sound in it",
          arguments: SpeechTests.visitorLanguages)
    func synthesis(_ language: String) throws {
        let content = ContentFixtures.content
        let speaker = Speaker(voices: Speaker.voices(content.texts), clips: nil)
        try #require(speaker.espeak != nil, "espeak-ng is installed by tools/test")
        let directory = temporaryDirectory("speech-\(language)")
        defer { try? FileManager.default.removeItem(at: directory) }
        var state = speakingState()
        state.language = language
        state.visitor.phase = .checkin
        let questionnaire = try #require(content.questionnaire("checkin"))
        for question in questionnaire.questions where question.relevant == nil {
            var flow = Flow(questionnaire: questionnaire, context: FlowContext(today: state.today, communes: content.communes))
            flow.edit(question.id)
            state.visitor.flow = flow
            let parts = state.spokenScreen()
            let text = try #require(parts.first?.text, "\(question.id) says something")
            #expect(!text.isEmpty)
            let file = directory.appendingPathComponent("\(question.id).wav")
            try speaker.synthesise(text, language: language).write(to: file)
            let stat = try runProcess(URL(fileURLWithPath: "/usr/bin/sox"), [file.path, "-n", "stat"]).stderr
            func value(_ name: String) -> Double {
                stat.split(separator: "\n").first { $0.hasPrefix(name) }.flatMap { Double($0.split(separator: ":").last!.trimmingCharacters(in: .whitespaces)) } ?? 0
            }
            #expect(value("Length (seconds)") > 1, "\(language) \(question.id): \(stat)")
            #expect(value("RMS     amplitude") > 0.01, "\(language) \(question.id): \(stat)")
        }
        #expect(throws: SpeechError.self) { try speaker.synthesise("   ", language: language) }
    }

    /// A stand-in synthesiser that speaks for a long time (sleeps), and a stand-in player.
    func fakeTools() throws -> URL {
        let directory = temporaryDirectory("fake-speech")
        let espeak = directory.appendingPathComponent("espeak-ng"), aplay = directory.appendingPathComponent("aplay")
        try Self.writeExecutable("#!/bin/sh\nif [ \"$1\" = \"--voices\" ]; then printf 'Pty Language Age/Gender VoiceName File Other\\n 5  fr-fr  --/M French gmw/fr\\n'; exit 0; fi\ncat > /dev/null\nexec sleep 30\n", to: espeak)
        try Self.writeExecutable("#!/bin/sh\nif [ \"$1\" = \"-l\" ]; then echo 'card 0: Fake [Fake], device 0: Fake'; exit 0; fi\nexec cat > /dev/null\n", to: aplay)
        return directory
    }

    /// A script written with a close-on-exec descriptor, under another name, then renamed: a process another test
    /// forks meanwhile cannot keep it open for writing, which would make running it fail (ETXTBSY).
    static func writeExecutable(_ text: String, to url: URL) throws {
        let temporary = url.path + ".writing"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == bytes.count, rename(temporary, url.path) == 0 else { throw POSIXError(.EIO) }
    }

    static func alive(_ pid: Int32) -> Bool { kill(pid, 0) == 0 }

    /// Waits (bounded) until none of `pids` is alive.
    static func gone(_ pids: [Int32], seconds: Double = 5) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if !pids.contains(where: alive) { return true }
            usleep(20_000)
        }
        return false
    }

    @Test("A second request ends the first utterance's processes, and stop ends the second's: no process is left")
    func cancel() throws {
        let tools = try fakeTools()
        defer { try? FileManager.default.removeItem(at: tools) }
        let speaker = Speaker(voices: ["fr": "fr-fr"], clips: nil, path: tools.path)
        #expect(speaker.support(for: ["fr", "en"]) == SpeechSupport(languages: ["fr"], problems: ["Lecture à voix haute : pas de voix pour « en » (le bouton Écouter est caché dans cette langue)."]))
        speaker.speak([SpokenPart(language: "fr", text: "Première question.")])
        let deadline = Date().addingTimeInterval(5)
        while speaker.processIDs.count < 2, Date() < deadline { usleep(10_000) }
        let first = speaker.processIDs
        #expect(first.count == 2, "synthesiser and player")
        speaker.speak([SpokenPart(language: "fr", text: "Deuxième question.")])
        #expect(Self.gone(first), "the first utterance's processes are gone")
        let secondDeadline = Date().addingTimeInterval(5)
        while speaker.processIDs.count < 2, Date() < secondDeadline { usleep(10_000) }
        let second = speaker.processIDs
        #expect(second.count == 2 && Set(second).isDisjoint(with: first))
        speaker.stop()
        #expect(Self.gone(second))
        #expect(speaker.processIDs.isEmpty)
    }

    @Test("Without espeak-ng or an audio device: nothing can be read, the mediator's printers screen says why")
    func missing() throws {
        let empty = temporaryDirectory("no-speech")
        defer { try? FileManager.default.removeItem(at: empty) }
        let support = Speaker(voices: ["fr": "fr-fr"], clips: nil, path: empty.path).support(for: ["fr"])
        #expect(support.languages.isEmpty)
        #expect(support.problems == ["Lecture à voix haute : espeak-ng n'est pas installé (paquet espeak-ng) ; le bouton Écouter est caché."])
        let tools = try fakeTools()
        defer { try? FileManager.default.removeItem(at: tools) }
        try Self.writeExecutable("#!/bin/sh\nexit 1\n", to: tools.appendingPathComponent("aplay"))
        let noCard = Speaker(voices: ["fr": "fr-fr"], clips: nil, path: tools.path).support(for: ["fr"])
        #expect(noCard.languages.isEmpty && noCard.problems.first?.contains("aucune sortie son") == true)
        let withReason = tools.appendingPathComponent("aplay")
        try Self.writeExecutable("#!/bin/sh\necho 'aplay: device_list:274: no soundcards found...' >&2\nexit 1\n", to: withReason)
        let said = Speaker(voices: ["fr": "fr-fr"], clips: nil, path: tools.path).support(for: ["fr"])
        #expect(said.problems == ["Lecture à voix haute : aucune sortie son (aplay -l ne trouve aucune carte : aplay: device_list:274: no soundcards found...) ; le bouton Écouter est caché."])
        var state = makeState()
        state.config.speech = noCard
        state.mode = .mediator
        state.mediator.tab = .printer
        _ = KioskApp.update(&state, .statusLoaded(sync: [], printer: ["Lecture à voix haute : indisponible."] + noCard.problems))
        #expect(screen(state).contains("aucune sortie son"))
        state.mode = .visitor
        #expect(!screen(state).contains("▶"))
    }
}
