import Foundation

/// A sheet a visitor alone at the box takes home: their rights in plain words, the papers for a right, the places
/// open for care. Its words come from the text catalogue; the box builds it twice, in French and in the visitor's
/// language, with the same sections and lines, and prints both side by side.
public struct InfoSheet: Sendable, Equatable {
    public struct Section: Sendable, Equatable {
        public var heading: String
        public var lines: [String]
        /// Lines to tick (papers to bring).
        public var checkBoxes: Bool
        public init(heading: String, lines: [String], checkBoxes: Bool = false) {
            self.heading = heading
            self.lines = lines
            self.checkBoxes = checkBoxes
        }
    }

    public var title: String
    public var intro: [String]
    public var sections: [Section]
    public init(title: String, intro: [String] = [], sections: [Section]) {
        self.title = title
        self.intro = intro
        self.sections = sections
    }

    /// Every line as a visitor reads it on screen: the title's paragraphs, then each heading and its lines.
    public var paragraphs: [String] { intro + sections.flatMap { [$0.heading] + $0.lines } }
}

extension DocumentRenderer {
    /// The PDF of a sheet: French on the left and the visitor's language on the right (or French alone across the
    /// page); `footer` (the box's place and the date) under the title. Nothing of the visitor is on it.
    public static func sheet(french: InfoSheet, other: InfoSheet?, rightToLeft: Bool = false, footer: String,
                             fontDirectories: [String] = FontSet.defaultDirectories) -> Data {
        // The two versions are built alike; a version that differs in shape is not printed beside the French.
        let other = other.flatMap { sheet in
            sheet.intro.count == french.intro.count && sheet.sections.map(\.lines.count) == french.sections.map(\.lines.count) ? sheet : nil
        }
        var pdf = PDFWriter(title: french.title, fonts: FontSet.read(directories: fontDirectories))
        pdf.newPage()
        let bilingual = other != nil
        let column = bilingual ? 85.0 : 170.0
        var y = pdf.paragraph(french.title, x: 20, y: 22, width: 170, size: 16, font: .bold)
        if let other, other.title != french.title { y = pdf.paragraph(other.title, x: 20, y: y + 1, width: 170, size: 14, font: .bold, rightToLeft: rightToLeft) }
        y = pdf.paragraph(footer, x: 20, y: y + 3, width: 170, size: 10) + 3
        func pair(_ left: String, _ right: String?, size: Double, bold: Bool = false, box: Bool = false) {
            if y > 262 { pdf.newPage(); y = 25 }
            let indent = box ? 6.0 : 0
            if box { pdf.checkBox(x: 20, y: y - 3.5, checked: false) }
            let font: PDFWriter.Font = bold ? .bold : .regular
            let leftEnd = pdf.paragraph(left, x: 20 + indent, y: y, width: column - indent, size: size, font: font)
            var rightEnd = leftEnd
            if let right, right != left { rightEnd = pdf.paragraph(right, x: 110 + indent, y: y, width: column - indent, size: size, font: font, rightToLeft: rightToLeft) }
            y = max(leftEnd, rightEnd) + 1.5
        }
        for (index, line) in french.intro.enumerated() { pair(line, other?.intro[index], size: 11) }
        for (index, section) in french.sections.enumerated() {
            y += 3
            let theirs = other?.sections[index]
            pair(section.heading, theirs?.heading, size: 12, bold: true)
            for (row, line) in section.lines.enumerated() { pair(line, theirs?.lines[row], size: 10, box: section.checkBoxes) }
        }
        return pdf.render()
    }
}
