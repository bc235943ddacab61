import Bidi
import Foundation
import KioskApp
import Terminal
import Testing
import TestSupport

/// The box's graphical display path, started headless: cage (the Wayland kiosk compositor, `WLR_BACKENDS=headless`)
/// running foot with the box's own configuration (Provisioning/display/foot.ini) and the kiosk in it, exactly as the
/// unit starts them, photographed with grim. The language screen must show Cyrillic, Romanian and Arabic names drawn
/// by real glyphs: ink in every letter's cell, the same ink as foot draws for the same strings (a reference screen of
/// the same text, from the same terminal at the same size), and every character on screen in one of the configured
/// fonts (no replacement boxes). The photographs are kept in .build/test-artefacts.
@Suite("The graphical display path (cage and foot, headless)", .serialized)
struct DisplayPathTests {
    /// A picture (grim's PPM): width, height, RGB bytes.
    struct Picture {
        var width: Int
        var height: Int
        var pixels: [UInt8]

        init(ppm data: Data) throws {
            let bytes = [UInt8](data)
            var fields: [String] = []
            var index = 0
            // P6, width, height, maximum, one white-space byte, then the pixels.
            while fields.count < 4, index < bytes.count {
                while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09 { index += 1 }
                var field = ""
                while index < bytes.count, !(bytes[index] == 0x20 || bytes[index] == 0x0A || bytes[index] == 0x0D || bytes[index] == 0x09) {
                    field.append(Character(UnicodeScalar(bytes[index])))
                    index += 1
                }
                fields.append(field)
            }
            index += 1
            guard fields.count == 4, fields[0] == "P6", let width = Int(fields[1]), let height = Int(fields[2]), bytes.count - index >= width * height * 3 else {
                throw NSError(domain: "ppm", code: 1, userInfo: [NSLocalizedDescriptionKey: "not a PPM picture (\(fields.prefix(3)))"])
            }
            self.width = width
            self.height = height
            pixels = Array(bytes[index..<(index + width * height * 3)])
        }

        func color(_ x: Int, _ y: Int) -> (Int, Int, Int) {
            let offset = (y * width + x) * 3
            return (Int(pixels[offset]), Int(pixels[offset + 1]), Int(pixels[offset + 2]))
        }

        /// The ink of a cell: pixels far from the cell's most common colour (its background).
        func ink(x: Int, y: Int, width cellWidth: Int, height cellHeight: Int) -> Set<Int> {
            var counts: [Int: Int] = [:]
            for row in y..<min(height, y + cellHeight) {
                for column in x..<min(width, x + cellWidth) {
                    let (r, g, b) = color(column, row)
                    counts[(r << 16) | (g << 8) | b, default: 0] += 1
                }
            }
            guard let background = counts.max(by: { $0.value < $1.value })?.key else { return [] }
            let (br, bg, bb) = (background >> 16, (background >> 8) & 0xFF, background & 0xFF)
            var ink = Set<Int>()
            for row in y..<min(height, y + cellHeight) {
                for column in x..<min(width, x + cellWidth) {
                    let (r, g, b) = color(column, row)
                    if abs(r - br) + abs(g - bg) + abs(b - bb) > 150 { ink.insert((row - y) * cellWidth + (column - x)) }
                }
            }
            return ink
        }

        /// Almost nothing drawn (a blank screen with a cursor): under 1 % of the pixels differ from the first one.
        var isUniform: Bool {
            let first = (pixels[0], pixels[1], pixels[2])
            let differing = stride(from: 0, to: pixels.count, by: 3).reduce(0) { $0 + ((pixels[$1], pixels[$1 + 1], pixels[$1 + 2]) == first ? 0 : 1) }
            return differing * 100 < width * height
        }
    }

    /// One cage session (headless) running a command in foot, as the box's unit does; as an unprivileged user when the
    /// tests run as root (cage refuses to run as root).
    final class Session {
        let directory: URL
        let runtime: URL
        let process = Process()
        let asNobody = getuid() == 0

        init(_ directory: URL, name: String, command: String) throws {
            self.directory = directory
            runtime = directory.appendingPathComponent("runtime-\(name)")
            try FileManager.default.createDirectory(at: runtime, withIntermediateDirectories: true)
            chmod(runtime.path, 0o700)
            if asNobody { chown(runtime.path, 65534, 65534) }
            let script = directory.appendingPathComponent("\(name).sh")
            try ("#!/bin/sh\n" + command + "\n").write(to: script, atomically: true, encoding: .utf8)
            chmod(script.path, 0o755)
            var arguments = ["-i", "HOME=\(runtime.path)", "XDG_RUNTIME_DIR=\(runtime.path)", "WLR_BACKENDS=headless", "WLR_LIBINPUT_NO_DEVICES=1",
                             "WLR_RENDERER=pixman", "LANG=C.UTF-8", "PATH=\(ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")",
                             "/usr/bin/cage", "--", "/usr/bin/foot", "--config=\(directory.appendingPathComponent("foot.ini").path)", script.path]
            if asNobody { arguments = ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/env"] + arguments }
            process.executableURL = URL(fileURLWithPath: asNobody ? "/usr/bin/setpriv" : "/usr/bin/env")
            process.arguments = arguments
            process.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
            process.standardError = try FileHandle(forWritingTo: { let log = directory.appendingPathComponent("\(name)-cage.log"); FileManager.default.createFile(atPath: log.path, contents: nil); return log }())
            try process.run()
        }

        deinit {
            if process.isRunning { process.terminate() }
            process.waitUntilExit()
        }

        /// A screenshot by grim (the compositor's screencopy), once the screen holds something and stopped changing.
        func screenshot(seconds: Double = 30) throws -> (Picture, Data) {
            let deadline = Date().addingTimeInterval(seconds)
            var previous: Data?
            let file = runtime.appendingPathComponent("shot.ppm")
            while Date() < deadline {
                usleep(400_000)
                guard FileManager.default.fileExists(atPath: runtime.appendingPathComponent("wayland-0").path) else { continue }
                let grim = ["/usr/bin/env", "WAYLAND_DISPLAY=wayland-0", "XDG_RUNTIME_DIR=\(runtime.path)", "/usr/bin/grim", "-t", "ppm", file.path]
                let result = asNobody ? Spawn.run("/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups"] + grim)
                    : Spawn.run(grim[0], Array(grim.dropFirst()))
                guard result.status == 0, let data = FileManager.default.contents(atPath: file.path), let picture = try? Picture(ppm: data), !picture.isUniform else { continue }
                if data == previous { return (picture, data) }
                previous = data
            }
            throw NSError(domain: "cage", code: 1, userInfo: [NSLocalizedDescriptionKey: "no settled screenshot within \(seconds) s; cage said: "
                + ((try? String(contentsOf: directory.appendingPathComponent("cage.log"), encoding: .utf8)) ?? "")])
        }
    }

    /// A shell line that waits until foot has its final size (TIOCGWINSZ with pixels, twice the same), then writes it
    /// (columns, rows, width and height in pixels): foot starts its child before the compositor gives it the screen.
    static func waitForSize(writingTo path: String) -> String {
        """
        /usr/bin/python3 -c 'import fcntl, termios, struct, time
        last = None
        for _ in range(50):
            size = struct.unpack("HHHH", fcntl.ioctl(0, termios.TIOCGWINSZ, b"\\0" * 8))
            if size[2] > 0 and size == last: break
            last = size
            time.sleep(0.2)
        r, c, x, y = size
        open("\(path)", "w").write("%d %d %d %d" % (c, r, x, y))'
        """
    }

    /// Families foot is configured with (foot.ini's `font=`): every character on screen must be in one of them.
    static let families = ["DejaVu Sans Mono", "Noto Sans Arabic", "Noto Sans Symbols", "DejaVu Sans"]

    /// The fonts fontconfig has for a character.
    static func families(covering scalar: Unicode.Scalar) -> Set<String> {
        let output = Spawn.run("/usr/bin/fc-list", [":charset=\(String(scalar.value, radix: 16))", "family"]).output
        return Set(output.split(separator: "\n").flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) } })
    }

    @Test("Every character of every visitor language is in one of foot's fonts (what kiosk doctor checks on a box)")
    func fontsCoverEveryLanguage() throws {
        let configuration = try String(contentsOf: Repository.root.appendingPathComponent("Provisioning/display/foot.ini"), encoding: .utf8)
        #expect(ScreenCharacters.fontFamilies(footConfiguration: configuration) == Self.families)
        let content = ContentFixtures.content
        let coverage = try #require(ScreenCharacters.missingInFonts(footConfiguration: configuration, content, languages: content.visitorLanguages))
        for (language, characters) in coverage.missing.sorted(by: { $0.key < $1.key }) {
            Issue.record("\(language): in none of foot's fonts: \(characters.map { "\($0) U+\(String($0.value, radix: 16, uppercase: true))" }.joined(separator: ", "))")
        }
        #expect(coverage.files.contains { $0.hasSuffix("DejaVuSansMono.ttf") })
    }

    @Test("The language screen under cage and foot: Cyrillic, Romanian and Arabic names drawn by real glyphs, as foot draws the same text")
    func languageScreen() throws {
        let directory = temporaryDirectory("display")
        chmod(directory.path, 0o755)
        defer { try? FileManager.default.removeItem(at: directory) }
        // What nobody may read: the kiosk, its content, the terminal's configuration (the checkout may be in root's home).
        let kiosk = directory.appendingPathComponent("kiosk")
        try FileManager.default.copyItem(at: Repository.builtProduct("kiosk"), to: kiosk)
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Kiosk"), to: directory.appendingPathComponent("Kiosk"))
        try FileManager.default.copyItem(at: Repository.root.appendingPathComponent("Provisioning/display/foot.ini"), to: directory.appendingPathComponent("foot.ini"))
        Spawn.run("/bin/chmod", ["-R", "a+rX", directory.path])
        // Written by the session's user, in its own runtime directory.
        let size = directory.appendingPathComponent("runtime-kiosk/size")
        let clock = "2026-11-24T10:00:00+01:00"
        // The terminal's size in cells and pixels (TIOCGWINSZ), then the kiosk, as the unit runs it.
        let session = try Session(directory, name: "kiosk", command: """
            cd \(directory.path)
            \(Self.waitForSize(writingTo: size.path))
            exec \(kiosk.path) run --demo --clock \(clock)
            """)
        let (picture, data) = try session.screenshot()
        try data.write(to: testArtefact("display-welcome.ppm"))
        _ = Spawn.run("/bin/sh", ["-c", "pnmtopng '\(testArtefact("display-welcome.ppm").path)' > '\(testArtefact("display-welcome.png").path)'"])
        let numbers = try String(contentsOf: size, encoding: .utf8).split(separator: " ").compactMap { Int($0) }
        try #require(numbers.count == 4 && numbers[0] > 0 && numbers[1] > 0 && numbers[2] > 0, "the terminal's size: \(numbers)")
        let (columns, rows, cellWidth, cellHeight) = (numbers[0], numbers[1], numbers[2] / numbers[0], numbers[3] / numbers[1])
        #expect(columns >= 80 && rows >= 24, "a \(columns)×\(rows) screen")

        // The same kiosk at the same size in tmux: the characters of each cell, as the kiosk wrote them.
        let tmux = try TmuxKiosk(width: columns, height: rows, command: "\(Repository.builtProduct("kiosk").path) run --demo --clock \(clock)")
        let text = try tmux.waitFor("Choisissez").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let names = ["Українська", "Română", "العربية", "دری"]
        var checked = 0
        // The reference: foot drawing those lines with `cat` in a second headless session.
        let reference = directory.appendingPathComponent("reference.txt")
        try text.prefix(rows).joined(separator: "\n").write(to: reference, atomically: true, encoding: .utf8)
        chmod(reference.path, 0o644)
        let drawn = try Session(directory, name: "reference", command: "\(Self.waitForSize(writingTo: directory.appendingPathComponent("runtime-reference/size").path))\ncat \(reference.path); exec sleep 60")
        let (referencePicture, referenceData) = try drawn.screenshot()
        try referenceData.write(to: testArtefact("display-reference.ppm"))
        _ = Spawn.run("/bin/sh", ["-c", "pnmtopng '\(testArtefact("display-reference.ppm").path)' > '\(testArtefact("display-reference.png").path)'"])
        for name in names {
            let shown = Bidi.hasRightToLeft(name) ? Bidi.visual(name, base: .leftToRight) : name
            let row = try #require(text.firstIndex { $0.contains(shown) }, "\(name) is not on the screen:\n\(text.joined(separator: "\n"))")
            let line = Array(text[row])
            let start = text[row].distance(from: text[row].startIndex, to: text[row].range(of: shown)!.lowerBound)
            for offset in 0..<shown.count {
                let character = line[start + offset]
                guard character != " " else { continue }
                // No replacement box: the character is in one of foot's fonts.
                for scalar in character.unicodeScalars where scalar.value > 0x7F {
                    #expect(!Self.families(covering: scalar).isDisjoint(with: Self.families), "\(name): U+\(String(scalar.value, radix: 16)) is in none of foot's fonts")
                }
                let x = (start + offset) * cellWidth, y = row * cellHeight
                let ink = picture.ink(x: x, y: y, width: cellWidth, height: cellHeight)
                let expected = referencePicture.ink(x: x, y: y, width: cellWidth, height: cellHeight)
                #expect(ink.count >= 4, "\(name): the cell of «\(character)» (column \(start + offset), row \(row)) is blank")
                // The same glyph as foot draws for that character (anti-aliasing on another background aside).
                let overlap = Double(ink.intersection(expected).count) / Double(max(1, ink.union(expected).count))
                #expect(overlap >= 0.5, "\(name): «\(character)» does not look like foot's own drawing of it (overlap \(overlap))")
                checked += 1
            }
        }
        #expect(checked >= 20)
    }
}
