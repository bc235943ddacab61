import CHarfBuzz
import CLibDeflate
import Foundation

/// The TrueType fonts a document embeds: for each style, faces tried in order for each character
/// (Noto Sans for Latin, Romanian and Cyrillic first; later faces for other scripts).
///
/// Font files are read by `FontSet.read(directories:)` when a document is rendered and dropped after,
/// so the kiosk does not keep them in memory between prints.
public struct FontSet: Sendable {
    public struct Face: Sendable {
        public var name: String
        public var data: Data
        /// The file it came from (faces are opened once per file and process).
        public var path: String
        public init(name: String, data: Data, path: String = "") {
            self.name = name
            self.data = data
            self.path = path.isEmpty ? name + "#" + String(data.count) : path
        }
    }
    public var regular: [Face]
    public var bold: [Face]

    public init(regular: [Face], bold: [Face]) {
        self.regular = regular
        self.bold = bold
    }

    /// The files of each style, in fallback order (names under a fonts directory).
    public static let files: (regular: [String], bold: [String]) = (
        ["NotoSans-Regular.ttf", "NotoSansArabic-Regular.ttf"],
        ["NotoSans-Bold.ttf", "NotoSansArabic-Bold.ttf"]
    )

    /// Where fonts are looked for: `PERMANENCE_FONTS`, the installed box's copy, then Debian's fonts-noto-core.
    public static var defaultDirectories: [String] {
        var directories: [String] = []
        if let custom = ProcessInfo.processInfo.environment["PERMANENCE_FONTS"], !custom.isEmpty { directories.append(custom) }
        return directories + ["/usr/share/permanence/fonts", "/usr/share/fonts/truetype/noto"]
    }

    /// The fonts found, by directories searched: a process reads them once (as it opens each face once).
    nonisolated(unsafe) private static var found: [[String]: FontSet] = [:]
    private static let foundLock = NSLock()

    /// Reads the fonts (nil when no regular face is found: documents then fall back to Helvetica and transliterate).
    /// Fonts found are kept for the next documents; not finding any is asked again each time.
    public static func read(directories: [String] = defaultDirectories) -> FontSet? {
        if let known = foundLock.withLock({ found[directories] }) { return known }
        guard let fonts = search(directories) else { return nil }
        foundLock.withLock { found[directories] = fonts }
        return fonts
    }

    private static func search(_ directories: [String]) -> FontSet? {
        func faces(_ names: [String]) -> [Face] {
            names.compactMap { name in
                for directory in directories {
                    let path = directory + "/" + name
                    // A file this process already opened is not mapped again.
                    if let opened = ShapingFace.openedData(path: path) { return Face(name: String(name.dropLast(4)), data: opened, path: path) }
                    // Mapped, not read: only the pages HarfBuzz touches (the glyphs used) come into memory.
                    if let data = try? Data(contentsOf: URL(fileURLWithPath: path), options: .alwaysMapped) {
                        return Face(name: String(name.dropLast(4)), data: data, path: path)
                    }
                }
                return nil
            }
        }
        let regular = faces(files.regular)
        guard !regular.isEmpty else { return nil }
        let bold = faces(files.bold)
        return FontSet(regular: regular, bold: bold.isEmpty ? regular : bold)
    }
}

/// One font face opened with HarfBuzz for shaping and subsetting, once per process (`shared`).
final class ShapingFace: @unchecked Sendable {
    let name: String
    let blob: OpaquePointer
    let face: OpaquePointer
    let font: OpaquePointer
    let unitsPerEm: Int32
    let original: Data

    /// Faces opened once per process and file: HarfBuzz builds its layout tables and shape plans once, and the
    /// mapped file's pages stay the kernel's (clean, shared, dropped under pressure). What a document uses is
    /// recorded by the document, not here.
    nonisolated(unsafe) static var opened: [String: ShapingFace] = [:]
    static let lock = NSLock()

    static func shared(_ source: FontSet.Face) -> ShapingFace? {
        lock.lock()
        defer { lock.unlock() }
        if let face = opened[source.path] { return face }
        let face = ShapingFace(source)
        opened[source.path] = face
        return face
    }

    /// The bytes of a file already opened by this process.
    static func openedData(path: String) -> Data? {
        lock.lock()
        defer { lock.unlock() }
        return opened[path]?.original
    }

    let hb: HarfBuzzLibrary

    init?(_ source: FontSet.Face) {
        guard let hb = HarfBuzzLibrary.shared else { return nil }
        self.hb = hb
        name = source.name
        original = source.data
        // The face reads the font's bytes where they are (a mapped file, kept alive by `original` for the face's life).
        guard let blob = original.withUnsafeBytes({ raw -> OpaquePointer? in
            guard let base = raw.baseAddress else { return nil }
            return hb.blob_create(base.assumingMemoryBound(to: CChar.self), UInt32(raw.count), HB_MEMORY_MODE_READONLY, nil, nil)
        }) else { return nil }
        self.blob = blob
        guard let face = hb.face_create(blob, 0), let font = hb.font_create(face) else {
            hb.blob_destroy(blob)
            return nil
        }
        self.face = face
        self.font = font
        unitsPerEm = Int32(hb.face_get_upem(face))
        hb.font_set_scale(font, unitsPerEm, unitsPerEm)
        hb.ot_font_set_funcs(font)
        if unitsPerEm <= 16 { return nil }
    }

    /// The face prepared for subsetting (HarfBuzz's accelerators), made at the first subset of this face.
    private var preparedForSubset: OpaquePointer?

    private func subsetSource() -> OpaquePointer {
        Self.lock.lock()
        defer { Self.lock.unlock() }
        if let prepared = preparedForSubset { return prepared }
        let prepared = hb.subset_preprocess(face) ?? face
        preparedForSubset = prepared
        return prepared
    }

    deinit {
        if let preparedForSubset, preparedForSubset != face { hb.face_destroy(preparedForSubset) }
        hb.font_destroy(font)
        hb.face_destroy(face)
        hb.blob_destroy(blob)
    }

    func has(_ scalar: Unicode.Scalar) -> Bool {
        var glyph: hb_codepoint_t = 0
        return hb.font_get_nominal_glyph(font, scalar.value, &glyph) != 0 && glyph != 0
    }

    /// A glyph of a shaped run: its id, advance and offset in 1/1000 em, and the text it stands for.
    struct Glyph {
        var id: UInt32
        var advance: Double
        var xOffset: Double
        /// The glyph's own advance (what the PDF viewer moves by before the adjustment to `advance`).
        var nominalAdvance: Int
        var text: String
    }

    /// Shapes a run (one script, one direction) into glyphs in visual order.
    func shape(_ text: String, rightToLeft: Bool = false) -> [Glyph] {
        let scalars = Array(text.unicodeScalars)
        guard !scalars.isEmpty, let buffer = hb.buffer_create() else { return [] }
        defer { hb.buffer_destroy(buffer) }
        let codepoints = scalars.map(\.value)
        hb.buffer_add_utf32(buffer, codepoints, Int32(codepoints.count), 0, Int32(codepoints.count))
        hb.buffer_guess_segment_properties(buffer)
        if rightToLeft { hb.buffer_set_direction(buffer, HB_DIRECTION_RTL) }
        // A mark (shadda, hamza above) keeps its own cluster: its glyph stands for it alone, so the text copied from
        // the page has each letter once.
        hb.buffer_set_cluster_level(buffer, HB_BUFFER_CLUSTER_LEVEL_CHARACTERS)
        hb.shape(font, buffer, nil, 0)
        var count: UInt32 = 0
        guard let infos = hb.buffer_get_glyph_infos(buffer, &count), let positions = hb.buffer_get_glyph_positions(buffer, &count) else { return [] }
        let scale = 1000.0 / Double(unitsPerEm)
        // Each glyph stands for the characters from its cluster to the next cluster start (in logical order);
        // the first glyph of a cluster carries its text, the others none.
        var isStart = [Bool](repeating: false, count: scalars.count + 1)
        isStart[scalars.count] = true
        for index in 0..<Int(count) { isStart[min(scalars.count, Int(infos[index].cluster))] = true }
        var nextStart = [Int](repeating: scalars.count, count: scalars.count + 1)
        var upcoming = scalars.count
        for position in stride(from: scalars.count - 1, through: 0, by: -1) {
            nextStart[position] = upcoming
            if isStart[position] { upcoming = position }
        }
        var glyphs: [Glyph] = []
        glyphs.reserveCapacity(Int(count))
        var given = [Bool](repeating: false, count: scalars.count + 1)
        for index in 0..<Int(count) {
            let cluster = min(scalars.count, Int(infos[index].cluster))
            var text = ""
            if !given[cluster] {
                given[cluster] = true
                let end = nextStart[cluster]
                if end == cluster + 1 {
                    text = String(scalars[cluster])
                } else {
                    // A right-to-left ligature (lam-alef) stands for its letters in reverse: text extractors (poppler's
                    // pdftotext) read a right-to-left word's characters from the right, so they give back the letters
                    // in reading order.
                    var view = String.UnicodeScalarView()
                    if rightToLeft { view.append(contentsOf: scalars[cluster..<end].reversed()) } else { view.append(contentsOf: scalars[cluster..<end]) }
                    text = String(view)
                }
            }
            glyphs.append(Glyph(id: infos[index].codepoint, advance: Double(positions[index].x_advance) * scale,
                                xOffset: Double(positions[index].x_offset) * scale, nominalAdvance: advance(infos[index].codepoint), text: text))
        }
        return glyphs
    }

    /// The nominal advance of a glyph, 1/1000 em (what the PDF's /W array says).
    func advance(_ glyph: UInt32) -> Int {
        Int((Double(hb.font_get_glyph_h_advance(font, glyph)) * 1000.0 / Double(unitsPerEm)).rounded())
    }

    /// Font-wide metrics in 1/1000 em: ascender, descender, cap height, bounding box.
    var metrics: (ascent: Int, descent: Int, capHeight: Int, bbox: [Int]) {
        var extents = hb_font_extents_t()
        _ = hb.font_get_h_extents(font, &extents)
        let scale = 1000.0 / Double(unitsPerEm)
        var cap: hb_position_t = 0
        _ = hb.ot_metrics_get_position(font, HB_OT_METRICS_TAG_CAP_HEIGHT, &cap)
        let ascent = Int(Double(extents.ascender) * scale)
        let descent = Int(Double(extents.descender) * scale)
        return (ascent, descent, Int(Double(cap) * scale), [-600, descent - 100, 1800, ascent + 200])
    }

    /// The font reduced to the glyphs used (renumbered from 1, .notdef stays 0), without hinting or layout
    /// tables, and each used glyph's new id. Renumbering keeps the subset small (its `loca` and `hmtx` hold only
    /// the glyphs used), which is what makes subsetting and compressing it cheap; the PDF keeps the original ids as
    /// CIDs and maps them with a CIDToGIDMap.
    func subset(_ used: Set<UInt32>) -> (font: Data, newGlyph: [UInt32: UInt32])? {
        guard let input = hb.subset_input_create_or_fail() else { return nil }
        defer { hb.subset_input_destroy(input) }
        let glyphs = hb.subset_input_set(input, HB_SUBSET_SETS_GLYPH_INDEX)
        hb.set_add(glyphs, 0)
        for glyph in used { hb.set_add(glyphs, glyph) }
        // No character map needed: the PDF addresses glyphs by id.
        hb.set_clear(hb.subset_input_set(input, HB_SUBSET_SETS_UNICODE))
        let drop = hb.subset_input_set(input, HB_SUBSET_SETS_DROP_TABLE_TAG)
        for tag in ["GSUB", "GPOS", "GDEF", "DSIG", "BASE", "JSTF", "MATH", "kern", "morx", "STAT", "MVAR", "HVAR", "vhea", "vmtx"] {
            hb.set_add(drop, Self.tag(tag))
        }
        hb.subset_input_set_flags(input, HB_SUBSET_FLAGS_NO_HINTING.rawValue)
        guard let plan = hb.subset_plan_create_or_fail(subsetSource(), input) else { return nil }
        defer { hb.subset_plan_destroy(plan) }
        guard let subsetFace = hb.subset_plan_execute_or_fail(plan) else { return nil }
        defer { hb.face_destroy(subsetFace) }
        let mapping = hb.subset_plan_old_to_new_glyph_mapping(plan)
        var newGlyph: [UInt32: UInt32] = [:]
        for glyph in used {
            let mapped = hb.map_get(mapping, glyph)
            guard mapped != UInt32.max else { return nil } // HB_MAP_VALUE_INVALID
            newGlyph[glyph] = mapped
        }
        let blob = hb.face_reference_blob(subsetFace)
        defer { hb.blob_destroy(blob) }
        var length: UInt32 = 0
        guard let bytes = hb.blob_get_data(blob, &length), length > 0 else { return nil }
        return (Data(bytes: bytes, count: Int(length)), newGlyph)
    }

    static func tag(_ text: String) -> hb_tag_t {
        text.utf8.reduce(0) { ($0 << 8) | hb_tag_t($1) }
    }
}

/// Compression for PDF streams (FlateDecode, zlib format) with libdeflate; the same bytes in give the same bytes out.
/// A document's streams are small (a few KiB each): zlib spends more on setting up its stream state than on
/// compressing them, libdeflate compresses whole buffers about five times faster (measured on a two-page form's
/// streams: 0.2 ms against 1.1 ms) and a little smaller. One compressor serves all the streams of a document.
final class Deflater {
    /// The level: 3 shrinks a form by 3 % for 1.6 times the time, 6 by 5 % for 2.5 times.
    static let level: Int32 = 1
    private let compressor: OpaquePointer?

    init() { compressor = libdeflate_alloc_compressor(Self.level) }
    deinit { libdeflate_free_compressor(compressor) }

    /// Nil only if compression fails (then the stream is written uncompressed).
    func compress(_ data: Data) -> Data? {
        guard let compressor else { return nil }
        var output = [UInt8](repeating: 0, count: libdeflate_zlib_compress_bound(compressor, data.count))
        let length = data.withUnsafeBytes { raw in
            output.withUnsafeMutableBytes { libdeflate_zlib_compress(compressor, raw.baseAddress, raw.count, $0.baseAddress, $0.count) }
        }
        guard length > 0 else { return nil }
        return Data(output.prefix(length))
    }
}
