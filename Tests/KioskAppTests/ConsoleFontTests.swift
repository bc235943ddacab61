import Foundation
import Intake
import KioskApp
import Terminal
import Testing
import TestSupport

/// The installed box shows the kiosk on the Linux console: the font its unit loads must have a glyph for every
/// character the content and the screens draw, in every visitor language (read from the font's Unicode table).
@Suite("The box's console font")
struct ConsoleFontTests {
    static let unit = Repository.root.appendingPathComponent("Provisioning/systemd/permanence-kiosk.service")

    func unitFont() throws -> ConsoleFont {
        let text = try String(contentsOf: Self.unit, encoding: .utf8)
        let path = try #require(ScreenCharacters.fontPath(inUnit: text), "the kiosk unit sets no console font")
        return try ConsoleFont(contentsOf: path)
    }

    @Test("The font the kiosk unit loads covers every character of every language the console offers; Arabic and Dari are left to the graphical display")
    func unitFontCoversEveryLanguage() throws {
        let font = try unitFont()
        #expect(font.glyphCount == 512)
        let content = ContentFixtures.content
        let console = ScreenCharacters.consoleLanguages(content.visitorLanguages, font: font, content: content)
        #expect(console == content.visitorLanguages.filter { $0 != "ar" && $0 != "prs" }, "\(console)")
        #expect(ScreenCharacters.consoleLanguages(content.visitorLanguages, font: nil, content: content) == console)
        let missing = ScreenCharacters.missing(font, content, languages: console)
        for (language, characters) in missing.sorted(by: { $0.key < $1.key }) {
            Issue.record("\(language): no glyph for \(characters.map { "\($0) U+\(String($0.value, radix: 16, uppercase: true))" }.joined(separator: ", "))")
        }
        #expect(font.covers("Є") && font.covers("ș") && font.covers("ț") && font.covers("й") && font.covers("ñ"))
    }

    @Test("The Latin-only font the unit used before lacks Ukrainian and Romanian letters (the check would catch it)")
    func latinFontIsCaught() throws {
        let font = try ConsoleFont(contentsOf: "/usr/share/consolefonts/Lat15-TerminusBold32x16.psf.gz")
        let missing = ScreenCharacters.missing(font, ContentFixtures.content, languages: ["uk", "ro"])
        #expect(missing["uk"]?.contains("Є") == true || missing["uk"]?.contains("й") == true)
        #expect(missing["ro"]?.contains("ș") == true)
    }

    @Test("A file that is not a console font is refused with a clear message")
    func notAFont() {
        #expect(throws: ConsoleFont.Problem.self) { try ConsoleFont(data: Data("hello".utf8)) }
    }
}
