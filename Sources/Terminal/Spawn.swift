#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs a program to completion with posix_spawn and waitpid: standard input from /dev/null,
/// standard output into a file (or /dev/null), standard error to /dev/null, every signal
/// unblocked and at its default. Used to drive terminals (tmux) from tests and `bench`:
/// Foundation's `Process` waits badly on a client that forks a server, and passes on the
/// caller's blocked signals.
public enum Spawn {
    /// Spawn attributes that give the child every signal unblocked and at its default.
    static func cleanSignalAttributes() -> posix_spawnattr_t {
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        var empty = sigset_t()
        sigemptyset(&empty)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &empty)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        return attributes
    }

    /// Exit status, and what the program printed when `captureOutput` is set.
    @discardableResult
    public static func run(_ path: String, _ arguments: [String], captureOutput: Bool = true) -> (status: Int32, output: String) {
        var template = Array("/tmp/permanence-spawn-XXXXXX".utf8CString)
        let fd = captureOutput ? mkstemp(&template) : -1
        let outputPath = captureOutput ? template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } : "/dev/null"
        if fd >= 0 { close(fd) }
        defer { if captureOutput { unlink(outputPath) } }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
        var attributes = cleanSignalAttributes()
        defer { posix_spawnattr_destroy(&attributes) }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, &actions, &attributes, argv, environ) == 0 else { return (-1, "") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        var output = ""
        if captureOutput, let file = fopen(outputPath, "r") {
            var buffer = [CChar](repeating: 0, count: 4096)
            while fgets(&buffer, Int32(buffer.count), file) != nil { output += buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) } }
            fclose(file)
        }
        return ((status >> 8) & 0xFF, output)
    }

    /// Starts a program in the background (stdin /dev/null, stdout and stderr to `log`), with every signal
    /// unblocked and at its default; returns its pid (0 when it could not start). The caller reaps it.
    public static func start(_ path: String, _ arguments: [String], environment: [String: String], log: String) -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_APPEND, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = cleanSignalAttributes()
        defer { posix_spawnattr_destroy(&attributes) }
        let argv = ([path] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        return posix_spawn(&pid, path, &actions, &attributes, argv, envp) == 0 ? pid : 0
    }
}
