import Rights
import Yams

/// Reads a questionnaire from YAML and checks it, reporting every problem at once
/// as `file:line: question-id: message` (see Kiosk/README.md for the format).
public enum QuestionnaireLoader {
    /// Lower case letters, digits and `_`, starting with a letter.
    static func isValidID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, ("a"..."z").contains(first) else { return false }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Parses and validates one questionnaire file. The questionnaire is returned only when there is no problem.
    public static func load(file: String, text: String) -> (questionnaire: Questionnaire?, problems: [ContentProblem]) {
        var problems: [ContentProblem] = []
        func problem(_ line: Int, _ key: String, _ message: String) {
            problems.append(ContentProblem(file: file, line: line, key: key, message: message))
        }
        let root: Node
        switch YAMLSupport.compose(file: file, text: text) {
        case .success(let node): root = node
        case .failure(let failure): return (nil, [failure])
        }
        guard let top = root.mapping else {
            problem(YAMLSupport.line(root), "questionnaire", "expected id, version, title, languages and sections at the top level")
            return (nil, problems)
        }
        YAMLSupport.checkKeys(top, allowed: ["id", "version", "title", "languages", "sections"], key: "questionnaire", problem: problem)
        let id = top["id"]?.scalar?.string ?? ""
        if id.isEmpty { problem(YAMLSupport.line(root), "questionnaire", "has no `id`") }
        let version = top["version"]?.scalar.flatMap { Int($0.string) } ?? 0
        if version < 1 { problem(YAMLSupport.line(top["version"] ?? root), id.isEmpty ? "questionnaire" : id, "`version` must be a whole number from 1") }
        var languages: [String] = []
        if let list = top["languages"]?.sequence {
            for node in list {
                let code = node.scalar?.string ?? ""
                if !KioskLanguages.isCode(code) {
                    problem(YAMLSupport.line(node), id, "language '\(code)' is not an ISO 639 code (2 or 3 lower-case letters)")
                }
                languages.append(code)
            }
        }
        if !languages.contains("fr") { problem(YAMLSupport.line(top["languages"] ?? root), id, "`languages` must include fr, the source language") }
        if !languages.contains("en") { problem(YAMLSupport.line(top["languages"] ?? root), id, "`languages` must include en") }
        let title = readText(top["title"], owner: id, what: "title", line: YAMLSupport.line(root), required: true, languages: languages, problem: problem)

        var sections: [Section] = []
        var seenIDs: [String: Int] = [:]
        if let list = top["sections"]?.sequence {
            for sectionNode in list {
                guard let section = sectionNode.mapping else {
                    problem(YAMLSupport.line(sectionNode), id, "each section must have an id, a title and questions")
                    continue
                }
                YAMLSupport.checkKeys(section, allowed: ["id", "title", "questions", "alone"], key: id, problem: problem)
                let sectionID = section["id"]?.scalar?.string ?? ""
                if sectionID.isEmpty { problem(YAMLSupport.line(sectionNode), id, "a section has no `id`") }
                let sectionTitle = readText(section["title"], owner: sectionID, what: "title", line: YAMLSupport.line(sectionNode), required: true, languages: languages, problem: problem)
                var questions: [Question] = []
                for questionNode in section["questions"]?.sequence ?? [] {
                    if let question = readQuestion(questionNode, section: sectionID, languages: languages, seenIDs: &seenIDs, problem: problem) {
                        questions.append(question)
                    }
                }
                if section["questions"]?.sequence == nil { problem(YAMLSupport.line(sectionNode), sectionID, "a section needs a `questions` list") }
                var alone = true
                if let node = section["alone"] {
                    switch node.scalar?.string {
                    case "true": alone = true
                    case "false": alone = false
                    default: problem(YAMLSupport.line(node), sectionID, "`alone` must be true or false")
                    }
                }
                sections.append(Section(id: sectionID, title: sectionTitle, questions: questions, alone: alone))
            }
        } else {
            problem(YAMLSupport.line(root), id, "needs a `sections` list")
        }
        let questionnaire = Questionnaire(id: id, version: version, title: title, languages: languages, sections: sections, file: file)
        problems += checkConditions(questionnaire)
        return (problems.isEmpty ? questionnaire : nil, problems)
    }

    static func readText(_ node: Node?, owner: String, what: String, line: Int, required: Bool, languages: [String]?,
                         problem: (Int, String, String) -> Void) -> LocalizedText {
        guard let node else {
            if required { problem(line, owner, "\(what) missing") }
            return LocalizedText([:])
        }
        guard let mapping = node.mapping else {
            problem(YAMLSupport.line(node), owner, "\(what) must give each language, like {fr: …, en: …}")
            return LocalizedText([:])
        }
        var values: [String: String] = [:]
        for (languageNode, textNode) in mapping {
            let language = languageNode.scalar?.string ?? ""
            if let languages, !languages.contains(language) {
                problem(YAMLSupport.line(languageNode), owner, "\(what) in '\(language)', which is not one of the questionnaire's languages")
            } else if languages == nil, !KioskLanguages.isCode(language) {
                problem(YAMLSupport.line(languageNode), owner, "\(what) in '\(language)', which is not a language code")
            }
            let text = textNode.scalar?.string ?? ""
            if text.trimmingWhitespace.isEmpty {
                problem(YAMLSupport.line(textNode), owner, "\(what) in '\(language)' is empty")
            }
            values[language] = text
        }
        if values["fr"] == nil { problem(YAMLSupport.line(node), owner, "\(what) missing in French") }
        return LocalizedText(values)
    }

    static func readQuestion(_ node: Node, section: String, languages: [String], seenIDs: inout [String: Int],
                             problem: (Int, String, String) -> Void) -> Question? {
        let line = YAMLSupport.line(node)
        guard let fields = node.mapping else {
            problem(line, section, "each question must be a mapping with id, type and label")
            return nil
        }
        let id = fields["id"]?.scalar?.string ?? ""
        let key = id.isEmpty ? section : id
        YAMLSupport.checkKeys(fields, allowed: ["id", "type", "label", "help", "choices", "relevant", "validation", "maps_to", "personal", "required"], key: key, problem: problem)
        if id.isEmpty {
            problem(line, section, "a question has no `id`")
        } else if !isValidID(id) {
            problem(line, id, "ids are lower case letters, digits and _ (starting with a letter)")
        }
        if let first = seenIDs[id], !id.isEmpty {
            problem(line, id, "duplicate id (first at line \(first))")
        } else {
            seenIDs[id] = line
        }
        let typeText = fields["type"]?.scalar?.string ?? ""
        let type = QuestionType(rawValue: typeText)
        if type == nil {
            problem(YAMLSupport.line(fields["type"] ?? node), key, typeText.isEmpty ? "`type` missing" : "unknown type '\(typeText)' (expected \(QuestionType.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let label = readText(fields["label"], owner: key, what: "label", line: line, required: true, languages: languages, problem: problem)
        let help = fields["help"].map { readText($0, owner: key, what: "help", line: line, required: false, languages: languages, problem: problem) }

        var choices: [Choice] = []
        if let list = fields["choices"]?.sequence {
            var values = Set<String>()
            for choiceNode in list {
                let value = choiceNode.mapping?["value"]?.scalar?.string ?? ""
                if value.isEmpty {
                    problem(YAMLSupport.line(choiceNode), key, "a choice has no `value`")
                    continue
                }
                if !values.insert(value).inserted { problem(YAMLSupport.line(choiceNode), key, "choice '\(value)' appears twice") }
                let choiceLabel = readText(choiceNode.mapping?["label"], owner: key, what: "label of choice '\(value)'", line: YAMLSupport.line(choiceNode),
                                           required: true, languages: languages, problem: problem)
                if let mapping = choiceNode.mapping {
                    YAMLSupport.checkKeys(mapping, allowed: ["value", "label", "urgent"], key: key, problem: problem)
                }
                let urgent = choiceNode.mapping?["urgent"]?.scalar?.string == "true"
                choices.append(Choice(value: value, label: choiceLabel, line: YAMLSupport.line(choiceNode), urgent: urgent))
            }
        }
        if let type {
            switch type {
            case .singleChoice, .multipleChoice:
                if choices.isEmpty { problem(line, key, "choices missing: a \(type.rawValue) question needs at least two") }
                else if choices.count < 2 { problem(line, key, "a \(type.rawValue) question needs at least two choices") }
            default:
                if fields["choices"] != nil { problem(YAMLSupport.line(fields["choices"]!), key, "a \(type.rawValue) question has no choices") }
            }
        }

        var relevant: Condition?
        if let conditionNode = fields["relevant"] {
            let text = conditionNode.scalar?.string ?? ""
            do {
                relevant = try Condition.parse(text)
            } catch {
                problem(YAMLSupport.line(conditionNode), key, "condition cannot be read: \(error.message)")
            }
        }

        var validation = Validation()
        if let rules = fields["validation"]?.mapping {
            YAMLSupport.checkKeys(rules, allowed: ["min", "max", "integer", "not_in_future", "min_length", "max_length", "pattern", "phone"], key: key, problem: problem)
            func number(_ name: String) -> Fixed4? {
                guard let node = rules[name] else { return nil }
                guard let value = node.scalar.flatMap({ Fixed4(parsing: $0.string) }) else {
                    problem(YAMLSupport.line(node), key, "validation `\(name)` must be a number")
                    return nil
                }
                return value
            }
            func whole(_ name: String) -> Int? {
                guard let node = rules[name] else { return nil }
                guard let value = node.scalar.flatMap({ Int($0.string) }), value >= 0 else {
                    problem(YAMLSupport.line(node), key, "validation `\(name)` must be a whole number")
                    return nil
                }
                return value
            }
            func flag(_ name: String) -> Bool {
                guard let node = rules[name] else { return false }
                switch node.scalar?.string {
                case "true": return true
                case "false": return false
                default:
                    problem(YAMLSupport.line(node), key, "validation `\(name)` must be true or false")
                    return false
                }
            }
            validation.min = number("min")
            validation.max = number("max")
            validation.integer = flag("integer")
            validation.notInFuture = flag("not_in_future")
            validation.minLength = whole("min_length")
            validation.maxLength = whole("max_length")
            validation.phone = flag("phone")
            if let min = validation.min, let max = validation.max, min > max {
                problem(YAMLSupport.line(rules["min"]!), key, "validation min \(min) is above max \(max)")
            }
            if let min = validation.minLength, let max = validation.maxLength, min > max {
                problem(YAMLSupport.line(rules["min_length"]!), key, "validation min_length is above max_length")
            }
            if let patternNode = rules["pattern"] {
                let pattern = patternNode.scalar?.string ?? ""
                if (try? Regex(pattern)) == nil {
                    problem(YAMLSupport.line(patternNode), key, "validation pattern is not a valid regular expression")
                } else {
                    validation.pattern = pattern
                }
            }
            if let type, [.number, .year].contains(type) == false, validation.min != nil || validation.max != nil {
                problem(YAMLSupport.line(fields["validation"]!), key, "min and max apply to number and year questions only")
            }
            if let type, type != .text, validation.minLength != nil || validation.maxLength != nil || validation.pattern != nil || validation.phone {
                problem(YAMLSupport.line(fields["validation"]!), key, "min_length, max_length, pattern and phone apply to text questions only")
            }
        }

        var mapping: Mapping?
        if let mapNode = fields["maps_to"] {
            let fieldName = mapNode.scalar?.string ?? mapNode.mapping?["field"]?.scalar?.string ?? ""
            if let field = SituationField(rawValue: fieldName) {
                mapping = Mapping(field: field)
                if let type, !field.acceptedTypes.contains(type) {
                    problem(YAMLSupport.line(mapNode), key, "maps to \(fieldName), which takes a \(field.acceptedTypes.map(\.rawValue).sorted().joined(separator: " or ")) question, not \(type.rawValue)")
                }
                if let allowed = field.allowedValues {
                    for choice in choices where !allowed.contains(choice.value) {
                        problem(choice.line, key, "choice '\(choice.value)' is not a value of \(fieldName) (expected \(allowed.sorted().joined(separator: ", ")))")
                    }
                }
                if let fallbackNode = mapNode.mapping?["if_not_relevant"] {
                    let text = fallbackNode.scalar?.string ?? ""
                    switch type {
                    case .yesNo?, .singleChoice?:
                        let candidates = type == .yesNo ? ["yes", "no"] : choices.map(\.value)
                        if candidates.contains(text) { mapping?.ifNotRelevant = .choice(text) }
                        else { problem(YAMLSupport.line(fallbackNode), key, "if_not_relevant '\(text)' is not one of the question's choices") }
                    case .number?, .year?:
                        if let number = Fixed4(parsing: text) { mapping?.ifNotRelevant = .number(number) }
                        else { problem(YAMLSupport.line(fallbackNode), key, "if_not_relevant must be a number") }
                    default:
                        problem(YAMLSupport.line(fallbackNode), key, "if_not_relevant is for choice, yes/no and number questions")
                    }
                }
            } else {
                problem(YAMLSupport.line(mapNode), key, "maps to unknown situation field '\(fieldName)' (known: \(SituationField.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
        }
        func flag(_ name: String) -> Bool {
            guard let node = fields[name] else { return false }
            switch node.scalar?.string {
            case "true": return true
            case "false": return false
            default:
                problem(YAMLSupport.line(node), key, "`\(name)` must be true or false")
                return false
            }
        }
        let personal = flag("personal"), required = flag("required")
        guard let type else { return nil }
        return Question(id: id, type: type, label: label, help: help, choices: choices, relevant: relevant,
                        validation: validation, mapping: mapping, personal: personal, required: required, section: section, line: line)
    }

    /// Conditions name known, earlier questions, compare choices with their real values, and form no cycle.
    static func checkConditions(_ questionnaire: Questionnaire) -> [ContentProblem] {
        var problems: [ContentProblem] = []
        let questions = questionnaire.questions
        for (index, question) in questions.enumerated() {
            guard let condition = question.relevant else { continue }
            for reference in Set(condition.references).sorted() {
                guard let referenced = questionnaire.index(of: reference) else {
                    problems.append(ContentProblem(file: questionnaire.file, line: question.line, key: question.id, message: "condition names unknown question '\(reference)'"))
                    continue
                }
                if referenced == index {
                    problems.append(ContentProblem(file: questionnaire.file, line: question.line, key: question.id, message: "condition names the question itself"))
                } else if referenced > index {
                    problems.append(ContentProblem(file: questionnaire.file, line: question.line, key: question.id, message: "condition names '\(reference)', which comes later; a condition can only use earlier answers"))
                }
            }
            for (reference, value) in condition.comparedValues {
                guard let target = questionnaire.question(reference), [.singleChoice, .multipleChoice, .yesNo].contains(target.type) else { continue }
                if !target.choiceValues.contains(value) {
                    problems.append(ContentProblem(file: questionnaire.file, line: question.line, key: question.id, message: "condition compares '\(reference)' with '\(value)', which is not one of its choices (\(target.choiceValues.joined(separator: ", ")))"))
                }
            }
        }
        // Cycles among conditions (possible only through forward references, reported above too).
        var state: [String: Int] = [:] // 1 visiting, 2 done
        func visit(_ id: String, _ trail: [String]) {
            if state[id] == 2 { return }
            if state[id] == 1 {
                let cycle = trail.drop(while: { $0 != id }) + [id]
                let question = questionnaire.question(id)!
                problems.append(ContentProblem(file: questionnaire.file, line: question.line, key: id, message: "conditions form a cycle: \(cycle.joined(separator: " → "))"))
                return
            }
            state[id] = 1
            for reference in Set(questionnaire.question(id)?.relevant?.references ?? []).sorted() where questionnaire.question(reference) != nil && reference != id {
                visit(reference, trail + [id])
            }
            state[id] = 2
        }
        for question in questions { visit(question.id, []) }
        return problems
    }
}

/// Helpers shared by the content loaders (questionnaires, directory, rules, form layouts).
public enum YAMLSupport {
    /// The 1-based line of a node.
    public static func line(_ node: Node) -> Int { node.mark?.line ?? 1 }

    /// The line and a plain description of a YAML error.
    public static func describe(_ error: YamlError) -> (Int, String) {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let detail = context.map { "\($0.text) " } ?? ""
            return (mark.line, "YAML syntax error: \(detail)\(problem)")
        case let .reader(problem, _, _, _):
            return (1, "unreadable text: \(problem)")
        default:
            return (1, "YAML error")
        }
    }

    /// Parses YAML text into its root node, or says where and why it cannot (`file:line: yaml: message`).
    public static func compose(file: String, text: String) -> Result<Node, ContentProblem> {
        do {
            guard let node = try Yams.compose(yaml: text) else {
                return .failure(ContentProblem(file: file, line: 1, key: "file", message: "the file is empty"))
            }
            return .success(node)
        } catch let error as YamlError {
            let (line, message) = describe(error)
            return .failure(ContentProblem(file: file, line: line, key: "yaml", message: message))
        } catch {
            return .failure(ContentProblem(file: file, line: 1, key: "yaml", message: "cannot be parsed as YAML"))
        }
    }

    /// Reports unknown and repeated keys of a mapping.
    public static func checkKeys(_ mapping: Node.Mapping, allowed: Set<String>, key: String, problem: (Int, String, String) -> Void) {
        var seen = Set<String>()
        for (keyNode, _) in mapping {
            let name = keyNode.scalar?.string ?? ""
            if !allowed.contains(name) {
                problem(line(keyNode), key, "unknown field `\(name)` (expected \(allowed.sorted().joined(separator: ", ")))")
            }
            if !seen.insert(name).inserted {
                problem(line(keyNode), key, "field `\(name)` appears twice")
            }
        }
    }
}
