/// How wrong mediator codes slow down the next try, so that a visitor pressing keys never shuts the mediator out
/// for long, while guessing a code stays out of reach (pure).
///
/// The first `freeAttempts` wrong codes cost nothing (a mediator mistypes); each further one doubles the wait
/// before the next try, from `firstDelay` up to `maxDelay` (by default 5 s, 10 s, 20 s, 40 s, then 60 s each).
/// A recovery code (20 digits, `kiosk mediator set-recovery`) is accepted even while waiting.
public struct PINPolicy: Sendable, Equatable {
    public var freeAttempts = 3
    public var firstDelay: Double = 5
    public var maxDelay: Double = 60
    /// A code this long or longer is a recovery code, not a PIN (PINs have 4 to 12 digits).
    public static let recoveryLength = 16
    /// The digits of a recovery code that `kiosk mediator set-recovery` makes.
    public static let recoveryDigits = 20

    public init(freeAttempts: Int = 3, firstDelay: Double = 5, maxDelay: Double = 60) {
        self.freeAttempts = freeAttempts
        self.firstDelay = firstDelay
        self.maxDelay = maxDelay
    }

    /// Seconds to wait before the next try after `failures` wrong codes in a row.
    public func delay(afterFailures failures: Int) -> Double {
        guard failures > freeAttempts else { return 0 }
        let doublings = min(failures - freeAttempts - 1, 20)
        return min(maxDelay, firstDelay * Double(1 << doublings))
    }

    /// The most codes that can be tried in `seconds` (each try waits the delay its failures earned).
    public func attemptsPossible(in seconds: Double) -> Int {
        var elapsed = 0.0
        var tries = 0
        while true {
            let wait = delay(afterFailures: tries)
            if elapsed + wait > seconds { return tries }
            elapsed += wait
            tries += 1
        }
    }
}
