import Foundation
import Testing
import TestSupport

/// Listen in a real terminal: the key starts exactly one speech process with the question's text; a missing
/// synthesiser hides the target and the kiosk goes on.
@Suite("Listen in a real terminal", .serialized)
struct SpeechTerminalTests {
    static func flat(_ text: String) -> String { text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }

    /// A stand-in espeak-ng that records each call (its arguments and what it read) and a stand-in aplay with a card.
    static func fakeSpeaker() throws -> (directory: URL, log: URL) {
        let directory = temporaryDirectory("fake-speaker")
        let log = directory.appendingPathComponent("calls.log")
        let espeak = """
            #!/bin/sh
            if [ "$1" = "--voices" ]; then
              printf 'Pty Language Age/Gender VoiceName File Other\\n 5  fr-fr  --/M French gmw/fr\\n 5  en-gb  --/M English gmw/en\\n'
              exit 0
            fi
            { echo "CALL $*"; cat; echo; echo "END"; } >> \(log.path)
            """
        let aplay = "#!/bin/sh\nif [ \"$1\" = \"-l\" ]; then echo 'card 0: Fake [Fake], device 0: Fake'; exit 0; fi\nexec cat > /dev/null\n"
        for (name, text) in [("espeak-ng", espeak), ("aplay", aplay)] {
            let file = directory.appendingPathComponent(name)
            try text.write(to: file, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: file.path)
        }
        return (directory, log)
    }

    @Test("The Listen key on a question starts exactly one speech process with that question's text, in its voice")
    func listenKey() throws {
        let (directory, log) = try Self.fakeSpeaker()
        defer { try? FileManager.default.removeItem(at: directory) }
        let kiosk = try TmuxKiosk(command: "PATH=\(directory.path):$PATH \(Repository.builtProduct("kiosk").path) run --demo")
        try kiosk.waitFor("Choisissez votre langue")
        #expect(try kiosk.screen().contains("▶ Écouter (F1) · ▶ Listen (F1)"), "the language screen can be listened to")
        try kiosk.type("1")
        try kiosk.waitFor("Que voulez-vous faire ?")
        try kiosk.type("1")
        try kiosk.waitFor("Vos réponses sont confidentielles")
        #expect(try kiosk.screen().contains("▶ Écouter (F1)"))
        try kiosk.key("F1")
        let calls = try kiosk.waitUntil("END", seconds: 10) { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
        usleep(500_000)
        let final = (try? String(contentsOf: log, encoding: .utf8)) ?? calls
        #expect(final.components(separatedBy: "CALL ").count - 1 == 1, "exactly one speech process: \(final)")
        #expect(final.contains("CALL -v fr-fr --stdout"))
        #expect(Self.flat(final).contains("Vos réponses sont confidentielles. Êtes-vous d'accord pour continuer ?"))
        #expect(Self.flat(final).contains("1, Oui. L'équipe peut garder mon dossier, sans mon nom, pour me suivre."))
        try kiosk.type("2")
        try kiosk.waitFor("Votre prénom")
        #expect(kiosk.isRunning)
    }

    @Test("No synthesiser on the box: no Listen target, F1 does nothing, the check-in goes on")
    func missing() throws {
        let (directory, _) = try Self.fakeSpeaker()
        defer { try? FileManager.default.removeItem(at: directory) }
        // A sound card (the stand-in aplay) but no espeak-ng anywhere on the PATH.
        try FileManager.default.removeItem(at: directory.appendingPathComponent("espeak-ng"))
        let kiosk = try TmuxKiosk(command: "PATH=\(directory.path) \(Repository.builtProduct("kiosk").path) run --demo")
        let welcome = try kiosk.waitFor("Choisissez votre langue")
        #expect(!welcome.contains("Écouter"))
        try kiosk.type("1")
        try kiosk.waitFor("Que voulez-vous faire ?")
        try kiosk.key("F1")
        try kiosk.type("1")
        let question = try kiosk.waitFor("Vos réponses sont confidentielles")
        #expect(!question.contains("Écouter"))
        #expect(kiosk.isRunning)
    }
}
