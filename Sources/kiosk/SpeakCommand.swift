import ArgumentParser
import Foundation
import Intake
import KioskApp

/// `kiosk speak`: reads a text or a catalogue key aloud in a language, or writes the WAV.
struct SpeakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "speak",
        abstract: "Read a text or a catalogue key aloud (espeak-ng), or write it as a WAV file.",
        discussion: """
        --key takes a catalogue key (ui.home.title) or a question's id (consent: its label, help and choices).
        Exit 0 only when audio was produced; 2 when the language has no voice, the key is unknown or the text empty;
        1 when espeak-ng or the audio device fails.
        """
    )

    @OptionGroup var common: CommonOptions

    @Option(name: .long, help: "The language (its voice from the catalogue's `voice:`).")
    var lang = "fr"

    @Option(name: .long, help: "The text to say.")
    var text: String?

    @Option(name: .long, help: "A catalogue key or a question id to say.")
    var key: String?

    @Option(name: .long, help: "Write the WAV here instead of playing it.")
    var output: String?

    func run() throws {
        guard (text == nil) != (key == nil) else {
            Output.error("give --text or --key (one of them)")
            throw ExitCode(2)
        }
        guard let directory = common.locator.contentDirectory(), let content = ContentLoader.load(directory: directory).content else {
            Output.error("content: no valid content directory found (kiosk content check)")
            throw ExitCode(3)
        }
        let speaker = Speaker(voices: Speaker.voices(content.texts), clips: directory.appendingPathComponent("audio"))
        guard speaker.voices[lang] != nil else {
            Output.standardError("kiosk speak: no voice for language '\(lang)'")
            throw ExitCode(2)
        }
        var said = text ?? ""
        if let key {
            if let question = content.questionnaires.lazy.compactMap({ $0.question(key) }).first {
                said = AppState.questionSpeech(question, language: lang, texts: content.texts).joined(separator: " ")
            } else if content.texts.has(key, lang) || content.texts.has(key, "fr") {
                said = content.texts.text(key, lang)
            } else {
                Output.error("--key: '\(key)' is neither a catalogue key nor a question id")
                throw ExitCode(2)
            }
        }
        said = AppState.sayable(said, spoken: content.texts.language(lang)?.spoken ?? [:])
        guard !said.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            Output.error("nothing to say: the text is empty")
            throw ExitCode(2)
        }
        do {
            let wav = try speaker.synthesise(said, language: lang)
            if let output {
                try wav.write(to: URL(fileURLWithPath: output))
                return
            }
            guard let aplay = speaker.aplay else {
                Output.error("aplay is not installed (Debian package alsa-utils)")
                throw ExitCode(1)
            }
            let player = Process()
            player.currentDirectoryURL = URL(fileURLWithPath: "/")
            player.executableURL = URL(fileURLWithPath: aplay)
            player.arguments = ["-q", "-"]
            let pipe = Pipe()
            player.standardInput = pipe
            try player.run()
            pipe.fileHandleForWriting.write(wav)
            try? pipe.fileHandleForWriting.close()
            player.waitUntilExit()
            guard player.terminationStatus == 0 else {
                Output.error("the audio device did not play (aplay exit \(player.terminationStatus)); --output FILE.wav writes the sound instead")
                throw ExitCode(1)
            }
        } catch let error as SpeechError {
            Output.error(error.description)
            throw ExitCode(1)
        }
    }
}
