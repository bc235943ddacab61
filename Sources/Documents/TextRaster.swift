import CHarfBuzz
import Foundation

/// A 1-bit picture (a thermal printer's raster): rows of `width` dots, 8 per byte, the leftmost in the high bit.
public struct Bitmap: Sendable, Equatable {
    public var width: Int
    public var height: Int
    public var bytes: [UInt8]
    public var bytesPerRow: Int { (width + 7) / 8 }

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        bytes = [UInt8](repeating: 0, count: ((self.width + 7) / 8) * self.height)
    }

    public func isSet(_ x: Int, _ y: Int) -> Bool {
        guard x >= 0, x < width, y >= 0, y < height else { return false }
        return bytes[y * bytesPerRow + x / 8] & (0x80 >> UInt8(x % 8)) != 0
    }

    mutating func set(_ x: Int, _ y: Int) {
        guard x >= 0, x < width, y >= 0, y < height else { return }
        bytes[y * bytesPerRow + x / 8] |= 0x80 >> UInt8(x % 8)
    }

    /// The picture as a portable bitmap (PBM), to look at.
    public var pbm: Data { Data("P4\n\(width) \(height)\n".utf8) + Data(bytes) }
}

/// Text drawn as dots for a printer that has no font for it (a thermal ticket printer knows ASCII and a code page, no
/// Arabic): laid out by the documents' own text machinery — the same faces in fallback order, bidi runs and shaped
/// words as a printed page (Noto Sans Arabic joins the letters) —, wrapped to the paper's width and centred, each
/// glyph's outline filled (non-zero winding). Pure but for the fonts it is given.
public enum TextRaster {
    /// The text in lines of at most `width` dots, `pixelSize` dots to the em; nil without HarfBuzz or fonts.
    public static func render(_ text: String, rightToLeft: Bool, width: Int, pixelSize: Double, fonts: FontSet) -> Bitmap? {
        guard let hb = HarfBuzzLibrary.shared?.draw, width > 0, pixelSize > 0 else { return nil }
        var writer = PDFWriter(title: "", fonts: fonts)
        guard let faces = writer.faces[.regular], !faces.isEmpty else { return nil }
        // At this size in points, the writer's millimetres are dots: it wraps and measures in dots.
        let size = pixelSize * PDFWriter.pointsPerMillimetre
        let lines = writer.wrap(text, width: Double(width), size: size).filter { !$0.isEmpty }
        guard !lines.isEmpty else { return nil }
        let ascent = faces.map { Double($0.metrics.ascent) }.max()! * pixelSize / 1000
        let descent = faces.map { Double(-$0.metrics.descent) }.max()! * pixelSize / 1000
        let lineHeight = Int((ascent + descent) * 1.15 + 0.5)
        var bitmap = Bitmap(width: width, height: lineHeight * lines.count)
        for (row, line) in lines.enumerated() {
            // The line's glyphs from the left, in the faces that have them.
            let runs = writer.runs(line, .regular, rightToLeft: rightToLeft)
            let lineWidth = runs.reduce(0) { $0 + $1.width } * pixelSize / 1000
            var pen = max(0, (Double(width) - lineWidth) / 2)
            let baseline = Double(row * lineHeight) + ascent + (Double(lineHeight) - ascent - descent) / 2
            for run in runs {
                let face = faces[run.face]
                let scale = pixelSize / Double(face.unitsPerEm)
                for glyph in run.glyphs {
                    let outline = Outline()
                    outline.transform = (pen + glyph.xOffset * pixelSize / 1000, baseline, scale)
                    face.draw(glyph.id, into: outline, hb)
                    outline.fill(&bitmap)
                    pen += glyph.advance * pixelSize / 1000
                }
            }
        }
        return bitmap
    }
}

/// A glyph's outline as straight edges in dots (curves flattened), filled with the non-zero winding rule.
final class Outline {
    var edges: [(x0: Double, y0: Double, x1: Double, y1: Double)] = []
    var transform: (x: Double, baseline: Double, scale: Double) = (0, 0, 1)
    var current: (Double, Double) = (0, 0)
    var start: (Double, Double) = (0, 0)

    func point(_ x: Float, _ y: Float) -> (Double, Double) {
        (transform.x + Double(x) * transform.scale, transform.baseline - Double(y) * transform.scale)
    }

    func move(_ to: (Double, Double)) {
        close()
        current = to
        start = to
    }

    func line(_ to: (Double, Double)) {
        if to != current { edges.append((current.0, current.1, to.0, to.1)) }
        current = to
    }

    func quadratic(_ control: (Double, Double), _ to: (Double, Double)) {
        let from = current
        for step in 1...8 {
            let t = Double(step) / 8, u = 1 - t
            line((u * u * from.0 + 2 * u * t * control.0 + t * t * to.0, u * u * from.1 + 2 * u * t * control.1 + t * t * to.1))
        }
    }

    func cubic(_ first: (Double, Double), _ second: (Double, Double), _ to: (Double, Double)) {
        let from = current
        for step in 1...12 {
            let t = Double(step) / 12, u = 1 - t
            let a = u * u * u, b = 3 * u * u * t, c = 3 * u * t * t, d = t * t * t
            line((a * from.0 + b * first.0 + c * second.0 + d * to.0, a * from.1 + b * first.1 + c * second.1 + d * to.1))
        }
    }

    func close() {
        if current != start { line(start) }
    }

    /// Each dot whose centre is inside the outline is set.
    func fill(_ bitmap: inout Bitmap) {
        close()
        guard !edges.isEmpty else { return }
        let top = max(0, Int(edges.map { min($0.y0, $0.y1) }.min()!.rounded(.down)))
        let bottom = min(bitmap.height - 1, Int(edges.map { max($0.y0, $0.y1) }.max()!.rounded(.up)))
        guard top <= bottom else { return }
        for y in top...bottom {
            let centre = Double(y) + 0.5
            var crossings: [(x: Double, winding: Int)] = []
            for edge in edges where (edge.y0 <= centre) != (edge.y1 <= centre) {
                let x = edge.x0 + (centre - edge.y0) * (edge.x1 - edge.x0) / (edge.y1 - edge.y0)
                crossings.append((x, edge.y1 > edge.y0 ? 1 : -1))
            }
            crossings.sort { $0.x < $1.x }
            var winding = 0
            for (index, crossing) in crossings.enumerated() {
                let before = winding
                winding += crossing.winding
                guard before != 0, index > 0 else { continue }
                let from = Int((crossings[index - 1].x - 0.5).rounded(.up)), to = Int((crossing.x - 0.5).rounded(.down))
                if from <= to { for x in from...to { bitmap.set(x, y) } }
            }
        }
    }
}

extension ShapingFace {
    /// Draws a glyph's outline (font units, y up) into `outline` through HarfBuzz's draw functions.
    func draw(_ glyph: UInt32, into outline: Outline, _ hb: HarfBuzzLibrary.Draw) {
        guard let funcs = hb.draw_funcs_create() else { return }
        defer { hb.draw_funcs_destroy(funcs) }
        hb.draw_funcs_set_move_to_func(funcs, { _, data, _, x, y, _ in
            let outline = Unmanaged<Outline>.fromOpaque(data!).takeUnretainedValue()
            outline.move(outline.point(x, y))
        }, nil, nil)
        hb.draw_funcs_set_line_to_func(funcs, { _, data, _, x, y, _ in
            let outline = Unmanaged<Outline>.fromOpaque(data!).takeUnretainedValue()
            outline.line(outline.point(x, y))
        }, nil, nil)
        hb.draw_funcs_set_quadratic_to_func(funcs, { _, data, _, cx, cy, x, y, _ in
            let outline = Unmanaged<Outline>.fromOpaque(data!).takeUnretainedValue()
            outline.quadratic(outline.point(cx, cy), outline.point(x, y))
        }, nil, nil)
        hb.draw_funcs_set_cubic_to_func(funcs, { _, data, _, c1x, c1y, c2x, c2y, x, y, _ in
            let outline = Unmanaged<Outline>.fromOpaque(data!).takeUnretainedValue()
            outline.cubic(outline.point(c1x, c1y), outline.point(c2x, c2y), outline.point(x, y))
        }, nil, nil)
        hb.draw_funcs_set_close_path_func(funcs, { _, data, _, _ in
            Unmanaged<Outline>.fromOpaque(data!).takeUnretainedValue().close()
        }, nil, nil)
        hb.font_draw_glyph(font, glyph, funcs, Unmanaged.passUnretained(outline).toOpaque())
    }
}
