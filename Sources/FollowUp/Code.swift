/// The follow-up code printed on a visitor's slip: seven characters from an alphabet without look-alikes (no 0/O,
/// 1/I/L, 2/Z, 5/S, 8/B, G, Q, S) and a check character, shown as two groups of four (`KM7P-XTR4`). The check character
/// catches any one character mistyped and any two characters swapped. Pure: the randomness is given.
public enum FollowUpCode {
    public static let alphabet = Array("ACDEFHJKMNPRTUVWXY34679")
    public static let dataLength = 7

    /// A new code from `random` (any generator: the system's in use, a seeded one in tests).
    public static func make<R: RandomNumberGenerator>(using random: inout R) -> String {
        let body = (0..<dataLength).map { _ in alphabet[Int.random(in: 0..<alphabet.count, using: &random)] }
        return format(body + [check(body)])
    }

    /// The code as typed ("km7p xtr4", "KM7PXTR4") in its printed form, or nil with why not.
    public static func normalize(_ typed: String) -> Result<String, CodeProblem> {
        let characters = typed.uppercased().filter { !$0.isWhitespace && $0 != "-" && $0 != "." }
        guard characters.count == dataLength + 1 else { return .failure(.length(characters.count)) }
        if let wrong = characters.first(where: { !alphabet.contains($0) }) { return .failure(.character(wrong)) }
        let list = Array(characters)
        guard check(Array(list.prefix(dataLength))) == list.last else { return .failure(.checkCharacter) }
        return .success(format(list))
    }

    public enum CodeProblem: Error, Equatable, Sendable {
        /// Not eight characters (how many there were).
        case length(Int)
        /// A character that is never in a code (a 0, an O, a 1…).
        case character(Character)
        /// Eight good characters that do not fit together: one is mistyped.
        case checkCharacter
    }

    static func format(_ characters: [Character]) -> String {
        String(characters.prefix(4)) + "-" + String(characters.dropFirst(4))
    }

    /// Weighted sum modulo 23 (a prime, the alphabet's size), as ISBN-10 does modulo 11: with weights 1…8 and the check
    /// character last, Σ weight × value ≡ 0. Any one character changed, and any two characters swapped, break it.
    static func check(_ body: [Character]) -> Character {
        let n = alphabet.count
        var sum = 0
        for (position, character) in body.enumerated() { sum += (position + 1) * alphabet.firstIndex(of: character)! }
        // 8 × 3 ≡ 1 (mod 23): the check value is −3 × sum.
        return alphabet[((-3 * sum) % n + n) % n]
    }
}
