/// An exact decimal number with four decimal places, as the parameter files write
/// figures (`0.113`, `559.74`, `8951`). No binary floating point touches a legal figure.
public struct Fixed4: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The value times 10 000.
    public let raw: Int64
    public static let scale: Int64 = 10_000

    public init(raw: Int64) { self.raw = raw }
    public init(integer: Int) { self.raw = Int64(integer) * Fixed4.scale }

    /// Parses `123`, `-0.5`, `559.74`; nil when the text is not a plain decimal or has more than four decimals.
    public init?(parsing text: String) {
        var digits = Substring(text)
        var negative = false
        if digits.first == "-" { negative = true; digits = digits.dropFirst() } else if digits.first == "+" { digits = digits.dropFirst() }
        let parts = digits.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 1 || parts.count == 2, let whole = parts.first, !whole.isEmpty, whole.count <= 12,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        var raw = Int64(whole)! * Fixed4.scale
        if parts.count == 2 {
            let fraction = parts[1]
            guard !fraction.isEmpty, fraction.count <= 4, fraction.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
            let padded = fraction + String(repeating: "0", count: 4 - fraction.count)
            raw += Int64(padded)!
        }
        self.raw = negative ? -raw : raw
    }

    /// The whole part when the value is an integer.
    public var integerValue: Int? { raw % Fixed4.scale == 0 ? Int(raw / Fixed4.scale) : nil }
    /// Whole cents when the value has at most two decimals.
    public var cents: Cents? { raw % 100 == 0 ? Cents(raw / 100) : nil }

    public var description: String {
        let sign = raw < 0 ? "-" : ""
        let magnitude = raw.magnitude
        let whole = magnitude / UInt64(Fixed4.scale)
        var fraction = String(magnitude % UInt64(Fixed4.scale))
        if fraction == "0" { return sign + String(whole) }
        fraction = String(repeating: "0", count: 4 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return "\(sign)\(whole).\(fraction)"
    }

    public static func < (lhs: Fixed4, rhs: Fixed4) -> Bool { lhs.raw < rhs.raw }
}

/// An amount of money in euro cents.
public typealias Cents = Int64

/// Integer division rounding halves away from zero (the euro rounding of the arrêtés).
@inline(__always)
func divideRoundingHalfUp(_ numerator: Int128, _ denominator: Int128) -> Int128 {
    let quotient = numerator / denominator
    let remainder = numerator % denominator
    if remainder * 2 >= denominator { return quotient + 1 }
    if remainder * 2 <= -denominator { return quotient - 1 }
    return quotient
}

/// Writes amounts the way people read them; each language's separators and pattern come from the catalogue.
public enum MoneyFormat {
    /// `18 299 €` with `group: " ", decimal: ",", pattern: "{amount} €"`; `€18,299` with `",", ".", "€{amount}"`.
    /// Cents are shown only when there are some (`8,70 €`).
    public static func euros(_ cents: Cents, group: String, decimal: String, pattern: String) -> String {
        let negative = cents < 0
        let magnitude = cents.magnitude
        let whole = magnitude / 100
        let fraction = magnitude % 100
        var digits = String(whole)
        var grouped = ""
        while digits.count > 3 {
            grouped = group + digits.suffix(3) + grouped
            digits.removeLast(3)
        }
        grouped = digits + grouped
        if fraction != 0 {
            grouped += decimal + (fraction < 10 ? "0" : "") + String(fraction)
        }
        let amount = (negative ? "-" : "") + grouped
        var result = ""
        var rest = Substring(pattern)
        while let range = rest.firstRange(of: "{amount}") {
            result += rest[..<range.lowerBound] + amount
            rest = rest[range.upperBound...]
        }
        return result + rest
    }

    /// The French way (mediator screens and the French side of forms): `18 299 €`, `8,70 €`.
    public static func frenchEuros(_ cents: Cents) -> String { euros(cents, group: " ", decimal: ",", pattern: "{amount} €") }
}
