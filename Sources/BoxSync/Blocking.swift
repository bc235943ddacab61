import Foundation

/// The result slot `blockingRun` waits on.
private final class ResultSlot<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// Runs async work from synchronous code (a command-line front end, the terminal loop, `bench`) and waits
/// for its result. Never call it from inside an async context.
public func blockingRun<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
    let slot = ResultSlot<T>()
    let done = DispatchSemaphore(value: 0)
    Task.detached {
        do { slot.result = .success(try await work()) } catch { slot.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try slot.result!.get()
}
