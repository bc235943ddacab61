import Foundation
import GRDB

/// A mediator of the team, as the box knows them: a name (printed on letters, named in the audit log), the hash of their
/// own PIN, and a phone number where the partner can reach them (else the organisation's).
public struct Mediator: Sendable, Equatable {
    public var name: String
    public var pinHash: String
    public var phone: String?
}

extension AppDatabase {
    /// The name the audit log gives to a mediator's action: the mediator on duty (none for the visitor or the system).
    func onDuty(_ actor: String) -> String? { actor == "mediator" ? onDutySlot.value : nil }

    /// The mediator whose PIN opened mediator mode (nil: locked, or opened by the team's shared PIN or the recovery code).
    public var mediatorOnDuty: String? {
        get { onDutySlot.value }
        set { onDutySlot.value = newValue }
    }

    /// Adds a mediator, or gives an existing one a new PIN (and phone, when given); audited without the PIN.
    /// Returns true when the mediator is new.
    @discardableResult
    public func setMediator(name: String, pinHash: String, phone: String? = nil) throws -> Bool {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...60).contains(trimmed.count), !trimmed.contains(where: \.isNewline) else {
            throw StoreError.invalidInput("a mediator's name has 1 to 60 characters on one line")
        }
        let stamp = AppDatabase.timestamp(clock())
        return try writer.write { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM mediator WHERE name = ?)", arguments: [trimmed]) ?? false
            if exists {
                try db.execute(sql: "UPDATE mediator SET pin_hash = ?, phone = COALESCE(?, phone), updated_at = ? WHERE name = ?",
                               arguments: [pinHash, phone, stamp, trimmed])
            } else {
                try db.execute(sql: "INSERT INTO mediator (name, pin_hash, phone, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                               arguments: [trimmed, pinHash, phone, stamp, stamp])
            }
            try Self.appendAudit(db, at: stamp, actor: "system", action: exists ? "mediator_pin_changed" : "mediator_added", subject: nil, detail: nil,
                                 by: trimmed)
            return !exists
        }
    }

    /// Removes a mediator (their PIN no longer opens); audited. False when there was none of that name.
    @discardableResult
    public func removeMediator(name: String) throws -> Bool {
        let stamp = AppDatabase.timestamp(clock())
        return try writer.write { db in
            try db.execute(sql: "DELETE FROM mediator WHERE name = ?", arguments: [name])
            guard db.changesCount == 1 else { return false }
            try Self.appendAudit(db, at: stamp, actor: "system", action: "mediator_removed", subject: nil, detail: nil, by: name)
            return true
        }
    }

    /// The team, by name.
    public func mediators() throws -> [Mediator] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT name, pin_hash, phone FROM mediator ORDER BY name").map {
                Mediator(name: $0["name"], pinHash: $0["pin_hash"], phone: $0["phone"])
            }
        }
    }
}
