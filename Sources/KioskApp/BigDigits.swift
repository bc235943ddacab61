/// Digits five rows tall, for the queue number on screen.
enum BigDigits {
    static let glyphs: [Character: [String]] = [
        "0": ["█████", "█   █", "█   █", "█   █", "█████"],
        "1": ["  ██ ", " ███ ", "  ██ ", "  ██ ", "█████"],
        "2": ["█████", "    █", "█████", "█    ", "█████"],
        "3": ["█████", "    █", " ████", "    █", "█████"],
        "4": ["█   █", "█   █", "█████", "    █", "    █"],
        "5": ["█████", "█    ", "█████", "    █", "█████"],
        "6": ["█████", "█    ", "█████", "█   █", "█████"],
        "7": ["█████", "    █", "   █ ", "  █  ", "  █  "],
        "8": ["█████", "█   █", "█████", "█   █", "█████"],
        "9": ["█████", "█   █", "█████", "    █", "█████"],
    ]

    /// Five lines drawing the number.
    static func lines(_ number: Int) -> [String] {
        let digits = Array(String(number))
        return (0..<5).map { row in digits.map { glyphs[$0]?[row] ?? "     " }.joined(separator: " ") }
    }
}
