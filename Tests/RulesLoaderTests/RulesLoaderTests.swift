import Rights
import RulesLoader
import Testing
import TestSupport

/// Each broken file is the shipped file with one change, so the rest stays valid.
@Suite("Dated parameter files")
struct RulesLoaderTests {
    func files(replacing target: String, with replacement: String, in file: String = "c2s.yaml") -> [(name: String, text: String)] {
        Repository.ruleFiles().map { entry in
            guard entry.name == file else { return entry }
            precondition(entry.text.contains(target), "fixture text not found in \(file)")
            return (entry.name, entry.text.replacingOccurrences(of: target, with: replacement))
        }
    }

    func problems(_ files: [(name: String, text: String)]) -> [ContentProblem] {
        switch RulesLoader.load(files: files) {
        case .success: return []
        case .failure(let problems): return problems.problems
        }
    }

    func line(of text: String, in file: String = "c2s.yaml", files: [(name: String, text: String)]) -> Int {
        let content = files.first { $0.name == file }!.text
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        return lines.firstIndex { $0.contains(text) }! + 1
    }

    @Test("The shipped rule files load without a problem")
    func shippedRulesAreValid() {
        #expect(problems(Repository.ruleFiles()).isEmpty)
    }

    @Test("Every parameter has a value on 2019-11-01, the day C2S began")
    func everyParameterCoversTheStart() {
        let parameters = Fixtures.parameters
        for key in ParameterKey.allCases {
            if case .number = key.kind {
                #expect(parameters.value(key, on: Situation.earliestDate) != nil, "\(key.rawValue)")
            } else {
                #expect(parameters.bands(key, on: Situation.earliestDate) != nil, "\(key.rawValue)")
            }
        }
    }

    @Test("A YAML syntax error names the file and its line")
    func yamlSyntaxError() {
        let broken = files(replacing: "  label: Raise of the one-person ceiling for the 2nd person", with: "  label: [unclosed")
        let found = problems(broken)
        #expect(found.count == 1)
        #expect(found.first?.file == "c2s.yaml")
        #expect(found.first?.key == "yaml")
        #expect(found.first?.message.contains("YAML syntax error") == true)
        #expect((found.first?.line ?? 0) > 1)
    }

    @Test("A misspelt parameter is unknown, with the right name suggested")
    func unknownParameter() {
        let broken = files(replacing: "c2s.overseas_raise:", with: "c2s.oversea_raise:")
        let found = problems(broken)
        let unknown = found.first { $0.key == "c2s.oversea_raise" }
        #expect(unknown?.message.contains("did you mean c2s.overseas_raise") == true)
        #expect(unknown?.line == line(of: "c2s.oversea_raise:", files: broken))
        // …and the real name is then missing.
        #expect(found.contains { $0.key == "c2s.overseas_raise" && $0.message.hasPrefix("missing") })
    }

    @Test("A date listed twice is refused at its line")
    func duplicateDate() {
        let broken = files(replacing: "    - from: 2021-04-01\n      value: 9041", with: "    - from: 2019-04-01\n      value: 9041")
        let found = problems(broken)
        #expect(found.count == 1)
        #expect(found.first?.key == "c2s.free_ceiling.one_person")
        #expect(found.first?.message.contains("appears twice") == true)
        #expect(found.first?.line == line(of: "value: 9041", files: broken) - 1)
    }

    @Test("Dates out of order are refused")
    func datesOutOfOrder() {
        let broken = files(replacing: "    - from: 2022-04-01\n      value: 9203", with: "    - from: 2020-04-01\n      value: 9203")
        let found = problems(broken)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("comes after 2021-04-01") == true)
    }

    @Test("A number out of its range is refused with the range")
    func outOfRange() {
        let broken = files(replacing: "value: 10166", with: "value: 101660")
        let found = problems(broken)
        #expect(found.count == 1)
        #expect(found.first?.message.contains("out of range") == true)
        #expect(found.first?.line == line(of: "from: 2024-04-01", files: broken))
    }

    @Test("A value that is not a number is refused")
    func notANumber() {
        let broken = files(replacing: "value: 0.113", with: "value: 11.3 %")
        let found = problems(broken)
        #expect(found.contains { $0.key == "c2s.overseas_raise" && $0.message.contains("must be a number") && $0.line == line(of: "value: 11.3 %", files: broken) })
    }

    @Test("A value without a source is refused")
    func missingSource() {
        let broken = files(replacing: "      source: \"CSS L861-1 2°\"\n", with: "")
        let found = problems(broken)
        #expect(found.count == 1)
        #expect(found.first?.key == "c2s.participation_ceiling_factor")
        #expect(found.first?.message.contains("no source") == true)
    }

    @Test("A parameter that starts after 2019-11-01 is refused: it must be present at every date")
    func startsTooLate() {
        let broken = files(replacing: "    - from: 2019-11-01\n      value: 0.4", with: "    - from: 2020-01-01\n      value: 0.4")
        let found = problems(broken)
        #expect(found.count == 1)
        #expect(found.first?.key == "c2s.household.fifth_person_and_more")
        #expect(found.first?.message.contains("a value is needed from 2019-11-01") == true)
    }

    @Test("A parameter missing from every file is named")
    func missingParameter() {
        let broken = Repository.ruleFiles().filter { $0.name != "residence.yaml" }
        let found = problems(broken)
        #expect(Set(found.map(\.key)) == ["puma.residence_months", "ame.residence_months", "ame.adult_age", "medecin_traitant.mandatory_age"])
        #expect(found.allSatisfy { $0.message.hasPrefix("missing") })
    }

    @Test("Age bands must start at 0 and increase")
    func badBands() {
        let broken = files(replacing: "        - {from_age: 0, amount: 8}\n        - {from_age: 30, amount: 14}",
                           with: "        - {from_age: 5, amount: 8}\n        - {from_age: 3, amount: 14}")
        let found = problems(broken)
        #expect(found.contains { $0.message.contains("must start at age 0") && $0.line == line(of: "{from_age: 5", files: broken) })
        #expect(found.contains { $0.message.contains("must increase") && $0.line == line(of: "{from_age: 3,", files: broken) })
    }

    @Test("A parameter defined in two files is refused with both places")
    func definedTwice() {
        var broken = Repository.ruleFiles()
        broken.append(("extra.yaml", "ame.adult_age:\n  values:\n    - from: 2019-11-01\n      value: 18\n      source: test\n"))
        let found = problems(broken)
        #expect(found.count == 1)
        #expect(found.first?.file == "extra.yaml")
        #expect(found.first?.message.contains("defined twice (first at residence.yaml:") == true)
    }

    @Test("A bad date is refused with what was found")
    func badDate() {
        let broken = files(replacing: "from: 2023-04-01", with: "from: 2023-04-31")
        let found = problems(broken)
        #expect(found.contains { $0.message.contains("YYYY-MM-DD") && $0.message.contains("2023-04-31") })
    }

    @Test("Several problems in several files are all reported at once")
    func everyProblemAtOnce() {
        var broken = files(replacing: "value: 10166", with: "value: 101660")
        broken = broken.map { entry in
            entry.name == "housing.yaml" ? (entry.name, entry.text.replacingOccurrences(of: "value: 0.165", with: "value: 1.65")) : entry
        }
        let found = problems(broken)
        #expect(found.count == 2)
        #expect(Set(found.map(\.file)) == ["c2s.yaml", "housing.yaml"])
        #expect(found.map(\.description).allSatisfy { $0.split(separator: ":").count >= 4 })
    }

    @Test("Unconfirmed figures reach the evaluation as warnings")
    func unconfirmedFigureWarns() throws {
        let marked = files(replacing: "      value: 0.113\n", with: "      value: 0.113\n      unconfirmed: true\n")
        let parameters = try RulesLoader.load(files: marked).get()
        let evaluation = try RightsEngine(parameters: parameters).evaluate(Fixtures.situation())
        #expect(evaluation.warnings.contains(.unconfirmedFigure(.c2sOverseasRaise, from: LocalDate(iso: "2019-11-01")!)))
    }
}
