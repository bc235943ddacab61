import Foundation
import Intake
import Rights
import Yams

/// The box's configuration file (`/etc/permanence/kiosk.yaml` on an installed box, `HOME/kiosk.yaml`
/// otherwise). Documented in Provisioning/kiosk.yaml.
public struct BoxConfiguration: Sendable, Equatable {
    public var place: String
    public var territory: Territory
    /// The central store (or relay); nil until the box is set up for sync.
    public var centralURL: String?
    /// A CUPS queue name or an ipp:// URI; nil for the CUPS default.
    public var printer: String?
    /// The USB ticket printer as VVVV:PPPP; nil when there is none.
    public var ticketPrinter: String?
    public var retention: String
    public var languages: [String]
    /// The one-time enrolment token for first boot (`kiosk provision` erases it once used).
    public var enrolmentToken: String?
    /// The team's organisation, printed on letters and forms ("Pour nous joindre").
    public var organisation: Organisation?
    /// The INSEE code of the village the box stands in: the calendar's permanences "here".
    public var commune: String?
    /// The screen (`display:`): auto, graphical or console — read at start by Provisioning/display/kiosk-display.
    public var display = "auto"
    /// A PEM file of the authority (or the self-signed certificate) of a central store served over https with its own
    /// certificate (`central_ca:`); nil: the system's authorities only.
    public var centralCA: String?

    public static let keys: Set<String> = ["place", "territory", "central_url", "printer", "ticket_printer", "retention", "languages", "enrolment_token",
                                                 "organisation", "organisation_address", "organisation_phone", "commune", "central_ca",
                                                 // Read by Provisioning/box/technician-keys at boot, not by the kiosk.
                                                 "technician_ssh_key",
                                                 // Read by Provisioning/display/kiosk-display (auto, graphical or console); checked here.
                                                 "display"]

    /// The file's text with the enrolment token's value erased (the rest of the file, comments included, unchanged).
    public static func erasingToken(in text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            line.hasPrefix("enrolment_token:") ? "enrolment_token:" : String(line)
        }.joined(separator: "\n")
    }

    /// The configuration text with `central_url:` set to `url` (the line replaced where it is, else added), comments kept.
    public static func settingCentralURL(_ url: String, in text: String) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let line = "central_url: \"\(url)\""
        if let index = lines.firstIndex(where: { $0.hasPrefix("central_url:") }) {
            lines[index] = line
        } else {
            if lines.last == "" { lines.removeLast() }
            lines += [line, ""]
        }
        return lines.joined(separator: "\n")
    }

    /// Reads and checks the file; every problem as `file:line: key: message`.
    public static func load(file: String, text: String) -> (configuration: BoxConfiguration?, problems: [String]) {
        var problems: [String] = []
        func problem(_ line: Int, _ key: String, _ message: String) { problems.append("\(file):\(line): \(key): \(message)") }
        let root: Node
        switch YAMLSupport.compose(file: file, text: text) {
        case .success(let node): root = node
        case .failure(let problem): return (nil, [problem.description])
        }
        guard let top = root.mapping else { return (nil, ["\(file):1: configuration: expected `key: value` lines"]) }
        YAMLSupport.checkKeys(top, allowed: keys, key: "configuration", problem: problem)
        func line(_ key: String) -> Int { top[key]?.mark?.line ?? 1 }
        func string(_ key: String) -> String? {
            guard let value = top[key]?.scalar?.string.trimmingCharacters(in: .whitespaces), !value.isEmpty, value != "~", value != "null" else { return nil }
            return value
        }
        let place = string("place") ?? ""
        if place.isEmpty { problem(1, "place", "missing: the place shown on screen and printed on tickets") }
        let territoryText = string("territory") ?? "metropole"
        let territory = Territory(rawValue: territoryText)
        if territory == nil { problem(line("territory"), "territory", "unknown '\(territoryText)' (expected \(Territory.allCases.map(\.rawValue).joined(separator: ", ")))") }
        let central = string("central_url")
        if let central, URL(string: central)?.host == nil || !(central.hasPrefix("http://") || central.hasPrefix("https://")) {
            problem(line("central_url"), "central_url", "'\(central)' is not an http(s) address")
        }
        let ticket = string("ticket_printer")
        if let ticket {
            let parts = ticket.split(separator: ":")
            if parts.count != 2 || parts.contains(where: { $0.count != 4 || UInt16($0, radix: 16) == nil }) {
                problem(line("ticket_printer"), "ticket_printer", "'\(ticket)' is not VVVV:PPPP in hexadecimal (as lsusb shows it)")
            }
        }
        let display = string("display") ?? "auto"
        if !["auto", "graphical", "console"].contains(display) {
            problem(line("display"), "display", "'\(display)' is not auto, graphical or console")
        }
        let retention = string("retention") ?? "end_of_day"
        if retention != "end_of_day", !(retention.hasPrefix("hours:") && Int(retention.dropFirst(6)).map { $0 >= 0 } == true) {
            problem(line("retention"), "retention", "'\(retention)' is not end_of_day or hours:N")
        }
        // Empty: every language the content offers visitors (complete ones; see TextCatalogue).
        var languages: [String] = []
        if let list = top["languages"]?.sequence {
            languages = list.compactMap { $0.scalar?.string }
            for code in languages where !KioskLanguages.isCode(code) {
                problem(line("languages"), "languages", "'\(code)' is not a language code (fr, uk, prs…)")
            }
            if !languages.contains("fr") { problem(line("languages"), "languages", "French (fr) must be offered") }
        }
        var organisation: Organisation?
        if let name = string("organisation") {
            var phone: String?
            if let written = string("organisation_phone") {
                phone = PhoneNumber.normalised(written)
                if phone == nil { problem(line("organisation_phone"), "organisation_phone", "'\(written.prefix(30))' is not a phone number (10 digits, or + and the country code)") }
            }
            organisation = Organisation(name: name, address: string("organisation_address"), phone: phone)
        } else if string("organisation_address") != nil || string("organisation_phone") != nil {
            problem(line("organisation_phone"), "organisation", "missing: the organisation's name, printed with its address and phone")
        }
        let commune = string("commune")
        if let commune, commune.count != 5 || !commune.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "A" || $0 == "B") }) {
            problem(line("commune"), "commune", "'\(commune.prefix(12))' is not an INSEE code (5 characters, e.g. 11103 for Couiza)")
        }
        let centralCA = string("central_ca")
        if let centralCA, !centralCA.hasPrefix("/") {
            problem(line("central_ca"), "central_ca", "'\(centralCA.prefix(60))' is not an absolute path to a PEM file")
        }
        guard problems.isEmpty, let territory else { return (nil, problems) }
        var configuration = BoxConfiguration(place: place, territory: territory, centralURL: central, printer: string("printer"), ticketPrinter: ticket,
                                             retention: retention, languages: languages, enrolmentToken: string("enrolment_token"))
        configuration.organisation = organisation
        configuration.commune = commune
        configuration.display = display
        configuration.centralCA = centralCA
        return (configuration, [])
    }
}
