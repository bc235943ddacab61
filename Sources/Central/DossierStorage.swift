import FollowUp
import Foundation

/// One line of a dossier's history: an event from a box or a change on the dashboard, and what became of it.
public struct DossierEventRow: Sendable, Equatable {
    public var eventID: String
    public var dossier: String
    /// The envelope that carried it (a box's event), nil for a change made on the dashboard.
    public var envelope: String?
    /// `box:ID`, `user:NAME` or `system`.
    public var source: String
    public var receivedAt: String
    /// The box's time (for information).
    public var boxAt: String?
    public var action: String
    /// `applied`, `conflict`, `refused: …`, `erased`.
    public var outcome: String
    /// The event as JSON (what changed).
    public var body: String
    public init(eventID: String, dossier: String, envelope: String?, source: String, receivedAt: String, boxAt: String?, action: String,
                outcome: String, body: String) {
        self.eventID = eventID
        self.dossier = dossier
        self.envelope = envelope
        self.source = source
        self.receivedAt = receivedAt
        self.boxAt = boxAt
        self.action = action
        self.outcome = outcome
        self.body = body
    }
}

/// Where a dossier is when an event comes for it.
public enum DossierPresence: Sendable, Equatable {
    case unknown, present, erased
    /// This event was recorded already (sent twice under two envelopes): nothing to do.
    case alreadyRecorded
}

/// What applying one event writes, in the transaction that read the dossier.
public struct DossierWrite: Sendable {
    /// The dossier's new state, nil to leave it.
    public var dossier: Dossier?
    public var event: DossierEventRow?
    public var conflict: FollowUpConflict?
    /// An audit entry (user, action) for a person's change.
    public var audit: (user: String, action: String)?
    public init(dossier: Dossier? = nil, event: DossierEventRow? = nil, conflict: FollowUpConflict? = nil, audit: (user: String, action: String)? = nil) {
        self.dossier = dossier
        self.event = event
        self.conflict = conflict
        self.audit = audit
    }
}

/// A conflict as stored, with its resolution.
public struct StoredConflict: Sendable, Equatable {
    public var seq: Int64
    public var conflict: FollowUpConflict
    public var resolvedAt: String?
    public var resolvedBy: String?
    public var resolution: String?
}

/// The dossiers' persistence (the central store's; both storages pass the same tests). Dossiers are kept as JSON
/// documents with the columns a pack and a due list select on.
public protocol DossierStorage: Sendable {
    /// Reads the dossier (locked for the transaction), lets `decide` say what to write, writes it: one transaction.
    func applyDossierEvent(dossier: String, eventID: String, _ decide: @escaping @Sendable (Dossier?, DossierPresence) throws -> DossierWrite) async throws -> DossierWrite
    func dossier(id: String) async throws -> Dossier?
    func dossiers(openOnly: Bool) async throws -> [Dossier]
    /// The pack forms (JSON, `Dossier.packView`) of the open dossiers of this commune or last seen at this device, by id.
    func packDossiers(device: String, commune: String?) async throws -> [String]
    /// Open dossiers whose last activity is on or before `day` (candidates for closing by themselves).
    func openDossiers(lastActiveOnOrBefore day: String) async throws -> [Dossier]
    /// Ids of the dossiers erased since `since`, and of those of this commune or device closed since then.
    func removedDossiers(device: String, commune: String?, since: String) async throws -> [String]
    func dossierHistory(id: String) async throws -> [DossierEventRow]
    func dossierConflicts(dossier: String?, unresolvedOnly: Bool) async throws -> [StoredConflict]
    /// Marks a conflict resolved (and audits it); false when it was resolved already or is unknown.
    func resolveConflict(seq: Int64, resolution: String, by: String, at: String) async throws -> Bool
    /// Erases a dossier everywhere: its row, its history and conflicts, the bodies of the envelopes that carried its
    /// events (their ids and fingerprints stay, so that a resend is recognised and never brings it back). Audited.
    func eraseDossier(id: String, by: String, at: String) async throws -> Bool
    /// Follow-up envelopes stored but not yet applied (a failure between storing and applying): applied again in order.
    func unappliedFollowUpEnvelopes(limit: Int) async throws -> [StoredEnvelope]
    /// An envelope's body replaced by nothing (an event of an erased dossier, arriving after the erasure).
    func blankEnvelope(id: String) async throws
}
