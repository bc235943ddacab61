import Foundation
import Intake

/// Reads and writes the store's timestamps (and any ISO 8601 date-time) where a date formatter was used.
public struct StampReader: Sendable {
    public init() {}
    public func date(from text: String) -> Date? { ParisTime.parse(text) }
    public func string(from date: Date) -> String { ParisTime.timestamp(date) }
}
