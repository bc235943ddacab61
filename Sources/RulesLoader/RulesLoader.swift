import Foundation
import Intake
import Rights
import Yams

/// Reads the dated parameter files of `Kiosk/rules/` and validates them into `Parameters`.
///
/// Every problem is collected, with file, line and key, before anything is
/// refused: a content editor fixes a broken file in one pass.
/// ```swift
/// switch RulesLoader.load(directory: URL(fileURLWithPath: "Kiosk/rules")) {
/// case .success(let parameters): RightsEngine(parameters: parameters)
/// case .failure(let problems): print(problems)   // file:line: key: message
/// }
/// ```
public enum RulesLoader {
    /// Loads every `*.yaml` file of the directory, in name order.
    public static func load(directory: URL) -> Result<Parameters, ContentProblems> {
        let displayDirectory = directory.path
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
        } catch {
            return .failure(ContentProblems([ContentProblem(file: displayDirectory, line: 0, key: "rules", message: "cannot read the rules directory")]))
        }
        if names.isEmpty {
            return .failure(ContentProblems([ContentProblem(file: displayDirectory, line: 0, key: "rules", message: "no .yaml rule file in the directory")]))
        }
        var files: [(name: String, text: String)] = []
        var problems: [ContentProblem] = []
        for name in names {
            let url = directory.appendingPathComponent(name)
            guard let data = FileManager.default.contents(atPath: url.path) else {
                problems.append(ContentProblem(file: url.path, line: 0, key: "file", message: "cannot be read"))
                continue
            }
            guard let text = String(data: data, encoding: .utf8) else {
                problems.append(ContentProblem(file: url.path, line: 0, key: "file", message: "is not UTF-8 text"))
                continue
            }
            files.append((url.path, text))
        }
        return load(files: files, directory: displayDirectory, earlierProblems: problems)
    }

    /// Loads rule files given as text (for tests and for content bundles held in memory).
    public static func load(files: [(name: String, text: String)], directory: String = "Kiosk/rules",
                            earlierProblems: [ContentProblem] = []) -> Result<Parameters, ContentProblems> {
        var problems = earlierProblems
        var raw: [RawParameter] = []
        for file in files {
            let read = read(file: file.name, text: file.text)
            raw += read.parameters
            problems += read.problems
        }
        switch Parameters.validate(raw, directory: directory) {
        case .success(let parameters):
            return problems.isEmpty ? .success(parameters) : .failure(ContentProblems(problems))
        case .failure(let more):
            // When a file could not be parsed, its parameters are "missing" too: say so only once.
            let unreadable = Set(problems.filter { $0.key == "yaml" }.map(\.file))
            let extra = more.problems.filter { !(unreadable.isEmpty == false && $0.line == 0 && $0.message.hasPrefix("missing")) }
            return .failure(ContentProblems(problems + extra))
        }
    }

    /// Parses one file into raw parameters; structural problems (wrong types, bad dates, unknown keys) are reported here.
    public static func read(file: String, text: String) -> (parameters: [RawParameter], problems: [ContentProblem]) {
        var problems: [ContentProblem] = []
        func problem(_ line: Int, _ key: String, _ message: String) {
            problems.append(ContentProblem(file: file, line: line, key: key, message: message))
        }
        let root: Node
        switch YAMLSupport.compose(file: file, text: text) {
        case .success(let node): root = node
        case .failure(let failure): return ([], failure.key == "yaml" ? [failure] : [])
        }
        guard let mapping = root.mapping else {
            problem(line(root), "file", "expected parameters as `key: {label, values}` at the top level")
            return ([], problems)
        }
        var parameters: [RawParameter] = []
        var seenInFile: [String: Int] = [:]
        for (keyNode, body) in mapping {
            let keyLine = line(keyNode)
            guard let key = keyNode.scalar?.string else {
                problem(keyLine, "file", "a parameter name must be plain text")
                continue
            }
            if let first = seenInFile[key] {
                problem(keyLine, key, "defined twice in this file (first at line \(first))")
                continue
            }
            seenInFile[key] = keyLine
            guard let fields = body.mapping else {
                problem(line(body, or: keyLine), key, "expected `label`, `values` and optionally `revaluation`")
                continue
            }
            var parameter = RawParameter(key: key, file: file, line: keyLine, values: [])
            for (fieldNode, value) in fields {
                let fieldName = fieldNode.scalar?.string ?? ""
                switch fieldName {
                case "label":
                    parameter.label = value.scalar?.string
                case "revaluation":
                    switch value.scalar?.string {
                    case "yearly": parameter.revaluedYearly = true
                    case "none": parameter.revaluedYearly = false
                    default: problem(line(value), key, "revaluation must be `yearly` or `none`")
                    }
                case "values":
                    guard let sequence = value.sequence else {
                        problem(line(value, or: keyLine), key, "values must be a list of `- from: … value: … source: …`")
                        continue
                    }
                    for entry in sequence {
                        parameter.values.append(readValue(entry, key: key, problem: problem))
                    }
                default:
                    problem(line(fieldNode), key, "unknown field `\(fieldName)` (expected label, revaluation, values)")
                }
            }
            if fields["values"] == nil {
                problem(keyLine, key, "has no `values` list")
            } else {
                parameters.append(parameter)
            }
        }
        return (parameters, problems)
    }

    private static func readValue(_ entry: Node, key: String, problem: (Int, String, String) -> Void) -> RawDatedValue {
        let entryLine = line(entry)
        var dated = RawDatedValue(from: nil, value: .invalid, source: nil, line: entryLine)
        guard let fields = entry.mapping else {
            problem(entryLine, key, "each value must be a mapping with from, value (or bands) and source")
            return dated
        }
        var sawValue = false
        for (fieldNode, node) in fields {
            let name = fieldNode.scalar?.string ?? ""
            switch name {
            case "from":
                let text = node.scalar?.string ?? ""
                if let date = LocalDate(iso: text) {
                    dated.from = date
                } else {
                    problem(line(node), key, "`from` must be a date written YYYY-MM-DD, found '\(text.prefix(20))'")
                }
            case "value":
                sawValue = true
                let text = node.scalar?.string ?? ""
                if let number = Fixed4(parsing: text) {
                    dated.value = .number(number)
                } else {
                    problem(line(node), key, "`value` must be a number (at most 4 decimals), found '\(text.prefix(20))'")
                }
            case "bands":
                sawValue = true
                guard let list = node.sequence else {
                    problem(line(node), key, "`bands` must be a list of {from_age, amount}")
                    continue
                }
                var bands: [(fromAge: Int, amount: Fixed4, line: Int)] = []
                var ok = true
                for band in list {
                    let bandLine = line(band)
                    guard let ageText = band.mapping?["from_age"]?.scalar?.string, let age = Int(ageText),
                          let amountText = band.mapping?["amount"]?.scalar?.string, let amount = Fixed4(parsing: amountText) else {
                        problem(bandLine, key, "each band needs a whole `from_age` and a number `amount`")
                        ok = false
                        continue
                    }
                    bands.append((age, amount, bandLine))
                }
                if ok { dated.value = .bands(bands) }
            case "source":
                dated.source = node.scalar?.string
            case "unconfirmed":
                switch node.scalar?.string {
                case "true": dated.unconfirmed = true
                case "false": dated.unconfirmed = false
                default: problem(line(node), key, "`unconfirmed` must be true or false")
                }
            default:
                problem(line(fieldNode), key, "unknown field `\(name)` in a value (expected from, value, bands, source, unconfirmed)")
            }
        }
        if fields["from"] == nil { problem(entryLine, key, "a value has no `from` date") }
        if !sawValue { problem(entryLine, key, "a value has neither `value` nor `bands`") }
        return dated
    }

    private static func line(_ node: Node, or fallback: Int = 1) -> Int { node.mark?.line ?? fallback }
}
