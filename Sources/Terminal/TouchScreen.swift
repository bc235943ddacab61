#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// What a touch panel's evdev events mean on the screen: taps, turned into the SGR mouse reports the UI already
/// handles. Pure: events in, reports out; the panel's axis ranges and the terminal's grid are given.
///
/// Why the kiosk reads the panel itself: foot 1.13 (Debian 12) handles no touch events (wl_touch) and cage 0.1.4 does
/// not turn touches into pointer events, and the bare console reports nothing at all. A mouse, or the virtual
/// machine's tablet, still goes through the terminal's own mouse reports.
public struct TouchDecoder: Sendable {
    /// The panel's coordinates (EVIOCGABS), mapped onto the whole screen.
    public struct Axis: Sendable, Equatable {
        public var minimum: Int32
        public var maximum: Int32
        public init(minimum: Int32, maximum: Int32) {
            self.minimum = minimum
            self.maximum = maximum
        }
        /// 0…1 across the screen.
        func fraction(_ value: Int32) -> Double {
            guard maximum > minimum else { return 0 }
            return min(1, max(0, Double(value - minimum) / Double(maximum - minimum)))
        }
    }

    /// Where the terminal's cells are on the screen: the screen's size and the cell's, in pixels (the grid starts at the
    /// top left corner: foot with pad=0, the console).
    public struct Grid: Sendable, Equatable {
        public var columns: Int
        public var rows: Int
        public var screenWidth: Int
        public var screenHeight: Int
        public var cellWidth: Int
        public var cellHeight: Int
        public init(columns: Int, rows: Int, screenWidth: Int, screenHeight: Int, cellWidth: Int, cellHeight: Int) {
            self.columns = columns
            self.rows = rows
            self.screenWidth = screenWidth
            self.screenHeight = screenHeight
            self.cellWidth = cellWidth
            self.cellHeight = cellHeight
        }

        /// The cell under a point given as fractions of the screen (0-based, clamped to the grid).
        func cell(_ x: Double, _ y: Double) -> (column: Int, row: Int) {
            guard cellWidth > 0, cellHeight > 0, screenWidth > 0, screenHeight > 0 else {
                return (min(columns - 1, Int(x * Double(columns))), min(rows - 1, Int(y * Double(rows))))
            }
            let column = Int(x * Double(screenWidth)) / cellWidth, row = Int(y * Double(screenHeight)) / cellHeight
            return (max(0, min(columns - 1, column)), max(0, min(rows - 1, row)))
        }
    }

    public var x: Axis
    public var y: Axis
    var position: (x: Int32, y: Int32) = (0, 0)
    var touching = false
    var pressed: (column: Int, row: Int)?
    var changed = false

    public init(x: Axis, y: Axis) {
        self.x = x
        self.y = y
    }

    /// Linux input event types and codes this decoder reads.
    public enum Code {
        public static let syn: UInt16 = 0, key: UInt16 = 1, abs: UInt16 = 3
        public static let synReport: UInt16 = 0
        public static let btnTouch: UInt16 = 0x14A
        public static let absX: UInt16 = 0, absY: UInt16 = 1, absMTX: UInt16 = 0x35, absMTY: UInt16 = 0x36, absMTTrackingID: UInt16 = 0x39
    }

    /// Feeds one event; at each report (SYN_REPORT) returns what happened: a press where the finger came down, a
    /// release where it left (at the cell it was pressed on when it moved less than a cell, so a shaky tap is a tap).
    public mutating func feed(type: UInt16, code: UInt16, value: Int32, grid: Grid) -> [MouseEvent] {
        switch (type, code) {
        case (Code.abs, Code.absX), (Code.abs, Code.absMTX): position.x = value
        case (Code.abs, Code.absY), (Code.abs, Code.absMTY): position.y = value
        case (Code.abs, Code.absMTTrackingID): if value < 0 { touching = false; changed = true }
        case (Code.key, Code.btnTouch):
            touching = value != 0
            changed = true
        case (Code.syn, Code.synReport):
            guard changed, grid.columns > 0, grid.rows > 0 else { return [] }
            changed = false
            let cell = grid.cell(x.fraction(position.x), y.fraction(position.y))
            if touching, pressed == nil {
                pressed = cell
                return [MouseEvent(button: .left, kind: .press, x: cell.column, y: cell.row)]
            }
            if !touching, let start = pressed {
                pressed = nil
                let near = abs(start.column - cell.column) <= 1 && abs(start.row - cell.row) <= 1
                let end = near ? start : cell
                return [MouseEvent(button: .left, kind: .release, x: end.column, y: end.row)]
            }
        default: break
        }
        return []
    }

    /// The SGR mouse report a terminal would send for an event (1-based cells).
    public static func report(_ event: MouseEvent) -> [UInt8] {
        Array("\u{1B}[<0;\(event.x + 1);\(event.y + 1)\(event.kind == .release ? "m" : "M")".utf8)
    }
}

/// The box's touch panels (evdev devices that say they are on the screen: INPUT_PROP_DIRECT, with absolute
/// positions and BTN_TOUCH), read on a thread of their own; each tap is written as SGR mouse reports into a pipe
/// that the terminal session reads with its own input.
public final class TouchScreen: @unchecked Sendable {
    public let devices: [String]
    let pipe: (read: Int32, write: Int32)
    let terminal: Int32
    private var descriptors: [Int32]
    private var decoders: [TouchDecoder]

    /// The file descriptor the session polls beside the terminal (the taps' reports).
    public var input: Int32 { pipe.read }

    /// Opens the touch panels (`devices`, or every one found under /dev/input); nil when there is none or none can be
    /// opened (the kiosk then works with the keyboard and the terminal's own mouse reports). `terminal` is the tty whose
    /// grid the taps are mapped onto.
    public init?(devices explicit: [String]? = nil, terminal: Int32) {
        var found: [String] = []
        var descriptors: [Int32] = []
        var decoders: [TouchDecoder] = []
        let candidates = explicit ?? ((try? FileManager.default.contentsOfDirectory(atPath: "/dev/input")) ?? [])
            .filter { $0.hasPrefix("event") }.sorted().map { "/dev/input/" + $0 }
        for path in candidates {
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { continue }
            guard Self.isTouchPanel(fd) || explicit != nil, let x = Self.axis(fd, TouchDecoder.Code.absX), let y = Self.axis(fd, TouchDecoder.Code.absY) else {
                close(fd)
                continue
            }
            found.append(path)
            descriptors.append(fd)
            decoders.append(TouchDecoder(x: x, y: y))
        }
        guard !descriptors.isEmpty else { return nil }
        var ends: [Int32] = [0, 0]
        guard Glibc.pipe(&ends) == 0 else {
            descriptors.forEach { close($0) }
            return nil
        }
        _ = fcntl(ends[0], F_SETFL, fcntl(ends[0], F_GETFL) | O_NONBLOCK)
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[1], F_SETFD, FD_CLOEXEC)
        devices = found
        pipe = (ends[0], ends[1])
        self.terminal = terminal
        self.descriptors = descriptors
        self.decoders = decoders
        let thread = Thread { [self] in self.readLoop() }
        thread.name = "touch"
        thread.start()
    }

    // ioctl numbers of <linux/input.h> (_IOC(_IOC_READ, 'E', nr, size)).
    static func ioctlRead(_ number: UInt, size: UInt) -> UInt { (2 << 30) | (size << 16) | (UInt(UInt8(ascii: "E")) << 8) | number }

    /// INPUT_PROP_DIRECT (the panel is the screen) and BTN_TOUCH.
    static func isTouchPanel(_ fd: Int32) -> Bool {
        var properties = [UInt8](repeating: 0, count: 8)
        guard ioctl(fd, ioctlRead(0x09, size: 8), &properties) >= 0, properties[0] & 0x02 != 0 else { return false }
        var keys = [UInt8](repeating: 0, count: 96)
        guard ioctl(fd, ioctlRead(0x20 + UInt(TouchDecoder.Code.key), size: 96), &keys) >= 0 else { return false }
        let touch = Int(TouchDecoder.Code.btnTouch)
        return keys[touch / 8] & UInt8(1 << (touch % 8)) != 0
    }

    /// The range of an absolute axis (EVIOCGABS), nil when the device has none.
    static func axis(_ fd: Int32, _ code: UInt16) -> TouchDecoder.Axis? {
        var info = [Int32](repeating: 0, count: 6)   // value, minimum, maximum, fuzz, flat, resolution
        guard ioctl(fd, ioctlRead(0x40 + UInt(code), size: 24), &info) >= 0, info[2] > info[1] else { return nil }
        return TouchDecoder.Axis(minimum: info[1], maximum: info[2])
    }

    /// The terminal's grid now: its cells (TIOCGWINSZ) and the screen's pixels (the DRM connector's mode, else the
    /// framebuffer's size); foot gives its cells' pixel size, the console does not (then the cells share the screen).
    func grid() -> TouchDecoder.Grid {
        var size = winsize()
        _ = ioctl(terminal, UInt(TIOCGWINSZ), &size)
        let columns = Int(size.ws_col), rows = Int(size.ws_row)
        let screen = Self.screenSize()
        let cellWidth = columns > 0 && size.ws_xpixel > 0 ? Int(size.ws_xpixel) / columns : 0
        let cellHeight = rows > 0 && size.ws_ypixel > 0 ? Int(size.ws_ypixel) / rows : 0
        return TouchDecoder.Grid(columns: columns, rows: rows, screenWidth: cellWidth > 0 ? screen.width : 0, screenHeight: cellHeight > 0 ? screen.height : 0,
                                 cellWidth: cellWidth, cellHeight: cellHeight)
    }

    /// The connected screen's mode ("1280x800" in /sys/class/drm/card*-*/modes), else /sys/class/graphics/fb0.
    static func screenSize() -> (width: Int, height: Int) {
        let drm = "/sys/class/drm"
        for connector in ((try? FileManager.default.contentsOfDirectory(atPath: drm)) ?? []).sorted() where connector.contains("-") {
            let base = drm + "/" + connector
            guard (try? String(contentsOfFile: base + "/status", encoding: .utf8))?.hasPrefix("connected") == true,
                  let mode = (try? String(contentsOfFile: base + "/modes", encoding: .utf8))?.split(separator: "\n").first else { continue }
            let parts = mode.split(separator: "x").compactMap { Int($0.prefix { $0.isNumber }) }
            if parts.count == 2 { return (parts[0], parts[1]) }
        }
        if let size = try? String(contentsOfFile: "/sys/class/graphics/fb0/virtual_size", encoding: .utf8) {
            let parts = size.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ",").compactMap { Int($0) }
            if parts.count == 2 { return (parts[0], parts[1]) }
        }
        return (0, 0)
    }

    private func readLoop() {
        var fds = descriptors.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
        // struct input_event: a timeval (two longs), then type, code (16 bits each) and value (32 bits).
        let eventSize = MemoryLayout<timeval>.size + 8
        var buffer = [UInt8](repeating: 0, count: eventSize * 64)
        while true {
            guard poll(&fds, nfds_t(fds.count), -1) > 0 else {
                if errno == EINTR { continue }
                return
            }
            for index in fds.indices where fds[index].revents != 0 {
                if fds[index].revents & Int16(POLLERR | POLLHUP | POLLNVAL) != 0 { fds[index].fd = -1; continue }
                let count = read(fds[index].fd, &buffer, buffer.count)
                guard count > 0 else { continue }
                let grid = grid()
                var reports: [UInt8] = []
                for offset in stride(from: 0, to: count - eventSize + 1, by: eventSize) {
                    let base = offset + MemoryLayout<timeval>.size
                    let type = UInt16(buffer[base]) | UInt16(buffer[base + 1]) << 8
                    let code = UInt16(buffer[base + 2]) | UInt16(buffer[base + 3]) << 8
                    let value = Int32(bitPattern: UInt32(buffer[base + 4]) | UInt32(buffer[base + 5]) << 8 | UInt32(buffer[base + 6]) << 16 | UInt32(buffer[base + 7]) << 24)
                    for event in decoders[index].feed(type: type, code: code, value: value, grid: grid) { reports += TouchDecoder.report(event) }
                }
                if !reports.isEmpty { _ = reports.withUnsafeBytes { write(pipe.write, $0.baseAddress, $0.count) } }
            }
            if fds.allSatisfy({ $0.fd < 0 }) { return }
        }
    }
}
