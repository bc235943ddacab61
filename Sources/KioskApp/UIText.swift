import Intake
import Rights

/// The visitor screens' words come from the content's text catalogue (`Kiosk/texts/*.yaml`, keys `ui.…`);
/// nothing a visitor reads is written in Swift. Mediator screens are in French.
extension AppState {
    /// A `ui.…` text (or any catalogue key) in a language (the visitor's, or French for the mediator), placeholders filled.
    func ui(_ key: String, in language: String, _ arguments: [String: MessageArgument] = [:]) -> String {
        content.texts.text(key, language, arguments)
    }

    /// The language's name in itself, from the catalogue.
    func languageName(_ code: String) -> String { content.texts.language(code)?.name ?? code }
}
