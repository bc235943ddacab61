import Foundation
import Intake
import Rights
import Testing
import TestSupport

@Suite("Questionnaire and directory files")
struct LoaderTests {
    /// A small valid questionnaire; each test breaks one thing.
    static let valid = """
    id: sample
    version: 1
    title: {fr: Exemple, en: Sample}
    languages: [fr, en]
    sections:
      - id: main
        title: {fr: Principal, en: Main}
        questions:
          - id: has_partner
            type: yes_no
            label: {fr: En couple ?, en: Partner?}
            maps_to: household.has_partner
          - id: partner_year
            type: year
            relevant: has_partner == 'yes'
            label: {fr: Année ?, en: Year?}
          - id: housing
            type: single_choice
            label: {fr: Logement ?, en: Home?}
            choices:
              - {value: tenant, label: {fr: Locataire, en: Tenant}}
              - {value: owner, label: {fr: Propriétaire, en: Owner}}
            maps_to: housing
    """

    func problems(_ text: String) -> [ContentProblem] {
        QuestionnaireLoader.load(file: "sample.yaml", text: text).problems
    }

    func lineOf(_ fragment: String, in text: String) -> Int {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(fragment) }! + 1
    }

    @Test("The shipped content loads with no problem")
    func shippedContentIsValid() {
        let loaded = ContentLoader.load(directory: Repository.root.appendingPathComponent("Kiosk"))
        #expect(loaded.problems.isEmpty, "\(loaded.problems)")
        #expect(loaded.content?.questionnaires.map(\.id) == ["checkin", "callback", "health_rights"])
    }

    @Test("Every label of the shipped questionnaires exists in the five languages")
    func everyLabelTranslated() {
        for questionnaire in ContentFixtures.content.questionnaires {
            for question in questionnaire.questions {
                for language in ["fr", "en", "es", "ro", "uk"] {
                    #expect(question.label.values[language] != nil, "\(question.id) \(language)")
                    for choice in question.choices { #expect(choice.label.values[language] != nil, "\(question.id).\(choice.value) \(language)") }
                }
            }
        }
    }

    @Test("The health-rights questionnaire covers every input of the rights engine")
    func coversTheEngine() {
        let fields = Set(ContentFixtures.content.questionnaires.flatMap(\.questions).compactMap(\.mapping?.field))
        let needed: Set<SituationField> = [.applicantBirthYear, .hasPartner, .partnerBirthYear, .childrenUnder25, .resources, .housing,
                                           .housingAllowance, .residenceStatus, .arrivalDate, .arrivedWithinAYear, .coverageBase,
                                           .coverageComplementary, .benefits, .hasMedecinTraitant]
        #expect(needed.isSubset(of: fields))
    }

    @Test("The sample questionnaire is valid")
    func sampleIsValid() {
        #expect(problems(Self.valid).isEmpty)
    }

    @Test("Each kind of broken questionnaire gives its message at its line", arguments: [
        ("type: year", "type: slider", "partner_year", "unknown type 'slider'"),
        ("- id: partner_year", "- id: has_partner", "has_partner", "duplicate id"),
        ("relevant: has_partner == 'yes'", "relevant: partner == 'yes'", "partner_year", "unknown question 'partner'"),
        ("relevant: has_partner == 'yes'", "relevant: has_partner == 'maybe'", "partner_year", "not one of its choices"),
        ("relevant: has_partner == 'yes'", "relevant: has_partner = 'yes'", "partner_year", "use '=='"),
        ("label: {fr: Année ?, en: Year?}", "label: {en: Year?}", "partner_year", "label missing in French"),
        ("maps_to: housing", "maps_to: lodging", "housing", "unknown situation field 'lodging'"),
        ("maps_to: household.has_partner", "maps_to: resources_last_12_months", "has_partner", "takes a number question"),
        ("{value: owner, label: {fr: Propriétaire, en: Owner}}", "{value: castle, label: {fr: Château, en: Castle}}", "housing", "'castle' is not a value of housing"),
    ])
    func brokenQuestionnaire(original: String, replacement: String, id: String, message: String) {
        let text = Self.valid.replacingOccurrences(of: original, with: replacement)
        let found = problems(text)
        let match = found.first { $0.key == id && $0.message.contains(message) }
        #expect(match != nil, "\(found)")
        #expect(match?.file == "sample.yaml")
        #expect((match?.line ?? 0) > 1)
    }

    @Test("A choice question without choices is refused")
    func choicesMissing() {
        let text = Self.valid.replacingOccurrences(of: """
                choices:
                  - {value: tenant, label: {fr: Locataire, en: Tenant}}
                  - {value: owner, label: {fr: Propriétaire, en: Owner}}

        """, with: "")
        #expect(problems(text).contains { $0.key == "housing" && $0.message.contains("choices missing") && $0.line == lineOf("- id: housing", in: text) })
    }

    @Test("A YAML syntax error names its line")
    func yamlSyntaxError() {
        let text = Self.valid.replacingOccurrences(of: "title: {fr: Principal, en: Main}", with: "title: {fr: Principal, en: Main")
        let found = problems(text)
        #expect(found.count == 1)
        #expect(found.first?.key == "yaml")
        #expect((found.first?.line ?? 0) >= lineOf("title: {fr: Principal", in: text))
    }

    @Test("A condition on a later question is refused, and a cycle is named")
    func laterQuestionAndCycle() {
        let text = Self.valid.replacingOccurrences(of: "        maps_to: household.has_partner", with: "        relevant: partner_year > 1900\n        maps_to: household.has_partner")
        let found = problems(text)
        #expect(found.contains { $0.key == "has_partner" && $0.message.contains("which comes later") })
        #expect(found.contains { $0.message.contains("conditions form a cycle") })
    }

    @Test("Every problem of a file is reported at once")
    func everyProblemAtOnce() {
        let text = Self.valid
            .replacingOccurrences(of: "type: year", with: "type: slider")
            .replacingOccurrences(of: "maps_to: housing", with: "maps_to: lodging")
            .replacingOccurrences(of: "label: {fr: En couple ?, en: Partner?}", with: "label: {en: Partner?}")
        let found = problems(text)
        #expect(found.count == 3)
        #expect(Set(found.map(\.key)) == ["partner_year", "housing", "has_partner"])
    }

    @Test("The same question id in two questionnaires is refused")
    func duplicateAcrossFiles() throws {
        let directory = temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let kiosk = Repository.root.appendingPathComponent("Kiosk")
        for sub in ["questionnaires", "directory", "territory"] {
            try FileManager.default.copyItem(at: kiosk.appendingPathComponent(sub), to: directory.appendingPathComponent(sub))
        }
        let extra = Self.valid.replacingOccurrences(of: "maps_to: household.has_partner", with: "")
            .replacingOccurrences(of: "maps_to: housing", with: "")
        try Data(extra.utf8).write(to: directory.appendingPathComponent("questionnaires/zz-extra.yaml"))
        let found = ContentLoader.load(directory: directory).problems
        #expect(found.contains { $0.key == "has_partner" && $0.message.contains("duplicate id (also in") })
    }

    @Test("Directory problems name the service and the line", arguments: [
        ("opening_hours: \"Mo-Fr 09:00-12:00,14:00-18:00\"", "opening_hours: \"Mo-Fr 9h-12h\"", "ms-couiza", "opening_hours"),
        ("commune_code: \"11103\"", "commune_code: \"99999\"", "ms-couiza", "not in the territory's list"),
        ("kind: pass", "kind: clinic", "pass-hopital", "unknown kind 'clinic'"),
        ("phone: \"04 68 00 00 02\"", "phone: \"call us\"", "msp-esperaza", "not a phone number"),
    ])
    func brokenDirectory(original: String, replacement: String, id: String, message: String) throws {
        let file = Repository.root.appendingPathComponent("Kiosk/directory/services.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains(original))
        let broken = text.replacingOccurrences(of: original, with: replacement)
        let found = DirectoryLoader.loadServices(file: "services.yaml", text: broken, communes: ContentFixtures.content.communes).problems
        let match = found.first { $0.key == id && $0.message.contains(message) }
        #expect(match != nil, "\(found)")
        #expect(match?.line == lineOf(replacement, in: broken))
    }

    @Test("A calendar entry that ends before it starts, or a doctor week not on a Monday, is refused")
    func brokenCalendar() {
        let text = """
        permanences:
          - {date: 2026-11-24, commune_code: "11103", place: Mairie, start: "12:00", end: "09:30"}
        visiting_doctor_weeks:
          - {week_of: 2026-11-24, service: ms-couiza}
        """
        let found = DirectoryLoader.loadCalendar(file: "calendar.yaml", text: text, communes: ContentFixtures.content.communes,
                                                 services: ContentFixtures.content.services).problems
        #expect(found.contains { $0.line == 2 && $0.message.contains("ends (09:30) before it starts") })
        #expect(found.contains { $0.line == 4 && $0.message.contains("must be a Monday") })
    }

    @Test("The next permanence is found from a day")
    func nextPermanence() {
        let next = ContentFixtures.content.calendar.nextPermanence(onOrAfter: LocalDate(iso: "2026-11-25")!)
        #expect(next?.date == LocalDate(iso: "2026-11-26"))
        #expect(next?.commune == "Rennes-les-Bains")
    }

    @Test("Commune coordinates: a value that is not degrees, or one without the other, is named with its line; an empty pair is allowed")
    func communeCoordinates() {
        let text = """
            insee_code,name,population,population_year,latitude,longitude
            11103,Couiza,1135,2014,42.9352,2.2705
            11097,Conilhac-de-la-Montagne,65,2014,,
            11010,Antugnac,305,2014,nord,2.2186
            11015,Arques,241,2014,42.9472,
            """
        let loaded = DirectoryLoader.loadCommunes(file: "communes.csv", text: text)
        let messages = loaded.problems.map { "\($0.line) \($0.key): \($0.message)" }
        #expect(messages.contains("4 Antugnac: latitude 'nord' is not a number of degrees in -90…90"), "\(messages)")
        #expect(messages.contains("5 Arques: give both latitude and longitude, or leave both empty"), "\(messages)")
        #expect(loaded.problems.count == 3, "Antugnac's lone longitude is named too: \(messages)")
        #expect(loaded.communes.commune(id: "11103")?.latitude == 42.9352)
        #expect(loaded.communes.commune(id: "11097")?.latitude == nil)
    }
}
