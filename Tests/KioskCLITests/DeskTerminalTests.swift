import Foundation
import Testing
import TestSupport

/// The mediator's desk in a real terminal at 80×24: every field reachable, no line cut, no internal name; a printer
/// that is gone said within seconds, and the job printed once it is back.
@Suite("The mediator's desk in a real terminal", .serialized)
struct DeskTerminalTests {
    /// A French check-in by keys, then mediator mode and the visit opened.
    func checkInAndOpen(_ kiosk: TmuxKiosk) throws {
        try kiosk.waitFor("Choisissez votre langue")
        try kiosk.type("1")
        try kiosk.waitFor("Que voulez-vous faire ?")
        try kiosk.type("1")
        try kiosk.waitFor("confidentielles")
        try kiosk.type("1")
        try kiosk.waitFor("Votre prénom")
        try kiosk.type("Ana"); try kiosk.key("Enter")
        try kiosk.waitFor("année de naissance")
        try kiosk.type("1990"); try kiosk.key("Enter")
        try kiosk.waitFor("Dans quelle commune")
        try kiosk.type("rennes")
        try kiosk.waitFor("Rennes-les-Bains")
        try kiosk.type("1")
        try kiosk.waitFor("Pourquoi venez-vous")
        try kiosk.type("2"); try kiosk.key("Enter")
        try kiosk.waitFor("interprète")
        try kiosk.type("2")
        try kiosk.waitFor("Vérifiez vos réponses")
        try kiosk.key("Enter")
        try kiosk.waitFor("couverture santé aujourd'hui")
        try kiosk.key("C-e")
        try kiosk.waitFor("Code du médiateur")
        try kiosk.type("1234"); try kiosk.key("Enter")
        try kiosk.waitFor("file du jour")
        try kiosk.key("Enter")
        try kiosk.waitFor("1 Réponses")
    }

    static func flat(_ text: String) -> String { text.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ") }

    @Test("At 80×24 every field of each tab is reached, each label and the keys whole, and no internal key on screen")
    func everyFieldReachable() throws {
        let kiosk = try TmuxKiosk()
        try checkInAndOpen(kiosk)
        let expected: [String: [String]] = [
            "1": ["Vos réponses sont confidentielles. Êtes-vous d'accord pour continuer ?", "Quelle est votre année de naissance ?",
                  "Dans quelle commune habitez-vous ?", "Pourquoi venez-vous aujourd'hui ?", "Avez-vous besoin d'un interprète ?"],
            "2": ["Nom de famille (pour les formulaires)", "Prénoms (pour les formulaires)", "Date de naissance (pour les formulaires)",
                  "Adresse ou domiciliation (pour les formulaires)", "Code postal (pour les formulaires)", "Commune (pour les formulaires)",
                  "Numéro de sécurité sociale (pour les formulaires)"],
            "3": ["Demandeur : salaires et revenus d'activité sur 12 mois (€)", "Demandeur : allocations chômage sur 12 mois (€)",
                  "Demandeur : retraites et pensions sur 12 mois (€)", "Demandeur : prestations et allocations sur 12 mois (€)",
                  "Demandeur : autres ressources sur 12 mois (€)"],
            "4": ["Orientation vers", "Un suivi est prévu à la prochaine permanence"],
            "5": ["PUMa :", "C2S :", "AME :", "Médecin traitant :"],
        ]
        var screens: [String] = []
        for tab in ["1", "2", "3", "4", "5"] {
            try kiosk.type(tab)
            var seen = ""
            // Down through the tab: each row comes into view (the list scrolls with the selection).
            for _ in 0..<16 {
                let screen = try kiosk.screen()
                screens.append(screen)
                seen += "\n" + screen
                try kiosk.key("Down")
                usleep(60_000)
            }
            let flatSeen = Self.flat(seen)
            for label in expected[tab]! { #expect(flatSeen.contains(label), "tab \(tab): '\(label)' whole on screen") }
        }
        let keys = "1-5 ou Tab onglet · ↑↓ Entrée modifier · Imprimer : C C2S, A AME, M médecin, U PUMa, K liste, O lettre · D suivi · X clôturer · Échap file"
        for screen in screens {
            #expect(screen.split(separator: "\n", omittingEmptySubsequences: false).dropLast().count == 24)
            #expect(Self.flat(screen).contains(keys), "every key on every screen")
            // No catalogue key, parameter name or question id (dotted or snake_case identifiers).
            let hidden = screen.firstMatch(of: /\b[a-z][a-z0-9]*(_[a-z0-9]+)*\.[a-z][a-z0-9_]*\b/)
            #expect(hidden == nil, "internal name on screen: \(hidden.map { String($0.output.0) } ?? "")")
            #expect(screen.firstMatch(of: /\b[a-z]+_[a-z_]+\b/) == nil, "no snake_case identifier")
        }
    }

    @Test("Printer gone: said within 10 s of the key, without its address; the job prints once the printer is back")
    func printerGoneThenBack() throws {
        let printer = try IPPPrinterSimulator()   // not started yet: the printer is off
        let kiosk = try TmuxKiosk(command: "\(Repository.builtProduct("kiosk").path) run --demo --printer \(printer.uri)")
        try checkInAndOpen(kiosk)
        try kiosk.type("k")
        let pressed = Date()
        let screen = try kiosk.waitFor("L'imprimante ne répond pas", seconds: 10)
        #expect(Date().timeIntervalSince(pressed) < 10)
        #expect(!screen.contains("ipp://") && !screen.contains("localhost"), "no address in what the mediator reads")
        #expect(Self.flat(screen).contains("vérifiez qu'elle est allumée et branchée. Envoi de la liste des papiers à apporter dès qu'elle répond"),
                "the notice whole")
        #expect(Self.flat(screen).contains("X clôturer · Échap file"), "the keys stay above the notice")
        try printer.start()
        try kiosk.waitFor("Impression terminée : la liste des papiers à apporter.", seconds: 60)
        #expect(printer.jobs().count == 1)
    }
}
