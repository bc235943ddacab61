import CZlib
import Foundation

/// A Linux console font (PSF1 or PSF2, gzip-compressed or not) and the characters its Unicode table maps
/// to glyphs: what the console can show. Used to check that the box's console font covers every character
/// the content draws (the console holds one font of at most 512 glyphs).
///
/// ```swift
/// let font = try ConsoleFont(contentsOf: "/usr/share/consolefonts/Uni2-TerminusBold32x16.psf.gz")
/// font.covers("Ș")        // true
/// font.missing(in: "Є")   // [] or ["Є"]
/// ```
public struct ConsoleFont: Sendable {
    public var glyphCount: Int
    public var width: Int
    public var height: Int
    /// Every character (single scalar) the Unicode table maps to a glyph.
    public var characters: Set<Unicode.Scalar>

    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    public init(contentsOf path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else { throw Problem(description: "\(path): cannot be read") }
        try self.init(data: path.hasSuffix(".gz") ? try Self.gunzip(data) : data)
    }

    public init(data: Data) throws {
        let bytes = [UInt8](data)
        func u32(_ offset: Int) -> Int { Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24 }
        var characters = Set<Unicode.Scalar>()
        if bytes.count >= 32, bytes[0] == 0x72, bytes[1] == 0xB5, bytes[2] == 0x4A, bytes[3] == 0x86 {
            // PSF2: header size, flags (1 = has a Unicode table), glyph count and size; the table is UTF-8, 0xFF ends a glyph, 0xFE starts sequences.
            let headerSize = u32(8), flags = u32(12), count = u32(16), glyphBytes = u32(20)
            glyphCount = count
            height = u32(24)
            width = u32(28)
            guard flags & 1 == 1 else { throw Problem(description: "this PSF2 font has no Unicode table") }
            var offset = headerSize + count * glyphBytes
            var glyph = 0
            var inSequence = false
            var pending: [UInt8] = []
            func flush() {
                if !pending.isEmpty, !inSequence, let text = String(bytes: pending, encoding: .utf8) { characters.formUnion(text.unicodeScalars) }
                pending = []
            }
            while offset < bytes.count, glyph < count {
                let byte = bytes[offset]
                offset += 1
                switch byte {
                case 0xFF: flush(); inSequence = false; glyph += 1
                case 0xFE: flush(); inSequence = true
                default:
                    pending.append(byte)
                    // One scalar at a time outside sequences: a UTF-8 scalar ends before the next lead byte.
                    if !inSequence, let text = String(bytes: pending, encoding: .utf8) { characters.formUnion(text.unicodeScalars); pending = [] }
                }
            }
        } else if bytes.count >= 4, bytes[0] == 0x36, bytes[1] == 0x04 {
            // PSF1: mode bit 0 = 512 glyphs, bit 1 = Unicode table of 16-bit values (0xFFFF ends a glyph, 0xFFFE starts sequences).
            let mode = bytes[2]
            glyphCount = mode & 1 == 1 ? 512 : 256
            height = Int(bytes[3])
            width = 8
            guard mode & 2 == 2 else { throw Problem(description: "this PSF1 font has no Unicode table") }
            var offset = 4 + glyphCount * height
            var inSequence = false
            while offset + 1 < bytes.count {
                let value = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8
                offset += 2
                if value == 0xFFFF { inSequence = false } else if value == 0xFFFE { inSequence = true } else if !inSequence, let scalar = Unicode.Scalar(value) {
                    characters.insert(scalar)
                }
            }
        } else {
            throw Problem(description: "not a PSF console font")
        }
        self.characters = characters
    }

    /// Whether the console can draw this character (spaces and controls need no glyph).
    public func covers(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar == " " || characters.contains(scalar)
    }

    /// The characters of `text` the font cannot draw, each once, in order.
    public func missing(in text: String) -> [Unicode.Scalar] {
        var seen = Set<Unicode.Scalar>()
        return text.unicodeScalars.filter { !covers($0) && seen.insert($0).inserted }
    }

    static func gunzip(_ data: Data) throws -> Data {
        var stream = z_stream()
        // 16 + MAX_WBITS: a gzip header.
        guard inflateInit2_(&stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Problem(description: "zlib cannot start")
        }
        defer { inflateEnd(&stream) }
        var input = [UInt8](data)
        var output = Data()
        var chunk = [UInt8](repeating: 0, count: 65536)
        let status: Int32 = input.withUnsafeMutableBufferPointer { inputBuffer in
            stream.next_in = inputBuffer.baseAddress
            stream.avail_in = uInt(inputBuffer.count)
            var result: Int32 = Z_OK
            repeat {
                result = chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                    stream.next_out = chunkBuffer.baseAddress
                    stream.avail_out = uInt(chunkBuffer.count)
                    let status = inflate(&stream, Z_NO_FLUSH)
                    output.append(chunkBuffer.baseAddress!, count: chunkBuffer.count - Int(stream.avail_out))
                    return status
                }
            } while result == Z_OK
            return result
        }
        guard status == Z_STREAM_END else { throw Problem(description: "the gzip data is damaged") }
        return output
    }
}
