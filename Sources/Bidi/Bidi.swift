import CFriBidi

/// Which way a paragraph reads: left to right (French, Ukrainian…) or right to left (Arabic, Dari).
public enum TextDirection: Sendable, Equatable {
    case leftToRight, rightToLeft
}

/// The Unicode bidirectional algorithm (UAX #9, through GNU FriBidi) for one line of text: which parts read right to
/// left, in which order they stand on the line, and (for a terminal, which draws one character per cell and joins
/// nothing) the Arabic letters in their joined forms. Pure: no file, no state; the same text gives the same answer.
public enum Bidi {
    /// A run of the line in one direction: its text in logical (reading) order, where it stands among the others.
    public struct Run: Sendable, Equatable {
        public var text: String
        public var rightToLeft: Bool
        /// Its characters' offsets (Unicode scalars) in the logical line.
        public var range: Range<Int>
        public init(text: String, rightToLeft: Bool, range: Range<Int>) {
            self.text = text
            self.rightToLeft = rightToLeft
            self.range = range
        }
    }

    /// True when the text holds a right-to-left letter (Hebrew, Arabic, Syriac, Thaana, N'Ko and the scripts after
    /// them, their presentation forms) or a bidi control: only then does a left-to-right line need the algorithm.
    public static func hasRightToLeft<S: StringProtocol>(_ text: S) -> Bool {
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x0590 { continue }
            if (0x0590...0x08FF).contains(value) || (0xFB1D...0xFDFF).contains(value) || (0xFE70...0xFEFE).contains(value)
                || (0x200E...0x200F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value)
                || (0x10800...0x10FFF).contains(value) || (0x1E800...0x1EFFF).contains(value) {
                return true
            }
        }
        return false
    }

    /// Each scalar's bidi class, with one tailoring: a space inside a number written in groups ("04 68 20 00 00",
    /// "14 000 €") separates digits as a comma would (class CS, or ET before € and %), so that the number stays one
    /// left-to-right run inside Arabic text instead of its groups being read from the right.
    static func types(_ scalars: [UInt32]) -> [FriBidiCharType] {
        let count = scalars.count
        var types = [FriBidiCharType](repeating: FriBidiCharType(rawValue: 0), count: count)
        scalars.withUnsafeBufferPointer { fribidi_get_bidi_types($0.baseAddress, FriBidiStrIndex(count), &types) }
        func isDigit(_ value: UInt32) -> Bool { (0x30...0x39).contains(value) || (0x660...0x669).contains(value) || (0x6F0...0x6F9).contains(value) }
        func isSpace(_ value: UInt32) -> Bool { value == 0x20 || value == 0xA0 || value == 0x202F }
        if count >= 3 {
            for index in 1..<(count - 1) where isSpace(scalars[index]) && isDigit(scalars[index - 1]) {
                let next = scalars[index + 1]
                if isDigit(next) { types[index] = FRIBIDI_TYPE_CS } else if next == 0x20AC || next == 0x25 { types[index] = FRIBIDI_TYPE_ET }
            }
        }
        return types
    }

    /// Bidi controls (marks, embeddings, isolates): they steer the algorithm and are not drawn.
    static func isControl(_ value: UInt32) -> Bool {
        (0x200E...0x200F).contains(value) || (0x202A...0x202E).contains(value) || (0x2066...0x2069).contains(value) || value == 0x061C
    }

    /// The embedding level of each scalar (even: left to right, odd: right to left), for a line read as one paragraph
    /// with the given base direction.
    public static func levels(_ scalars: [UInt32], base: TextDirection) -> [UInt8] {
        levels(scalars, types: types(scalars), base: base)
    }

    /// The levels from the scalars' classes already found (`types`).
    static func levels(_ scalars: [UInt32], types: [FriBidiCharType], base: TextDirection) -> [UInt8] {
        let count = scalars.count
        guard count > 0 else { return [] }
        var brackets = [FriBidiBracketType](repeating: 0, count: count)
        var levels = [FriBidiLevel](repeating: 0, count: count)
        var direction = base == .rightToLeft ? cfribidi_par_rtl() : cfribidi_par_ltr()
        let length = FriBidiStrIndex(count)
        let maximum = scalars.withUnsafeBufferPointer { text -> FriBidiLevel in
            fribidi_get_bracket_types(text.baseAddress, length, types, &brackets)
            return fribidi_get_par_embedding_levels_ex(types, brackets, length, &direction, &levels)
        }
        // 0 is FriBidi's failure (out of memory): the line stays in its base direction.
        if maximum == 0 { return [UInt8](repeating: base == .rightToLeft ? 1 : 0, count: count) }
        return levels.map { UInt8(bitPattern: $0) }
    }

    /// Rule L2: the order in which items with these levels stand from left to right.
    static func visualOrder(_ itemLevels: [UInt8]) -> [Int] {
        var order = Array(itemLevels.indices)
        guard let highest = itemLevels.max(), let lowestOdd = itemLevels.filter({ $0 & 1 == 1 }).min() else { return order }
        var level = highest
        while level >= lowestOdd {
            var start = 0
            while start < order.count {
                guard itemLevels[order[start]] >= level else { start += 1; continue }
                var end = start
                while end < order.count, itemLevels[order[end]] >= level { end += 1 }
                order[start..<end].reverse()
                start = end
            }
            if level == 0 { break }
            level -= 1
        }
        return order
    }

    /// The line's runs from left to right, each in logical order: what a page draws with a shaper that joins and
    /// mirrors by itself (HarfBuzz), each run in its own direction.
    public static func visualRuns(_ line: String, base: TextDirection) -> [Run] {
        guard !line.isEmpty else { return [] }
        if base == .leftToRight, !hasRightToLeft(line) { return [Run(text: line, rightToLeft: false, range: 0..<line.unicodeScalars.count)] }
        let scalars = line.unicodeScalars.map(\.value)
        let levels = levels(scalars, base: base)
        var ranges: [Range<Int>] = []
        var start = 0
        for index in 1...scalars.count where index == scalars.count || levels[index] != levels[start] {
            ranges.append(start..<index)
            start = index
        }
        let order = visualOrder(ranges.map { levels[$0.lowerBound] })
        return order.map { position in
            let range = ranges[position]
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[range].filter { !isControl($0) }.compactMap(Unicode.Scalar.init))
            return Run(text: String(view), rightToLeft: levels[range.lowerBound] & 1 == 1, range: range)
        }
    }

    /// A line laid out for a terminal: its characters from left to right, right-to-left runs reversed, brackets
    /// mirrored there, and Arabic and Persian letters in their joined presentation forms (the console and `foot` draw one
    /// glyph per cell and join nothing), with, for each logical character, the visual position it went to.
    public static func terminalLayout(_ line: String, base: TextDirection, joining: Bool = true) -> (text: String, visualIndex: [Int]) {
        let characters = Array(line)
        if base == .leftToRight, !hasRightToLeft(line) { return (line, Array(characters.indices)) }
        var scalars: [UInt32] = []
        var clusters: [Range<Int>] = []
        for character in characters {
            let start = scalars.count
            scalars += character.unicodeScalars.map(\.value)
            clusters.append(start..<scalars.count)
        }
        guard !scalars.isEmpty else { return ("", []) }
        let types = types(scalars)
        let levels = levels(scalars, types: types, base: base)
        var shaped = scalars
        var fribidiLevels = levels.map { FriBidiLevel(bitPattern: $0) }
        var joiningTypes = [FriBidiJoiningType](repeating: 0, count: scalars.count)
        let length = FriBidiStrIndex(scalars.count)
        scalars.withUnsafeBufferPointer { fribidi_get_joining_types($0.baseAddress, length, &joiningTypes) }
        fribidi_join_arabic(types, length, &fribidiLevels, &joiningTypes)
        fribidi_shape(joining ? cfribidi_shape_flags() : cfribidi_mirroring_flags(), &fribidiLevels, length, &joiningTypes, &shaped)
        // Whole characters move, a letter with its marks: the order is that of clusters, each at its first scalar's level.
        let order = visualOrder(clusters.map { levels[$0.lowerBound] })
        var view = String.UnicodeScalarView()
        var visualIndex = [Int](repeating: 0, count: characters.count)
        for (position, cluster) in order.enumerated() {
            visualIndex[cluster] = position
            // A lam-alef ligature leaves a fill character where its second letter was: the cell is not drawn.
            for value in shaped[clusters[cluster]] where value != 0xFEFF && !isControl(value) {
                if let scalar = Unicode.Scalar(value) { view.append(scalar) }
            }
        }
        return (String(view), visualIndex)
    }

    /// A line as a terminal shows it, from left to right (see `terminalLayout`).
    public static func visual(_ line: String, base: TextDirection) -> String {
        terminalLayout(line, base: base).text
    }

    /// The line's characters in visual order only (brackets mirrored, nothing joined): on lines whose runs each
    /// reverse cleanly, this order is its own inverse, so it also reads a captured screen line back into reading order.
    public static func reordered(_ line: String, base: TextDirection) -> String {
        terminalLayout(line, base: base, joining: false).text
    }
}
