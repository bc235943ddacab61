import Foundation

/// The words of the visitor screens in each kiosk language (French is the fallback).
/// Mediator screens are in French: the mediators work in French.
enum UIText {
    enum Key: CaseIterable {
        case chooseLanguage, back, dontKnow, skip, next, confirm, reviewTitle, reviewHelp, edit, questionOf
        case yourNumber, pleaseWait, toBring, finish, stillThere, touchToContinue, multipleHint, typeHint, noMatch
        case saving, nextPermanence, nothingToBring, communeMatches
    }

    static let table: [Key: [String: String]] = [
        .chooseLanguage: ["fr": "Choisissez votre langue", "en": "Choose your language", "es": "Elija su idioma", "ro": "Alegeți limba", "uk": "Виберіть мову"],
        .back: ["fr": "← Retour", "en": "← Back", "es": "← Atrás", "ro": "← Înapoi", "uk": "← Назад"],
        .dontKnow: ["fr": "Je ne sais pas", "en": "I don't know", "es": "No lo sé", "ro": "Nu știu", "uk": "Не знаю"],
        .skip: ["fr": "Passer", "en": "Skip", "es": "Saltar", "ro": "Sari peste", "uk": "Пропустити"],
        .next: ["fr": "Continuer →", "en": "Continue →", "es": "Continuar →", "ro": "Continuați →", "uk": "Далі →"],
        .confirm: ["fr": "C'est bon, je valide", "en": "That's right, confirm", "es": "Está bien, confirmo", "ro": "Este corect, confirm", "uk": "Усе правильно, підтвердити"],
        .reviewTitle: ["fr": "Vérifiez vos réponses", "en": "Check your answers", "es": "Revise sus respuestas", "ro": "Verificați răspunsurile", "uk": "Перевірте відповіді"],
        .reviewHelp: ["fr": "Touchez une réponse pour la changer.", "en": "Touch an answer to change it.", "es": "Toque una respuesta para cambiarla.", "ro": "Atingeți un răspuns ca să-l schimbați.", "uk": "Торкніться відповіді, щоб змінити її."],
        .edit: ["fr": "Changer", "en": "Change", "es": "Cambiar", "ro": "Schimbați", "uk": "Змінити"],
        .questionOf: ["fr": "Question %1 sur %2", "en": "Question %1 of %2", "es": "Pregunta %1 de %2", "ro": "Întrebarea %1 din %2", "uk": "Питання %1 з %2"],
        .yourNumber: ["fr": "Votre numéro", "en": "Your number", "es": "Su número", "ro": "Numărul dumneavoastră", "uk": "Ваш номер"],
        .pleaseWait: ["fr": "Asseyez-vous, on vous appelle bientôt.", "en": "Please sit down, you will be called soon.", "es": "Siéntese, le llamarán pronto.", "ro": "Luați loc, veți fi chemat curând.", "uk": "Сідайте, вас скоро покличуть."],
        .toBring: ["fr": "Papiers à apporter :", "en": "Papers to bring:", "es": "Papeles que traer:", "ro": "Acte de adus:", "uk": "Документи, які треба принести:"],
        .finish: ["fr": "Terminer", "en": "Finish", "es": "Terminar", "ro": "Terminați", "uk": "Завершити"],
        .stillThere: ["fr": "Êtes-vous toujours là ? Touchez l'écran.", "en": "Are you still there? Touch the screen.", "es": "¿Sigue ahí? Toque la pantalla.", "ro": "Mai sunteți aici? Atingeți ecranul.", "uk": "Ви ще тут? Торкніться екрана."],
        .touchToContinue: ["fr": "Touchez l'écran ou appuyez sur une touche", "en": "Touch the screen or press a key", "es": "Toque la pantalla o pulse una tecla", "ro": "Atingeți ecranul sau apăsați o tastă", "uk": "Торкніться екрана або натисніть клавішу"],
        .multipleHint: ["fr": "Plusieurs réponses possibles, puis Continuer.", "en": "You can choose several, then Continue.", "es": "Puede elegir varias, luego Continuar.", "ro": "Puteți alege mai multe, apoi Continuați.", "uk": "Можна вибрати кілька, потім Далі."],
        .typeHint: ["fr": "Écrivez, puis appuyez sur Entrée.", "en": "Type, then press Enter.", "es": "Escriba y pulse Intro.", "ro": "Scrieți, apoi apăsați Enter.", "uk": "Напишіть і натисніть Enter."],
        .noMatch: ["fr": "Aucune commune trouvée.", "en": "No village found.", "es": "Ningún municipio encontrado.", "ro": "Nicio localitate găsită.", "uk": "Нічого не знайдено."],
        .saving: ["fr": "Enregistrement…", "en": "Saving…", "es": "Guardando…", "ro": "Se salvează…", "uk": "Збереження…"],
        .nextPermanence: ["fr": "Prochaine permanence :", "en": "Next office hours:", "es": "Próxima atención:", "ro": "Următoarea permanență:", "uk": "Наступний прийом:"],
        .nothingToBring: ["fr": "Le médiateur vous dira quoi apporter.", "en": "The mediator will tell you what to bring.", "es": "El mediador le dirá qué traer.", "ro": "Mediatorul vă va spune ce să aduceți.", "uk": "Посередник скаже, що принести."],
        .communeMatches: ["fr": "Choisissez votre commune :", "en": "Choose your village:", "es": "Elija su municipio:", "ro": "Alegeți localitatea:", "uk": "Виберіть населений пункт:"],
    ]

    static func text(_ key: Key, _ language: String, _ arguments: String...) -> String {
        var text = table[key]?[language] ?? table[key]?["fr"] ?? ""
        for (index, argument) in arguments.enumerated() { text = text.replacingOccurrences(of: "%\(index + 1)", with: argument) }
        return text
    }
}
