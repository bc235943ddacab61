import Foundation
import Intake

/// Reads aloud through espeak-ng and aplay, each in a process of its own: a crash or a hang of the synthesiser never
/// stops the kiosk. One utterance at a time: a new one, or `stop()`, ends the one before (its processes terminated and
/// reaped). Texts go to espeak-ng on its standard input, never on its command line (other users see command lines).
public final class Speaker: @unchecked Sendable {
    public let espeak: String?
    public let aplay: String?
    /// Language → espeak-ng voice, from the catalogue (`voice:`).
    public let voices: [String: String]
    /// `Kiosk/audio`: recorded clips (`LANGUAGE/KEY.wav`) played instead of the synthesis where present.
    public let clips: URL?
    private let lock = NSLock()
    private var generation = 0
    private var running: [Process] = []

    public init(voices: [String: String], clips: URL?, path: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") {
        self.voices = voices
        self.clips = clips
        espeak = Self.which("espeak-ng", path: path)
        aplay = Self.which("aplay", path: path)
    }

    /// The voices of a catalogue's languages.
    public static func voices(_ texts: TextCatalogue) -> [String: String] {
        Dictionary(texts.languages.compactMap { language in language.voice.map { (language.code, $0) } }, uniquingKeysWith: { first, _ in first })
    }

    static func which(_ name: String, path: String) -> String? {
        for directory in path.split(separator: ":") where !directory.isEmpty {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// A child process started in `/`: Foundation starts it in the current directory, which the kiosk's user may not be
    /// allowed into (`sudo -u permanence kiosk doctor` from the technician's home failed with "permission denied").
    static func process() -> Process {
        let process = Process()
        process.currentDirectoryURL = URL(fileURLWithPath: "/")
        return process
    }

    /// Runs a program to its end with a time limit; its standard output, or nil when it failed.
    static func output(_ program: String, _ arguments: [String], seconds: Double = 5) -> String? {
        let result = run(program, arguments, seconds: seconds)
        return result.status == 0 ? result.output : nil
    }

    /// Runs a program to its end with a time limit: its exit status (-1 when it could not run or timed out), its
    /// standard output and the last line of its error output.
    static func run(_ program: String, _ arguments: [String], seconds: Double = 5) -> (status: Int32, output: String, error: String) {
        let process = Self.process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        let pipe = Pipe(), errors = Pipe()
        process.standardOutput = pipe
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        do { try process.run() } catch { return (-1, "", "\(error)") }
        let deadline = Date().addingTimeInterval(seconds)
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        while process.isRunning, Date() < deadline { usleep(10_000) }
        if process.isRunning { process.terminate(); return (-1, "", "no answer within \(Int(seconds)) s") }
        let lastError = String(decoding: errorData, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
        return (process.terminationStatus, String(decoding: data, as: UTF8.self), lastError)
    }

    /// Which of `languages` can be read aloud here, and in French for the mediator what is missing.
    public func support(for languages: [String]) -> SpeechSupport {
        guard let espeak else {
            return SpeechSupport(problems: ["Lecture à voix haute : espeak-ng n'est pas installé (paquet espeak-ng) ; le bouton Écouter est caché."])
        }
        guard let aplay else {
            return SpeechSupport(problems: ["Lecture à voix haute : aplay n'est pas installé (paquet alsa-utils) ; le bouton Écouter est caché."])
        }
        let cards = Self.run(aplay, ["-l"])
        guard cards.status == 0, cards.output.contains("card") else {
            let why = cards.error.isEmpty ? "" : " : \(cards.error.prefix(120))"
            return SpeechSupport(problems: ["Lecture à voix haute : aucune sortie son (aplay -l ne trouve aucune carte\(why)) ; le bouton Écouter est caché."])
        }
        let installed = Set((Self.output(espeak, ["--voices"]) ?? "").split(separator: "\n").dropFirst().compactMap { line -> String? in
            let columns = line.split(separator: " ", omittingEmptySubsequences: true)
            return columns.count > 1 ? String(columns[1]) : nil
        })
        var spoken = Set<String>(), problems: [String] = []
        for language in languages {
            guard let voice = voices[language] else { problems.append("Lecture à voix haute : pas de voix pour « \(language) » (le bouton Écouter est caché dans cette langue)."); continue }
            guard installed.contains(voice) else { problems.append("Lecture à voix haute : la voix « \(voice) » (\(language)) n'est pas installée dans espeak-ng."); continue }
            spoken.insert(language)
        }
        return SpeechSupport(languages: spoken, problems: problems)
    }

    /// The processes of the utterance being read (for tests: none is left once stopped).
    public var processIDs: [Int32] { lock.withLock { running.filter(\.isRunning).map(\.processIdentifier) } }

    /// Stops what is being read; its processes are terminated (and reaped by their waiting threads).
    public func stop() {
        let stopped: [Process] = lock.withLock {
            generation += 1
            defer { running = [] }
            return running
        }
        for process in stopped where process.isRunning { process.terminate() }
    }

    /// Reads the parts one after the other in the background; `ended` is called once when they have all been read
    /// (not when a newer utterance or `stop()` ended them).
    public func speak(_ parts: [SpokenPart], ended: @escaping @Sendable () -> Void = {}) {
        stop()
        let mine: Int = lock.withLock { generation }
        let parts = parts.filter { !$0.text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty }
        guard !parts.isEmpty else { return }
        DispatchQueue.global().async { [self] in
            for part in parts {
                guard lock.withLock({ generation == mine }) else { return }
                guard (try? play(part, generation: mine)) != nil else { break }
            }
            if lock.withLock({ generation == mine }) { ended() }
        }
    }

    /// One part: its clip if content has one, else espeak-ng's WAV piped into aplay. Waits for both to end.
    func play(_ part: SpokenPart, generation mine: Int) throws {
        guard let aplay else { throw SpeechError("aplay is not installed") }
        let player = Self.process()
        player.executableURL = URL(fileURLWithPath: aplay)
        player.standardOutput = FileHandle.nullDevice
        player.standardError = FileHandle.nullDevice
        if let clip = clipFile(part) {
            player.arguments = ["-q", clip.path]
            player.standardInput = FileHandle.nullDevice
            try register([player], generation: mine)
            try player.run()
        } else {
            let (synthesiser, input, sound) = try synthesiser(for: part.language)
            player.arguments = ["-q", "-"]
            player.standardInput = sound
            try register([synthesiser, player], generation: mine)
            try synthesiser.run()
            try player.run()
            // Only the two children hold the sound pipe now: the player sees its end when the synthesiser ends.
            try? sound.fileHandleForReading.close()
            try? sound.fileHandleForWriting.close()
            input.fileHandleForWriting.write(Data(part.text.utf8))
            try? input.fileHandleForWriting.close()
            synthesiser.waitUntilExit()
        }
        player.waitUntilExit()
    }

    /// espeak-ng in a language's voice, reading its standard input and writing a WAV to its standard output (not started).
    func synthesiser(for language: String) throws -> (process: Process, input: Pipe, output: Pipe) {
        guard let espeak else { throw SpeechError("espeak-ng is not installed (Debian package espeak-ng)") }
        guard let voice = voices[language] else { throw SpeechError("no voice for language '\(language)'") }
        let process = Self.process()
        process.executableURL = URL(fileURLWithPath: espeak)
        process.arguments = ["-v", voice, "--stdout"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        return (process, input, output)
    }

    func register(_ processes: [Process], generation mine: Int) throws {
        try lock.withLock {
            guard generation == mine else { throw SpeechError("stopped") }
            running = processes
        }
    }

    func clipFile(_ part: SpokenPart) -> URL? {
        guard let clips, let key = part.clip, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { return nil }
        let file = clips.appendingPathComponent(part.language).appendingPathComponent("\(key).wav")
        return FileManager.default.fileExists(atPath: file.path) ? file : nil
    }

    /// The WAV espeak-ng makes of a text in a language (for `kiosk speak --output` and the tests).
    public func synthesise(_ text: String, language: String) throws -> Data {
        let (process, input, output) = try synthesiser(for: language)
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw SpeechError("nothing to say: the text is empty") }
        try process.run()
        input.fileHandleForWriting.write(Data(text.utf8))
        try? input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, data.count > 44 else { throw SpeechError("espeak-ng made no sound (exit \(process.terminationStatus))") }
        return data
    }
}

public struct SpeechError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
