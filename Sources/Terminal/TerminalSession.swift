#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dispatch

/// What a crash handler needs to put the terminal back, kept where a C signal handler can reach it.
nonisolated(unsafe) private var crashRestoreTermios = termios()
nonisolated(unsafe) private var crashRestoreFD: Int32 = -1
nonisolated(unsafe) private var crashRestoreSequence: [UInt8] = []
nonisolated(unsafe) private var previousCrashActions: [Int32: sigaction] = [:]

/// On a crash signal: the terminal modes and termios go back (write and tcsetattr are
/// async-signal-safe), then the previous handler (the Swift backtracer, or the default) runs.
private func crashHandler(_ signalNumber: Int32) {
    if crashRestoreFD >= 0 {
        _ = crashRestoreSequence.withUnsafeBytes { Glibc.write(crashRestoreFD, $0.baseAddress, $0.count) }
        _ = tcsetattr(crashRestoreFD, TCSANOW, &crashRestoreTermios)
    }
    if var previous = previousCrashActions[signalNumber] {
        sigaction(signalNumber, &previous, nil)
    } else {
        signal(signalNumber, SIG_DFL)
    }
    raise(signalNumber)
}

/// The real terminal: raw mode through termios, the modes of `TerminalModes`, the size,
/// and restoration on every exit path (normal end, SIGTERM, SIGHUP, and `atexit`).
///
/// In raw mode Ctrl-C, Ctrl-Z and Ctrl-\ arrive as bytes (0x03, 0x1A, 0x1C): no signal
/// is raised, so the application decides what they do.
public final class TerminalSession: @unchecked Sendable {
    public let input: Int32
    public let output: Int32
    /// More input read with the terminal's (the touch panel's taps as SGR mouse reports), -1 for none.
    public var auxiliaryInput: Int32 = -1
    public let modes: TerminalModes
    private var original = termios()
    private var active = false
    private var signalSources: [DispatchSourceSignal] = []
    /// Runs after the terminal is restored when SIGTERM or SIGHUP ends the process (e.g. to delete a demo's files).
    public var onSignalExit: (@Sendable () -> Void)?
    /// Written to by the SIGWINCH handler; the event loop polls it.
    public private(set) var resizePipe: (read: Int32, write: Int32) = (-1, -1)

    nonisolated(unsafe) static var current: TerminalSession?

    public init(input: Int32 = 0, output: Int32 = 1, modes: TerminalModes = TerminalModes()) {
        self.input = input
        self.output = output
        self.modes = modes
    }

    /// Whether standard input is a terminal at all.
    public static var isTerminal: Bool { isatty(0) == 1 }

    /// Enters raw mode and the UI modes; installs the handlers that restore the terminal.
    public func start() throws {
        guard tcgetattr(input, &original) == 0 else { throw TerminalError("standard input is not a terminal") }
        var raw = original
        cfmakeraw(&raw)
        raw.c_oflag |= tcflag_t(OPOST | ONLCR)
        guard tcsetattr(input, TCSAFLUSH, &raw) == 0 else { throw TerminalError("cannot switch the terminal to raw mode") }
        active = true
        TerminalSession.current = self
        atexit { TerminalSession.current?.restore() }
        var fds: [Int32] = [0, 0]
        if pipe(&fds) == 0 {
            resizePipe = (fds[0], fds[1])
            _ = fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK)
        }
        for signalNumber in [SIGTERM, SIGHUP, SIGWINCH] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { [weak self] in
                guard let self else { return }
                if signalNumber == SIGWINCH {
                    var byte: UInt8 = 1
                    _ = Glibc.write(self.resizePipe.write, &byte, 1)
                } else {
                    self.restore()
                    self.onSignalExit?()
                    exit(128 + signalNumber)
                }
            }
            source.resume()
            signalSources.append(source)
        }
        installCrashRestore()
        write(modes.enable)
    }

    /// A crash (a Swift trap, a segmentation fault) must not leave the console in raw mode.
    private func installCrashRestore() {
        crashRestoreTermios = original
        crashRestoreFD = input
        crashRestoreSequence = Array(modes.disable.utf8)
        for signalNumber in [SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = crashHandler
            sigemptyset(&action.sa_mask)
            action.sa_flags = 0
            var previous = sigaction()
            if sigaction(signalNumber, &action, &previous) == 0 { previousCrashActions[signalNumber] = previous }
        }
    }

    /// Leaves the UI modes and raw mode. Safe to call twice.
    public func restore() {
        guard active else { return }
        active = false
        write(modes.disable)
        _ = tcsetattr(input, TCSAFLUSH, &original)
    }

    /// The terminal's size in cells.
    public func size() -> (width: Int, height: Int) {
        var size = winsize()
        if ioctl(output, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0, size.ws_row > 0 {
            return (Int(size.ws_col), Int(size.ws_row))
        }
        return (80, 24)
    }

    /// Writes all of `text`.
    public func write(_ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { Glibc.write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }

    /// Waits up to `timeoutMilliseconds` for input or a resize; returns the bytes read (empty on timeout)
    /// and whether the size changed.
    public func read(timeoutMilliseconds: Int32) -> (bytes: [UInt8], resized: Bool, closed: Bool) {
        var fds = [pollfd(fd: input, events: Int16(POLLIN), revents: 0), pollfd(fd: resizePipe.read, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: auxiliaryInput, events: Int16(POLLIN), revents: 0)]
        let ready = poll(&fds, nfds_t(fds.count), timeoutMilliseconds)
        guard ready > 0 else { return ([], false, false) }
        var resized = false
        if fds[1].revents & Int16(POLLIN) != 0 {
            var drain = [UInt8](repeating: 0, count: 64)
            while Glibc.read(resizePipe.read, &drain, drain.count) > 0 {}
            resized = true
        }
        var bytes: [UInt8] = []
        if fds[0].revents & Int16(POLLIN | POLLHUP) != 0 {
            var chunk = [UInt8](repeating: 0, count: 4096)
            let count = Glibc.read(input, &chunk, chunk.count)
            if count <= 0 { return ([], resized, true) }
            bytes = Array(chunk[0..<count])
        }
        if auxiliaryInput >= 0, fds[2].revents & Int16(POLLIN) != 0 {
            var chunk = [UInt8](repeating: 0, count: 1024)
            let count = Glibc.read(auxiliaryInput, &chunk, chunk.count)
            if count > 0 { bytes += chunk[0..<count] }
        }
        return (bytes, resized, false)
    }
}

public struct TerminalError: Error, CustomStringConvertible, Sendable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
