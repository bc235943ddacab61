/// Phone numbers as people write them: French (10 digits from 0, spaces, dots or dashes allowed) or international
/// (+ and 8 to 15 digits, or 00 instead of +). Pure.
public enum PhoneNumber {
    /// The number written the usual way ("04 68 20 12 34", "+40721234567"), nil when it is not one.
    public static func normalised(_ text: String) -> String? {
        let kept = text.filter { !" .-/()".contains($0) && !$0.isWhitespace }
        var international = kept.hasPrefix("+")
        var digits = international ? String(kept.dropFirst()) : kept
        if !international, digits.hasPrefix("00") {
            international = true
            digits = String(digits.dropFirst(2))
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        if international {
            guard (8...15).contains(digits.count), digits.first != "0" else { return nil }
            // A French number written +33: shown the French way.
            if digits.hasPrefix("33"), digits.count == 11 { return french("0" + digits.dropFirst(2)) }
            return "+" + digits
        }
        guard digits.count == 10, digits.first == "0", digits.dropFirst().first != "0" else { return nil }
        return french(digits)
    }

    static func french<S: StringProtocol>(_ digits: S) -> String {
        let characters = Array(digits)
        return stride(from: 0, to: characters.count, by: 2).map { String(characters[$0..<min($0 + 2, characters.count)]) }.joined(separator: " ")
    }
}
