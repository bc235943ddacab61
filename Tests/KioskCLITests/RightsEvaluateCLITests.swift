import Foundation
import Testing
import TestSupport

/// End-to-end: the built `kiosk` binary, as outside tests and scripts call it.
@Suite("kiosk rights evaluate")
struct RightsEvaluateCLITests {
    static let kiosk = Repository.builtProduct("kiosk")

    static let contractExample = """
    {
      "date": "2024-06-15",
      "territory": "metropole",
      "household": [ {"age": 34}, {"age": 31}, {"age": 4} ],
      "resources_last_12_months": 17136.0,
      "housing": "tenant",
      "housing_allowance": false,
      "residence": {"status": "french", "months_in_france": 120},
      "coverage": {"base": "puma", "complementary": "none"},
      "benefits": [],
      "has_medecin_traitant": false
    }
    """

    func evaluate(_ input: String, _ arguments: [String] = []) throws -> ProcessResult {
        try runProcess(Self.kiosk, ["rights", "evaluate"] + arguments, stdin: Data(input.utf8), currentDirectory: Repository.root)
    }

    func rights(_ result: ProcessResult) throws -> [String: [String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let list = try #require(object["rights"] as? [[String: Any]])
        return Dictionary(uniqueKeysWithValues: list.map { ($0["right"] as! String, $0) })
    }

    @Test("The contract's example gives free C2S at the 3-person ceiling, as JSON on stdout, exit 0")
    func contractExample() throws {
        let result = try evaluate(Self.contractExample)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        #expect(object["date"] as? String == "2024-06-15")
        let rights = try rights(result)
        #expect(Set(rights.keys) == ["puma", "c2s", "ame", "medecin_traitant"])
        let c2s = try #require(rights["c2s"])
        #expect(c2s["verdict"] as? String == "eligible")
        #expect(c2s["variant"] as? String == "free")
        #expect(c2s["monthly_participation"] as? Int == 0)
        #expect(c2s["threshold"] as? Int == 18299)
        #expect(c2s["form"] as? String == "cerfa-12504")
        #expect((c2s["reasons"] as? [String])?.isEmpty == false)
        #expect((c2s["documents"] as? [String])?.isEmpty == false)
        #expect(rights["ame"]?["verdict"] as? String == "not_eligible")
    }

    @Test("--lang en writes the reasons in English")
    func english() throws {
        let result = try evaluate(Self.contractExample, ["--lang", "en"])
        let reasons = try #require(try rights(result)["c2s"]?["reasons"] as? [String])
        #expect(reasons.joined().contains("ceiling for 3 persons is €18,299"))
    }

    @Test("--input reads the situation from a file")
    func inputFile() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("situation-\(UUID().uuidString).json")
        try Data(Self.contractExample.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try runProcess(Self.kiosk, ["rights", "evaluate", "--input", file.path])
        #expect(result.status == 0)
        #expect(try rights(result)["c2s"]?["threshold"] as? Int == 18299)
    }

    @Test("C2S with participation gives the household's monthly total")
    func participation() throws {
        let input = Self.contractExample.replacingOccurrences(of: "17136.0", with: "20000")
        let c2s = try #require(try rights(try evaluate(input))["c2s"])
        #expect(c2s["variant"] as? String == "participation")
        #expect(c2s["monthly_participation"] as? Int == 14 + 14 + 8)
        #expect(c2s["threshold"] as? Int == 24703)
    }

    @Test("Bad input: one line on stderr naming the field, exit 2, nothing on stdout", arguments: [
        ("{\"date\": \"2024-06-15\", \"household\": [", "situation"),
        ("", "situation"),
        ("{\"date\": \"2024-06-15\", \"territory\": \"paris\"}", "territory"),
        ("{\"date\": \"2024-06-15\", \"resources_last_12_months\": -5}", "resources_last_12_months"),
        ("{\"date\": \"2024-06-15\", \"household\": [{\"age\": 34}, {\"age\": 212}]}", "household[1].age"),
        ("{\"date\": \"2024-06-15\", \"household\": []}", "household"),
        ("{\"date\": \"2019-10-31\"}", "date"),
        ("{\"date\": \"2024-06-15\", \"residence\": {\"status\": \"tourist\"}}", "residence.status"),
        ("{\"date\": \"2024-06-15\", \"benefits\": [\"apl\"]}", "benefits[0]"),
    ])
    func badInput(input: String, field: String) throws {
        let result = try evaluate(input)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.contains("\(field):") == true)
    }

    @Test("A missing input file is bad input, exit 2")
    func missingInputFile() throws {
        let result = try runProcess(Self.kiosk, ["rights", "evaluate", "--input", "/nonexistent/situation.json"])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("input:"))
    }

    @Test("The error message does not repeat the visitor's text back")
    func noEchoOfInput() throws {
        let result = try evaluate("{\"date\": \"2024-06-15\", \"household\": [{\"age\": \"Marie Dupont\"}]}")
        #expect(result.status == 2)
        #expect(!result.stderr.contains("Marie"))
    }

    @Test("A situation without a date is evaluated at today's date")
    func defaultDate() throws {
        let result = try evaluate("{\"territory\": \"metropole\"}")
        #expect(result.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: result.stdoutData) as? [String: Any])
        let date = try #require(object["date"] as? String)
        #expect(date.count == 10)
        #expect(date >= "2026-01-01")
    }

    @Test("Broken rule files: every problem with file and line on stderr, exit 3, nothing evaluated")
    func brokenRules() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for file in Repository.ruleFiles() {
            let text = file.name == "c2s.yaml" ? file.text.replacingOccurrences(of: "value: 10166", with: "value: 101660") : file.text
            try Data(text.utf8).write(to: directory.appendingPathComponent(file.name))
        }
        let result = try evaluate(Self.contractExample, ["--rules", directory.path])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("c2s.yaml:"))
        #expect(result.stderr.contains("c2s.free_ceiling.one_person: value 101660"))
    }

    @Test("--text prints a readable report")
    func textReport() throws {
        let result = try evaluate(Self.contractExample, ["--text", "--lang", "en"])
        #expect(result.status == 0)
        #expect(result.stdout.contains("Free or low-cost top-up health coverage (C2S): probably entitled (free)"))
    }
}

@Suite("kiosk run")
struct RunCLITests {
    @Test("Without a terminal, the demo says so and prints every sample situation's evaluation readably")
    func demoWithoutTerminal() throws {
        let result = try runProcess(Repository.builtProduct("kiosk"), ["run", "--demo"], currentDirectory: Repository.root)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Complémentaire santé solidaire (C2S)"))
        #expect(result.stdout.contains("FAMILY C2S FREE"))
        #expect(result.stderr == "kiosk run: standard input is not a terminal; printing the sample evaluations instead.\n")
    }
}

@Suite("kiosk content check and the text catalogue")
struct ContentCheckLanguagesCLITests {
    static let kiosk = Repository.builtProduct("kiosk")

    @Test("The check gives each language's completeness; an unfinished language's missing texts are notes, and a broken text is a problem with its line")
    func completenessPerLanguage() throws {
        let root = temporaryDirectory("content-check")
        let copy = root.appendingPathComponent("Kiosk")
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Kiosk"), to: copy)
        let ok = try runProcess(Self.kiosk, ["content", "check", copy.path])
        #expect(ok.status == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("uk (Українська): 100 %"))
        // A draft Italian, not offered yet, with two texts.
        try "language: {code: it, name: Italiano, plural: english, visitor: false}\ntexts:\n  ui.back: ← Indietro\n  ui.next: Continua →\n"
            .write(to: copy.appendingPathComponent("texts/it.yaml"), atomically: true, encoding: .utf8)
        let draft = try runProcess(Self.kiosk, ["content", "check", copy.path])
        #expect(draft.status == 0)
        #expect(draft.stdout.contains("note: ") && draft.stdout.contains(": ui.finish: missing in it"))
        #expect(draft.stdout.contains("it (Italiano): 1 %") || draft.stdout.contains("it (Italiano): 0 %"), "\(draft.stdout.suffix(400))")
        #expect(draft.stdout.contains("not offered to visitors"))
        // A placeholder renamed in Spanish: refused, with the file and line.
        let spanish = copy.appendingPathComponent("texts/es.yaml")
        let text = try String(contentsOf: spanish, encoding: .utf8)
        try text.replacingOccurrences(of: "Pregunta {position} de {total}", with: "Pregunta {posicion} de {total}").write(to: spanish, atomically: true, encoding: .utf8)
        let broken = try runProcess(Self.kiosk, ["content", "check", copy.path])
        #expect(broken.status == 2)
        let line = text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("ui.question_of") }! + 1
        #expect(broken.stdout.contains("es.yaml:\(line): ui.question_of: placeholders in es ({posicion}, {total}) differ from French ({position}, {total})"), "\(broken.stdout)")
    }

    @Test("--lang names a language of the catalogue; another is refused with the list")
    func unknownLanguage() throws {
        let result = try runProcess(Self.kiosk, ["rights", "evaluate", "--lang", "xx", "--input", Repository.samplesDirectory.appendingPathComponent("family-c2s-free-situation.json").path],
                                    currentDirectory: Repository.root)
        #expect(result.status == 2)
        #expect(result.stderr.contains("lang: 'xx' is not a language of the text catalogue (fr, ar, en, es, prs, ro, uk)"))
        #expect(result.stdout.isEmpty)
    }
}
