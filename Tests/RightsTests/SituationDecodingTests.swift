import Foundation
import Intake
import Rights
import Testing
import TestSupport

@Suite("Reading a situation")
struct SituationDecodingTests {
    func decode(_ json: String) throws -> Situation {
        try JSONDecoder().decode(Situation.self, from: Data(json.utf8))
    }

    func error(_ json: String) -> SituationError? {
        do {
            _ = try decode(json)
            return nil
        } catch let error as SituationError {
            return error
        } catch {
            return SituationError(field: "unexpected", message: "\(error)")
        }
    }

    @Test("The contract's example reads into a complete situation")
    func contractExample() throws {
        let situation = try decode("""
        {"date": "2024-06-15", "territory": "metropole", "household": [{"age": 34}, {"age": 31}, {"age": 4}],
         "resources_last_12_months": 17136.0, "housing": "tenant", "housing_allowance": false,
         "residence": {"status": "french", "months_in_france": 120},
         "coverage": {"base": "puma", "complementary": "none"}, "benefits": [], "has_medecin_traitant": false}
        """)
        #expect(situation.date == LocalDate(year: 2024, month: 6, day: 15))
        #expect(situation.household?.map(\.age) == [34, 31, 4])
        #expect(situation.resourcesLast12Months == 1_713_600)
        #expect(situation.benefits == [])
        #expect(situation.residence.status == .french)
        #expect(situation.ignoredFields.isEmpty)
    }

    @Test("Fields left out stay unknown, and null means unknown")
    func unknownFields() throws {
        let situation = try decode(#"{"date": "2024-06-15", "housing": null}"#)
        #expect(situation.household == nil)
        #expect(situation.housing == nil)
        #expect(situation.benefits == nil)
    }

    @Test("Unknown top-level fields are listed, not fatal")
    func ignoredFields() throws {
        let situation = try decode(#"{"date": "2024-06-15", "note": "x"}"#)
        #expect(situation.ignoredFields == ["note"])
    }

    @Test("Each impossible input names its field", arguments: [
        (#"{"date": "2024-06-15", "territory": "paris"}"#, "territory"),
        (#"{"date": "2024-06-15", "housing": 3}"#, "housing"),
        (#"{"date": "2024-06-15", "household": []}"#, "household"),
        (#"{"date": "2024-06-15", "household": [{"age": 30}, {"age": 150}]}"#, "household[1].age"),
        (#"{"date": "2024-06-15", "household": [{"age": -1}]}"#, "household[0].age"),
        (#"{"date": "2024-06-15", "household": [{"age": 3.5}]}"#, "household[0].age"),
        (#"{"date": "2024-06-15", "household": [{"age": "thirty"}]}"#, "household[0].age"),
        (#"{"date": "2024-06-15", "household": {"age": 3}}"#, "household"),
        (#"{"date": "2024-06-15", "resources_last_12_months": -1}"#, "resources_last_12_months"),
        (#"{"date": "2024-06-15", "resources_last_12_months": "1000"}"#, "resources_last_12_months"),
        (#"{"date": "2019-10-31"}"#, "date"),
        (#"{"date": "2024-02-30"}"#, "date"),
        (#"{"date": "15/06/2024"}"#, "date"),
        (#"{"territory": "metropole"}"#, "date"),
        (#"{"date": "2024-06-15", "residence": {"status": "tourist"}}"#, "residence.status"),
        (#"{"date": "2024-06-15", "residence": {"months_in_france": -2}}"#, "residence.months_in_france"),
        (#"{"date": "2024-06-15", "household": [{"age": 20}], "residence": {"months_in_france": 600}}"#, "residence.months_in_france"),
        (#"{"date": "2024-06-15", "coverage": {"base": "mutuelle"}}"#, "coverage.base"),
        (#"{"date": "2024-06-15", "coverage": {"complementary": "gold"}}"#, "coverage.complementary"),
        (#"{"date": "2024-06-15", "benefits": ["rsa", "apl"]}"#, "benefits[1]"),
        (#"{"date": "2024-06-15", "housing_allowance": "yes"}"#, "housing_allowance"),
        (#"{"date": "2024-06-15", "has_medecin_traitant": 1}"#, "has_medecin_traitant"),
        (#"[1, 2]"#, "situation"),
    ])
    func impossibleInputNamesItsField(json: String, field: String) {
        let problem = error(json)
        #expect(problem?.field == field)
        #expect(problem?.message.isEmpty == false)
    }

    @Test("An unknown enum value says which values are allowed")
    func unknownEnumListsAllowedValues() {
        let problem = error(#"{"date": "2024-06-15", "territory": "paris"}"#)
        #expect(problem?.message.contains("metropole") == true)
        #expect(problem?.message.contains("mayotte") == true)
    }
}

@Suite("Reasons in plain words")
struct ReasonTextTests {
    @Test("Every reason of the sample evaluations is written in French and in English, differently")
    func reasonsInBothLanguages() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Repository.samplesDirectory.path).filter { $0.hasSuffix("situation.json") }
        #expect(!names.isEmpty)
        for name in names {
            let data = try Data(contentsOf: Repository.samplesDirectory.appendingPathComponent(name))
            let evaluation = Fixtures.evaluate(try JSONDecoder().decode(Situation.self, from: data))
            for result in evaluation.rights {
                #expect(!result.reasons.isEmpty, "\(name) \(result.right)")
                for reason in result.reasons {
                    let texts = ContentFixtures.content.texts
                    #expect(texts.has(reason.message.key, "fr") && texts.has(reason.message.key, "en"), "\(reason.message.key)")
                    #expect(!texts.render(reason.message, "fr").contains("{"))
                    #expect(texts.render(reason.message, "fr") != texts.render(reason.message, "en"))
                }
            }
        }
    }

    @Test("Amounts are written as people read them in each language")
    func moneyFormat() {
        let texts = ContentFixtures.content.texts
        #expect(texts.euros(1_829_900, "fr") == "18 299 €")
        #expect(texts.euros(1_829_900, "en") == "€18,299")
        #expect(texts.euros(870, "fr") == "8,70 €")
        #expect(texts.euros(91_542, "en") == "€915.42")
        #expect(MoneyFormat.frenchEuros(870) == "8,70 €")
    }

    @Test("A missing field is named in plain words")
    func missingInPlainWords() {
        let texts = ContentFixtures.content.texts
        #expect(texts.render(Reason.missing(["household[2].age"]).message, "en").contains("the age of person 3"))
        #expect(texts.render(Reason.missing(["housing"]).message, "fr").contains("logement"))
    }
}

@Suite("Calendar days")
struct LocalDateTests {
    @Test("Only real days in the strict YYYY-MM-DD form are read")
    func parsing() {
        #expect(LocalDate(iso: "2024-02-29") != nil)
        #expect(LocalDate(iso: "2023-02-29") == nil)
        #expect(LocalDate(iso: "2024-6-15") == nil)
        #expect(LocalDate(iso: "2024-06-15T00:00") == nil)
    }

    @Test("Day numbers go both ways")
    func dayNumbers() {
        for dayNumber in stride(from: 17_000, to: 22_000, by: 37) {
            #expect(LocalDate(dayNumber: dayNumber).dayNumber == dayNumber)
        }
        #expect(LocalDate(iso: "1970-01-01")!.dayNumber == 0)
    }

    @Test("A year after 29 February is 28 February")
    func addingYears() {
        #expect(LocalDate(iso: "2024-02-29")!.addingYears(1) == LocalDate(iso: "2025-02-28"))
    }
}
