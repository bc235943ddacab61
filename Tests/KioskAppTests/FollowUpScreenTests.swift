import Documents
import FollowUp
import Foundation
import Intake
import KioskApp
import KioskStore
import Rights
import Terminal
import Testing
import TestSupport

/// A small pack for the screens: two people of Couiza, one of Quillan last seen here, one of elsewhere.
func samplePack(device: String = "box-couiza") -> PackIndex {
    func dossier(_ id: String, _ code: String, _ nickname: String, _ year: Int, commune: String, seen: String?, items: [FollowUpItem]) -> Dossier {
        var dossier = Dossier(id: id, code: code, nickname: nickname, birthYear: year, commune: commune, language: "ro", openedOn: "2026-10-27", items: items,
                              answers: ["household_size": .number(Fixed4(integer: 3)), "housing": .choice("tenant")])
        dossier.lastVisit = "2026-11-10"
        dossier.lastSeenDevice = seen
        return dossier
    }
    var random = SeededCodes(state: 11)
    let codes = (0..<4).map { _ in FollowUpCode.make(using: &random) }
    let dossiers = [
        dossier("d-ana", codes[0], "Ana", 1961, commune: "11103", seen: nil, items: [
            FollowUpItem(id: "i1", kind: .rightRequested, subject: "c2s", status: .awaiting, since: "2026-11-03", updatedAt: "2026-11-03T10:00:00.000Z", updatedBy: "box:x"),
            FollowUpItem(id: "i2", kind: .paperMissing, subject: "proof_of_address", nextPermanence: true, updatedAt: "2026-11-03T10:00:00.000Z", updatedBy: "box:x"),
        ]),
        dossier("d-anatole", codes[1], "Anatole", 1958, commune: "11103", seen: nil, items: [
            FollowUpItem(id: "i3", kind: .callBack, updatedAt: "2026-11-03T10:00:00.000Z", updatedBy: "box:x"),
        ]),
        dossier("d-olena", codes[2], "Olena", 1990, commune: "11304", seen: device, items: [
            FollowUpItem(id: "i4", kind: .rightRequested, subject: "ame", status: .done, outcome: "granted", version: 2,
                         updatedAt: "2026-11-20T10:00:00.000Z", updatedBy: "user:coordination"),
            FollowUpItem(id: "i5", kind: .appointment, partner: "pass-carcassonne", due: "2026-11-20", updatedAt: "2026-11-03T10:00:00.000Z", updatedBy: "box:x"),
        ]),
        dossier("d-far", codes[3], "Marcel", 1950, commune: "11069", seen: "other-box", items: [FollowUpItem(id: "i6", kind: .paperMissing)]),
    ]
    return PackIndex(pack: PermanencePack(device: device, version: 2, builtAt: "2026-11-24T07:00:00.000Z", expires: "2026-12-08", dossiers: dossiers))
}

struct SeededCodes: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return state
    }
}

@Suite("Follow-up screens (mediator)")
struct FollowUpScreenTests {
    func unlocked(width: Int = 80, height: Int = 24) -> AppState {
        var state = makeState(width: width, height: height)
        state.mode = .mediator
        _ = KioskApp.update(&state, .packStatusLoaded(.locked(count: 4, expires: "2026-12-08")))
        return state
    }

    @Test("The first unlock of the day: after the PIN the passphrase is asked, never shown, sent once; Esc goes on without it")
    func unlock() {
        var state = makeState()
        state.mode = .pinEntry
        let afterPIN = KioskApp.update(&state, .pinChecked(true, mediator: "Camille"))
        #expect(afterPIN.contains(.loadPackStatus))
        _ = KioskApp.update(&state, .packStatusLoaded(.locked(count: 4, expires: "2026-12-08")))
        #expect(state.mediator.tab == .followUp)
        #expect(screen(state).contains("Phrase de passe de l'équipe"))
        #expect(screen(state).contains("4 dossier(s) de suivi"))
        type(&state, "le chat boit")
        #expect(!screen(state).contains("le chat"), "typed as dots")
        let effects = send(&state, .enter)
        #expect(effects == [.unlockPack("le chat boit")])
        #expect(state.followUp.passphrase.isEmpty, "dropped once sent")
        _ = KioskApp.update(&state, .packUnlocked(.refused("wrong", waitUntil: state.now.addingTimeInterval(30))))
        #expect(screen(state).contains("Phrase de passe incorrecte. Nouvel essai possible à"))
        type(&state, "x")
        #expect(send(&state, .enter) == [], "the wait is kept by the screen too")
        send(&state, .escape)
        #expect(state.mediator.tab == .queue)
        #expect(state.followUp.skipped)
        // Asked again only at the next unlock (after a lock), not on every status load.
        _ = KioskApp.update(&state, .packStatusLoaded(.locked(count: 4, expires: "2026-12-08")))
        #expect(state.mediator.tab == .queue)
    }

    @Test("The start screen: who is expected here (their village, or last seen at this box), what to chase, what is new; by code and by nickname and birth year")
    func startScreenAndSearch() {
        var state = unlocked(width: 100, height: 30)
        _ = KioskApp.update(&state, .packUnlocked(.opened(samplePack())))
        let start = screen(state)
        #expect(start.contains("Attendus aujourd'hui (3)"))
        #expect(start.contains("Ana (1961)") && start.contains("Anatole (1958)") && start.contains("Olena (1990)"))
        #expect(!start.contains("Marcel"), "neither from here nor last seen here")
        #expect(start.contains("réponse C2S attendue depuis 3 sem."))
        #expect(start.contains("À relancer (2)"), "the call-back promised and the appointment past its day")
        #expect(start.contains("Nouveau depuis la dernière fois (1)"), "the AME granted on the dashboard since Olena's last visit")
        let pack = samplePack()
        let olena = pack.dossier(id: "d-olena")!
        // A code typed as people read it.
        type(&state, olena.code.lowercased().replacingOccurrences(of: "-", with: " "))
        send(&state, .enter)
        #expect(state.followUp.screen == .dossier("d-olena"))
        #expect(screen(state).contains("résultat : accordé"))
        send(&state, .escape)
        // A nickname's beginning and a year: one match opens it; two list them.
        type(&state, "ana 1958")
        send(&state, .enter)
        #expect(state.followUp.screen == .dossier("d-anatole"))
        send(&state, .escape)
        type(&state, "ANA")
        send(&state, .enter)
        #expect(state.followUp.screen == .results)
        #expect(Set(state.followUp.results) == ["d-ana", "d-anatole"])
        send(&state, .escape)
        type(&state, "Zoé 2001")
        send(&state, .enter)
        #expect(screen(state).contains("Personne ne correspond"))
    }

    @Test("At a visit: a visitor who shares gets a dossier (the runtime makes the code); one who does not, never; linking a returning visitor offers last time's answers to confirm")
    func visitLinks() {
        var state = unlocked()
        _ = KioskApp.update(&state, .packUnlocked(.opened(samplePack())))
        state.mediator.visit = VisitDetail(visitID: "v1", ticket: 7, name: "Ana", language: "ro", consent: .share, status: .withMediator,
                                           answers: ["first_name": .text("Ana"), "birth_year": .number(Fixed4(integer: 1961)), "commune": .text("11103"),
                                                     "reasons": .choices(["coverage"])])
        state.mediator.tab = .visit
        send(&state, .character("d"))
        #expect(state.mediator.tab == .followUp)
        #expect(screen(state).contains("Visite n° 7 ouverte"))
        let opening = send(&state, .character("+"))
        guard case .openDossier(let request)? = opening.first else { Issue.record("no dossier opened: \(opening)"); return }
        #expect(request.nickname == "Ana" && request.birthYear == 1961 && request.commune == "11103" && request.language == "ro")
        #expect(request.answers["first_name"] == nil, "personal answers stay out of the dossier")
        #expect(request.answers["reasons"] == .choices(["coverage"]))

        // The same person, already known: found, linked; their household from last time offered.
        type(&state, "ana 1961")
        send(&state, .enter)
        #expect(state.followUp.screen == .dossier("d-ana"))
        let link = send(&state, .character("v"))
        guard case .recordFollowUp(let event, nil)? = link.first else { Issue.record("not linked: \(link)"); return }
        #expect(event.action == .visit && event.visitID == "v1" && event.dossier == "d-ana")
        #expect(link.contains(.saveAnswers(visitID: "v1", answers: ["household_size": .number(Fixed4(integer: 3)), "housing": .choice("tenant")], removed: [], by: .mediator)))
        #expect(state.mediator.visit?.answers["housing"] == .choice("tenant"))
        #expect(screen(state).contains("2 réponse(s) de la dernière fois reprises"))

        // A change to an item: from the version shown.
        send(&state, .down)
        let done = send(&state, .character("f"))
        guard case .recordFollowUp(let change, nil)? = done.first else { Issue.record("no change: \(done)"); return }
        #expect(change.itemID == "i2" && change.baseVersion == 1 && change.change?.status == .done)

        // A new item: a paper named in a few words becomes the catalogue's paper (printed in the person's language).
        send(&state, .character("n"))
        send(&state, .character("2"))
        type(&state, "domicile")
        #expect(screen(state).contains("→ Un justificatif de domicile"))
        let added = send(&state, .enter)
        guard case .recordFollowUp(let add, nil)? = added.first else { Issue.record("no item: \(added)"); return }
        #expect(add.item?.kind == .paperMissing && add.item?.subject == "proof_of_address" && add.item?.note == nil)

        // No consent: no dossier.
        state.mediator.visit?.consent = .boxOnly
        state.followUp.screen = .start
        #expect(send(&state, .character("+")) == [])
        #expect(screen(state).contains("n'a pas accepté"))
    }

    @Test("The slip in the person's language and in French: their code, what is still to do in the catalogue's words, the next permanence here; no note of the team")
    func slip() throws {
        var state = makeState()
        let pack = samplePack()
        var ana = pack.dossier(id: "d-ana")!
        ana.items[1].note = "note interne de l'équipe"
        for language in ["ro", "uk", "ar"] {
            let sheet = FollowUpSlip.sheet(ana, language: language, state: state)
            let text = ([sheet.title] + sheet.paragraphs).joined(separator: "\n")
            #expect(text.contains(ana.code))
            #expect(!text.contains("note interne"))
            #expect(text.contains(state.content.texts.text("document.proof_of_address", language)))
            #expect(text.contains(state.content.texts.text("right.c2s", language)))
            #expect(!text.contains(state.content.texts.text("ui.permanence.none_planned_here", language)), "Couiza's calendar has a next date")
        }
        state.config.communeCode = nil
        let french = FollowUpSlip.sheet(ana, language: "fr", state: state)
        let other = FollowUpSlip.sheet(ana, language: "ro", state: state)
        let pdf = DocumentRenderer.sheet(french: french, other: other, footer: "Couiza, le 24 novembre 2026")
        let file = testArtefact("followup-slip-ro.pdf")
        try pdf.write(to: file)
        let text = try runProcess(URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-layout", file.path, "-"]).stdout
        #expect(text.contains(ana.code))
        #expect(text.contains("Codul dumneavoastră de urmărire"))
        #expect(text.contains("Votre code de suivi"))
    }
}

@Suite("Follow-up desk (the box's pack on disk)")
struct FollowUpDeskTests {
    static let parameters = KDFParameters(logN: 10, r: 8, p: 1)

    func sealedPack(device: String, expires: String, passphrase: String) throws -> SealedPack {
        let team = try TeamKey.derive(passphrase: passphrase, salt: Data("salt-of-the-test".utf8), parameters: Self.parameters)
        var pack = samplePack(device: device).pack
        pack.expires = expires
        return try PackSeal.seal(pack, teamKey: team, signer: .init())
    }

    @Test("A pack of another box is none here; an expired one does not open; the day's end drops the key and asks again")
    func expiryAndDayEnd() throws {
        let home = temporaryDirectory("desk")
        let database = try AppDatabase.inMemory()
        let file = PackFile(home: home)
        let desk = FollowUpDesk(database: database, packFile: file, device: "box-couiza")
        #expect(desk.status(today: "2026-11-24") == .none)
        try file.save(try sealedPack(device: "other-box", expires: "2026-12-08", passphrase: "le chat boit du lait"))
        #expect(desk.status(today: "2026-11-24") == .none, "another box's pack is not this box's")
        try? FileManager.default.removeItem(at: file.url)
        try file.save(try sealedPack(device: "box-couiza", expires: "2026-11-23", passphrase: "le chat boit du lait"))
        #expect(desk.status(today: "2026-11-24") == .expired("2026-11-23"))
        #expect(desk.unlock(passphrase: "le chat boit du lait", now: Date(), today: "2026-11-24") == .refused("expired", waitUntil: nil))
        // A newer pack replaces it; an older one never does.
        var newer = try sealedPack(device: "box-couiza", expires: "2026-12-08", passphrase: "le chat boit du lait")
        newer.version = 3
        newer = try PackSeal.seal({ var pack = samplePack().pack; pack.version = 3; pack.expires = "2026-12-08"; return pack }(),
                                  teamKey: try TeamKey.derive(passphrase: "le chat boit du lait", salt: Data("salt-of-the-test".utf8), parameters: Self.parameters),
                                  signer: .init())
        #expect(try file.save(newer))
        #expect(try !file.save(try sealedPack(device: "box-couiza", expires: "2026-12-31", passphrase: "le chat boit du lait")), "version 2 after 3")
        guard case .opened(let index) = desk.unlock(passphrase: "le chat boit du lait", now: Date(), today: "2026-11-24") else {
            Issue.record("the pack does not open")
            return
        }
        #expect(desk.status(today: "2026-11-24") == .open)
        #expect(desk.status(today: "2026-11-25") == .locked(count: 4, expires: "2026-12-08"), "the next day, locked again")
        let mode = try FileManager.default.attributesOfItem(atPath: file.url.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)

        // The app drops its copy when the day changes.
        var state = makeState()
        state.mode = .mediator
        _ = KioskApp.update(&state, .packUnlocked(.opened(index)))
        #expect(state.followUp.openedDay == "2026-11-24")
        let effects = KioskApp.update(&state, .tick(state.now.addingTimeInterval(86_400)))
        #expect(effects.contains(.lockPack) && effects.contains(.loadPackStatus))
        #expect(state.followUp.index == nil)
    }
}
