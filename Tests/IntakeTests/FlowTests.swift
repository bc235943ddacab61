import Foundation
import Intake
import Rights
import Testing
import TestSupport

@Suite("Questionnaire flow over the real content")
struct FlowTests {
    let context = FlowContext(today: LocalDate(iso: "2026-11-24")!, communes: ContentFixtures.content.communes)

    func rightsFlow() -> Flow { Flow(questionnaire: ContentFixtures.rights, context: context) }

    /// Answers the current question with the first of `values` that applies, by question id.
    func answer(_ flow: inout Flow, _ values: [String: AnswerValue]) throws {
        while let question = flow.current {
            let value = values[question.id] ?? .dontKnow
            try flow.answer(value)
        }
    }

    @Test("The flow starts at the first question and a yes/no answer moves to the next")
    func startsAtFirstQuestion() throws {
        var flow = rightsFlow()
        #expect(flow.current?.id == "base_coverage")
        try flow.answer(.choice("puma"))
        #expect(flow.current?.id == "complementary")
    }

    @Test("Skip logic: the partner's year of birth is asked only of people in a couple")
    func skipLogic() throws {
        var flow = rightsFlow()
        try flow.answer(.choice("puma"))
        try flow.answer(.choice("none"))
        try flow.answer(.choice("no"))            // has_partner
        #expect(flow.current?.id == "children_under_25")
        flow.back()
        try flow.answer(.choice("yes"))
        #expect(flow.current?.id == "partner_birth_year")
    }

    @Test("AME holders are not asked about a mutuelle")
    func ameSkipsComplementary() throws {
        var flow = rightsFlow()
        try flow.answer(.choice("ame"))
        #expect(flow.current?.id == "has_partner")
    }

    @Test("Going back and changing an answer drops the answers that are no longer asked")
    func backAfterChangeDropsIrrelevantAnswers() throws {
        var flow = rightsFlow()
        try flow.answer(.choice("puma"))
        try flow.answer(.choice("none"))
        try flow.answer(.choice("yes"))
        try flow.answer(.number(Fixed4(integer: 1990)))
        #expect(flow.answers["partner_birth_year"] == .number(Fixed4(integer: 1990)))
        flow.back()
        flow.back()
        #expect(flow.current?.id == "has_partner")
        try flow.answer(.choice("no"))
        #expect(flow.answers["partner_birth_year"] == nil)
        #expect(flow.current?.id == "children_under_25")
    }

    @Test("\"I don't know\" is accepted on every question type and moves on")
    func dontKnowOnEveryType() {
        var flow = rightsFlow()
        var types = Set<QuestionType>()
        while let question = flow.current {
            types.insert(question.type)
            if question.id == "arrived_within_a_year" {
                try? flow.answer(.choice("yes"))   // so that the date question is asked
                continue
            }
            flow.dontKnow()
            #expect(flow.answers[question.id] == .dontKnow)
        }
        // The check-in covers text, year and commune; the rights questionnaire the rest.
        var checkin = Flow(questionnaire: ContentFixtures.checkin, context: context)
        try? checkin.answer(.choice("share"))
        while let question = checkin.current {
            types.insert(question.type)
            checkin.dontKnow()
            #expect(checkin.answers[question.id] == .dontKnow)
        }
        #expect(types == Set(QuestionType.allCases))
        #expect(flow.position == .review)
    }

    @Test("The consent cannot be answered with \"I don't know\" or skipped")
    func consentIsRequired() {
        var flow = Flow(questionnaire: ContentFixtures.checkin, context: context)
        flow.dontKnow()
        flow.skip()
        #expect(flow.current?.id == "consent")
        #expect(flow.answers.isEmpty)
    }

    @Test("A refused answer says why in the visitor's language and changes nothing")
    func refusedAnswer() throws {
        var flow = rightsFlow()
        try flow.answer(.choice("puma"))
        try flow.answer(.choice("none"))
        try flow.answer(.choice("no"))
        let before = flow.answers
        let question = try #require(flow.current)
        #expect(throws: AnswerProblem.outOfRange(min: Fixed4(integer: 0), max: Fixed4(integer: 15))) {
            try flow.answer(.number(Fixed4(integer: 40)))
        }
        #expect(throws: AnswerProblem.notANumber) { _ = try Flow.parse("plenty", for: question, context: context) }
        #expect(ContentFixtures.content.texts.render(AnswerProblem.notANumber.message, "ro") == "Scrieți un număr, cu cifre.")
        // The message names both bounds (it lost the upper one of a year "not in the future" before).
        #expect(ContentFixtures.content.texts.render(AnswerProblem.outOfRange(min: Fixed4(integer: 1900), max: Fixed4(integer: 2026)).message, "fr")
            == "Écrivez un nombre entre 1900 et 2026.")
        #expect(flow.answers == before)
        #expect(flow.current?.id == "children_under_25")
    }

    @Test("Typed answers are read the way people type them")
    func parsingTypedAnswers() throws {
        let resources = try #require(ContentFixtures.rights.question("resources_12_months"))
        #expect(try Flow.parse("12 500,50 €", for: resources, context: context) == .number(Fixed4(parsing: "12500.50")!))
        let arrival = try #require(ContentFixtures.rights.question("arrival_date"))
        #expect(try Flow.parse("15/03/2026", for: arrival, context: context) == .date(LocalDate(iso: "2026-03-15")!))
        #expect(try Flow.parse("03/2026", for: arrival, context: context) == .date(LocalDate(iso: "2026-03-01")!))
        #expect(throws: AnswerProblem.inTheFuture) { try Flow.parse("01/01/2027", for: arrival, context: context) }
        let housing = try #require(ContentFixtures.rights.question("housing"))
        #expect(try Flow.parse("2", for: housing, context: context) == .choice("owner"))
        let commune = try #require(ContentFixtures.checkin.question("commune"))
        #expect(try Flow.parse("rennes les b", for: commune, context: context) == .text("11310"))
        #expect(try Flow.parse("quillan", for: commune, context: context) == .text("11304"), "the INSEE code is stored")
        #expect(throws: AnswerProblem.unknownCommune) { try Flow.parse("Paris", for: commune, context: context) }
    }

    @Test("The review page lists the answers on the path and editing from it returns to it")
    func reviewAndEdit() throws {
        var flow = rightsFlow()
        try answer(&flow, ["base_coverage": .choice("none"), "has_partner": .choice("no"), "children_under_25": .number(Fixed4(integer: 2))])
        #expect(flow.position == .review)
        #expect(flow.review.map(\.question.id).contains("children_under_25"))
        #expect(!flow.review.map(\.question.id).contains("partner_birth_year"))
        flow.edit("children_under_25")
        try flow.answer(.number(Fixed4(integer: 3)))
        #expect(flow.position == .review)
        #expect(flow.answers["children_under_25"] == .number(Fixed4(integer: 3)))
    }

    @Test("Progress counts the questions left on the current path")
    func progress() throws {
        var flow = rightsFlow()
        let start = flow.progress
        #expect(start.answered == 0)
        #expect(start.remaining == flow.path.count)
        try flow.answer(.choice("ame"))   // removes the mutuelle question from the path
        #expect(flow.progress.answered == 1)
        #expect(flow.progress.remaining == start.remaining - 2)
    }

    @Test("The situation built from the answers gives the expected rights")
    func situationFromAnswers() throws {
        var checkin = Flow(questionnaire: ContentFixtures.checkin, context: context)
        try answer(&checkin, ["consent": .choice("share"), "first_name": .text("Ana"), "birth_year": .number(Fixed4(integer: 1990)),
                              "commune": .text("11103"), "reasons": .choices(["coverage"]), "interpreter": .choice("no")])
        var rights = rightsFlow()
        try answer(&rights, [
            "base_coverage": .choice("none"), "has_partner": .choice("yes"), "partner_birth_year": .number(Fixed4(integer: 1988)),
            "children_under_25": .number(Fixed4(integer: 2)), "resources_12_months": .number(Fixed4(integer: 16_000)),
            "benefits": .choices(["none"]), "housing": .choice("tenant"), "housing_allowance": .choice("no"),
            "residence_status": .choice("regular"), "arrived_within_a_year": .choice("yes"), "arrival_date": .date(LocalDate(iso: "2026-05-10")!),
            "has_medecin_traitant": .choice("no"), "gave_up_care": .choice("yes"), "gave_up_reasons": .choices(["money", "transport"]),
        ])
        let answers = checkin.answers.merging(rights.answers) { $1 }
        let situation = SituationBuilder.build(answers: answers, questionnaires: ContentFixtures.content.questionnaires,
                                               date: context.today, territory: .metropole)
        #expect(situation.household?.count == 4)
        #expect(situation.household?.first?.age == 35)
        #expect(situation.household?[2] == Member(age: nil, youngerThan: 25))
        #expect(situation.resourcesLast12Months == 1_600_000)
        #expect(situation.residence.monthsInFrance == 6)
        #expect(situation.benefits == [])
        #expect(situation.housingAllowance == false)
        let evaluation = Fixtures.evaluate(situation)
        #expect(evaluation[.puma].verdict == .eligible)
        #expect(evaluation[.c2s].verdict == .eligible)
        #expect(evaluation[.c2s].variant == .free)
    }

    @Test("Unanswered housing allowance for people housed free counts as no allowance")
    func ifNotRelevantFallback() throws {
        var rights = rightsFlow()
        try answer(&rights, ["housing": .choice("housed_free")])
        let situation = SituationBuilder.build(answers: rights.answers, questionnaires: [ContentFixtures.rights], date: context.today, territory: .metropole)
        #expect(situation.housing == .housedFree)
        #expect(situation.housingAllowance == false)
    }

    @Test("\"I don't know\" answers leave the situation's fields unknown, so the engine asks for review")
    func dontKnowGivesNeedsReview() {
        var rights = rightsFlow()
        while rights.current != nil { rights.dontKnow() }
        let situation = SituationBuilder.build(answers: rights.answers, questionnaires: [ContentFixtures.rights], date: context.today, territory: .metropole)
        #expect(situation.household == nil)
        #expect(situation.resourcesLast12Months == nil)
        let evaluation = Fixtures.evaluate(situation)
        #expect(evaluation[.c2s].verdict == .needsReview)
    }

    @Test("Answers survive the stored JSON form")
    func answerJSONRoundTrip() throws {
        let values: [AnswerValue] = [.choice("yes"), .choices(["money", "other"]), .number(Fixed4(parsing: "1250.5")!),
                                     .date(LocalDate(iso: "2025-03-15")!), .text("Ștefan"), .dontKnow, .skipped]
        for value in values {
            let data = try JSONEncoder().encode(value)
            #expect(try JSONDecoder().decode(AnswerValue.self, from: data) == value)
        }
    }
}

@Suite("Skip-logic conditions")
struct ConditionTests {
    @Test("Conditions combine and, or, not, comparisons, contains, in and answered")
    func evaluation() throws {
        let answers: [String: AnswerValue] = ["a": .choice("yes"), "n": .number(Fixed4(integer: 3)), "m": .choices(["x", "y"]), "d": .dontKnow]
        let cases: [(String, Bool)] = [
            ("a == 'yes'", true), ("a != 'yes'", false), ("n >= 3 and n < 4", true), ("m contains 'y'", true),
            ("m contains 'z' or a == 'yes'", true), ("not (a == 'yes')", false), ("answered(a)", true), ("answered(d)", false),
            ("dont_know(d)", true), ("a in ('no', 'yes')", true), ("missing == 'x'", false), ("not answered(missing)", true),
            ("d == 'x' or d != 'x'", false),
        ]
        for (text, expected) in cases {
            #expect(try Condition.parse(text).holds(answers) == expected, "\(text)")
        }
    }

    @Test("A malformed condition says where", arguments: [
        ("a = 'yes'", "use '=='"), ("a == ", "ends too early"), ("(a == 'x'", "expected ')'"), ("a == 'x", "unclosed quote"), ("a ~ 3", "unexpected '~'"),
    ])
    func syntaxErrors(text: String, message: String) {
        #expect(throws: ConditionSyntaxError.self) { try Condition.parse(text) }
        do { _ = try Condition.parse(text) } catch { #expect(error.message.contains(message), "\(error.message)") }
    }
}
