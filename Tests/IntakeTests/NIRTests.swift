import Intake
import Testing

/// Social security numbers as the mediator types them for the forms (FACTS.md, "Social security number").
@Suite("Social security number (NIR)")
struct NIRTests {
    // Keys computed by hand: 97 − (13 digits mod 97), with 2A → 19 and 2B → 18.
    @Test("Valid numbers pass, spaces or not, Corsica included", arguments: [
        "1 85 05 78 006 084 91", "185057800608491", "2 90 02 2A 004 123 04", "185052B01234509", "1 88 03 11 750 123 23",
    ])
    func valid(number: String) {
        #expect(NIR.check(number) == nil)
    }

    @Test("Each wrong number gets its own reason", arguments: [
        ("1 85 05 78 006 084 90", NIRProblem.key),              // last digit of the key mistyped
        ("1 85 05 78 006 048 91", NIRProblem.key),              // two digits swapped
        ("2 90 02 2B 004 123 04", NIRProblem.key),              // 2B where 2A was meant
        ("1 85 05 78 006 084 9", NIRProblem.length(14)),
        ("1 85 05 78 006 084 911", NIRProblem.length(16)),
        ("", NIRProblem.length(0)),
        ("1 85 05 78 0O6 084 91", NIRProblem.characters),       // a letter O for a zero
        ("1 85 05 2C 006 084 91", NIRProblem.characters),
        ("1 85 2A 78 006 084 91", NIRProblem.characters),       // 2A outside the department of birth
        ("5 85 05 78 006 084 91", NIRProblem.sex),
    ])
    func invalid(number: String, problem: NIRProblem) {
        #expect(NIR.check(number) == problem)
    }

    @Test("The year and month of birth must agree with the birth date; an unknown month is not compared")
    func birthDate() {
        #expect(NIR.check("185057800608491", birthYear: 1985, birthMonth: 5) == nil)
        #expect(NIR.check("185057800608491", birthYear: 1986, birthMonth: 5) == .birthYear(nir: 85, birth: 86))
        #expect(NIR.check("185057800608491", birthYear: 1985, birthMonth: 6) == .birthMonth(nir: 5, birth: 6))
        // Month 30: unknown at registration (key of 1853078006084 is 06).
        #expect(NIR.check("185307800608406", birthYear: 1985, birthMonth: 6) == nil)
        // A key error is said before a date mismatch: fix the typing first.
        #expect(NIR.check("185057800608490", birthYear: 1999, birthMonth: 1) == .key)
    }

    @Test("Messages name the field for the mediator, and for command lines")
    func messages() {
        #expect(NIRProblem.key.message.key == "mediator.nir.key")
        #expect(NIRProblem.length(14).message.key == "mediator.nir.length")
        #expect(NIRProblem.birthYear(nir: 85, birth: 86).description == "the number says born in ..85, the birth date in ..86")
        #expect(NIRProblem.key.description.contains("does not match the first 13"))
    }
}
