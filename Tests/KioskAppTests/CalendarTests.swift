import Foundation
import Intake
import KioskApp
import Rights
import Testing
import TestSupport

/// The box knows whether the team is here (the calendar, the box's commune, an injected clock), and says so plainly.
@Suite("A box that knows the calendar")
struct CalendarTests {
    func welcome(_ now: String, commune: String? = "11103") -> String {
        screen(makeState(width: 100, height: 40, now: now, commune: commune)).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    func ticket(_ now: String, language: Int = 1) -> String {
        var state = makeState(width: 100, height: 60, now: now)
        type(&state, "\(language)"); type(&state, "1")
        type(&state, "1"); type(&state, "Ana"); send(&state, .enter); type(&state, "1990"); send(&state, .enter)
        type(&state, "cou"); type(&state, "1"); type(&state, "1"); send(&state, .enter); type(&state, "2")
        confirmCheckIn(&state)
        throughRights(&state)
        send(&state, .enter)
        return screen(state).split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    @Test("On now: the team is here until the end; the ticket says to sit down")
    func onNow() {
        #expect(welcome("2026-11-24T10:00:00+01:00").contains("L'équipe de médiation est là jusqu'à 12:00 (Mairie, salle du conseil)."))
        #expect(ticket("2026-11-24T10:00:00+01:00").contains("Asseyez-vous, on vous appelle bientôt."))
    }

    @Test("Later today: the time it comes")
    func laterToday() {
        #expect(welcome("2026-11-24T08:15:00+01:00").contains("L'équipe de médiation vient aujourd'hui à 09:30 (Mairie, salle du conseil)."))
    }

    @Test("Not today: no 'you will be called soon', but the next date here and elsewhere, in the visitor's language")
    func notToday() {
        let french = welcome("2026-11-25T10:00:00+01:00")
        #expect(french.contains("Aujourd'hui, pas de permanence ici. Prochaine à Couiza : mardi 8 décembre, 09:30."))
        // The three nearest villages with a permanence to come (Quillan, sooner but 8 km farther than Bugarach, is not
        // among them), said soonest first, each with its distance.
        #expect(french.contains("Ailleurs : Rennes-les-Bains (6 km) jeudi 26 novembre, 14:00 ; Bugarach (9 km) jeudi 3 décembre, 10:00 ; Espéraza (4 km) mardi 15 décembre, 09:30."))
        #expect(french.contains("Elsewhere: Rennes-les-Bains (6 km) Thursday 26 November, 14:00"))
        #expect(french.contains("No office hours here today. Next in Couiza: Tuesday 8 December, 09:30."))
        // After the morning's permanence has ended: not "later today".
        #expect(welcome("2026-11-24T15:00:00+01:00").contains("Aujourd'hui, pas de permanence ici. Prochaine à Couiza : mardi 8 décembre"))
        let ukrainian = ticket("2026-11-25T10:00:00+01:00", language: 5)
        #expect(ukrainian.contains("Сьогодні тут прийому немає. Наступний прийом у Couiza: вівторок, 8 грудня, 09:30."))
        #expect(ukrainian.contains("Ваш запит збережено"))
        #expect(!ukrainian.contains("Сідайте, вас скоро покличуть."))
        let romanian = ticket("2026-11-25T10:00:00+01:00", language: 4)
        #expect(romanian.contains("Următoarea la Couiza: marți, 8 decembrie, 09:30."))
    }

    @Test("None here for weeks: said, and where the team goes meanwhile")
    func noneForWeeks() {
        // Rennes-les-Bains (11310) has no permanence after 14 January in the calendar.
        let text = welcome("2027-01-15T10:00:00+01:00", commune: "11310")
        #expect(text.contains("Aujourd'hui, pas de permanence ici. Pas encore de prochaine date ici."))
        #expect(text.contains("Ailleurs : Espéraza (10 km) mardi 19 janvier, 09:30 ; Couiza (6 km) mardi 26 janvier, 09:30."))
    }

    @Test("Distances between villages from the communes' coordinates; a commune without any is never given a distance")
    func distances() {
        let communes = ContentFixtures.content.communes
        let couizaEsperaza = communes.distanceKm(from: "11103", to: "11129") ?? 0
        #expect(couizaEsperaza > 3 && couizaEsperaza < 6, "Couiza–Espéraza, about 4 km as the crow flies: \(couizaEsperaza)")
        let couizaQuillan = communes.distanceKm(from: "11103", to: "11304") ?? 0
        #expect(couizaQuillan > 8 && couizaQuillan < 12, "Couiza–Quillan, about 10 km: \(couizaQuillan)")
        #expect(communes.distanceKm(from: "11103", to: "11097") == nil, "Conilhac-de-la-Montagne has no coordinates of its own (merged in 2019)")
        #expect(communes.communes.filter { $0.latitude != nil }.count == communes.communes.count - 1)
        let placed = communes.communes.compactMap { commune in commune.latitude.flatMap { lat in commune.longitude.map { (lat, $0) } } }
        #expect(placed.allSatisfy { (42.6...43.2).contains($0.0) && (1.8...2.6).contains($0.1) }, "every centre within the Upper Aude Valley")
    }

    @Test("A wrong clock says the date is unknown instead of inventing a day", arguments: ["2019-03-01T10:00:00+01:00", "2027-06-01T10:00:00+02:00"])
    func clockWrong(now: String) {
        #expect(welcome(now).contains("La date du jour n'est pas connue de ce boîtier : demandez à la mairie quand l'équipe de médiation vient."))
        var state = makeState(now: "2026-11-25T10:00:00+01:00")
        state.config.notBefore = LocalDate(year: 2026, month: 12, day: 1)
        #expect(state.permanenceToday == .dateUnknown, "before the binary was installed")
    }

    @Test("This week's visiting doctor at the partner centre is said, in the week the calendar has it")
    func doctorWeek() {
        // The calendar has the Couiza centre's doctor the week of Monday 23 November, not the week after.
        #expect(welcome("2026-11-25T10:00:00+01:00").contains("Cette semaine, consultations d'un médecin : Centre Médecins Solidaires (exemple), Couiza."))
        #expect(!welcome("2026-12-02T10:00:00+01:00").contains("Cette semaine, consultations"))
    }

    @Test("The weekday of a date (1 Monday … 7 Sunday)")
    func weekday() {
        #expect(LocalDate(year: 2026, month: 12, day: 8)!.isoWeekday == 2)
        #expect(LocalDate(year: 1970, month: 1, day: 1)!.isoWeekday == 4)
        #expect(LocalDate(year: 2027, month: 1, day: 3)!.isoWeekday == 7)
    }
}
