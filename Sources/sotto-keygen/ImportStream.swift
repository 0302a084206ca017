import SottoCLI
import SottoCore

/// What `sotto-keygen import` reads: card lines, or an export stream whose
/// identities, contacts, groups and settings are restored (its manifest,
/// envelopes and messages are passed over; sotto-recv --input takes those).
struct ImportStream {
    struct Identity {
        var card: SottoCore.Card
        var secrets: Fields
        var isDefault: Bool
        var defaultTTL: Int64??
        var createdAt: Int64?
        var rotateEvery: Int64?
        var revocation: Revocation?
    }

    struct Contact {
        var name: String
        var kind: ContactInfo.Kind
        var verified: Bool
        var blocked: Bool
        var revocation: Revocation?
    }

    /// Whether what is restored needs the export's authentication: secrets
    /// do, and so does a manifest that says the export has it.
    var needsAuthentication: Bool { !identities.isEmpty || claimsAuthentication || authentication != nil }

    var cards = [SottoCore.Card]()
    var revocations = [Revocation]()
    var identities = [Identity]()
    var contacts = [Contact]()
    var groups = [(name: String, members: [String])]()
    var settings = [(name: String, value: String, line: Int)]()
    /// True once a record only an export holds was seen.
    var isExport = false
    /// Whether the manifest says the export ends with an authentication record.
    var claimsAuthentication = false
    /// The hash of every line before the authentication record, and that record.
    let transcript = ExportTranscript()
    var authentication: Fields?

    init(_ reader: RecordReader) throws {
        var seen = 0, manifest = false
        while let fields = try reader.next() {
            seen += 1
            guard authentication == nil else {
                throw SottoError(.malformed, "line \(fields.line): a record after the export's authentication record",
                                 hints: ["records were added to the export after it was written"])
            }
            let type = try fields.optionalString("type")
            if type == ExportAuthentication.recordType {
                authentication = fields
                continue
            }
            transcript.absorb(reader.lastLine)
            if type != "card", let type, ExportFormat.otherRecordTypes.contains(type) || type == "envelope" { isExport = true }
            switch type {
            case "manifest":
                manifest = true
                claimsAuthentication = try ExportFormat.checkManifest(fields) || claimsAuthentication
            case "envelope", "message": continue
            case "identity": identities.append(try Self.identity(fields))
            case "contact": contacts.append(try Self.contact(fields))
            case "group": groups.append((try fields.string("name"), try fields.strings("members") ?? []))
            case "setting": settings.append((try fields.string("name"), try fields.string("value"), fields.line))
            case Revocation.recordType: revocations.append(try Self.revocation(fields))
            default: cards.append(try SottoCore.Card(fields: fields))
            }
        }
        // Envelope or message records alone (a file meant for sotto-recv or sotto-open) import
        // nothing: say so rather than succeed.
        if seen > 0, !manifest, cards.isEmpty, revocations.isEmpty, identities.isEmpty, contacts.isEmpty, groups.isEmpty, settings.isEmpty {
            throw SottoError(.malformed, "nothing to import: the input holds envelope or message records, not cards or an export",
                             hints: ["envelopes go to sotto-recv --input FILE (or sotto-open to read them); import takes cards and exports"])
        }
    }

    static func card(_ fields: Fields) throws -> SottoCore.Card {
        guard let object = try fields.object("card") else { throw fields.badField("card", "is missing") }
        let card = try SottoCore.Card(fields: object)
        do { try card.verify() } catch let error as SottoError { throw SottoError(error.kind, "line \(fields.line): \(error.message)") }
        return card
    }

    static func revocation(_ fields: Fields) throws -> Revocation {
        let revocation = try Revocation(fields: fields)
        do { try revocation.verify() } catch let error as SottoError { throw SottoError(error.kind, "line \(fields.line): \(error.message)") }
        return revocation
    }

    static func identity(_ fields: Fields) throws -> Identity {
        let name = try fields.string("name")
        guard let secrets = try fields.object("secrets") else {
            throw SottoError(.malformed, "line \(fields.line): field \"secrets\" is missing: the identity '\(name)' cannot be restored from its public card",
                             hints: ["export with `sotto-export --secrets` to take identities along"])
        }
        let card = try card(fields)
        guard card.name == name else { throw fields.badField("name", "differs from the name in its card") }
        let ttl: Int64?? = try fields.optionalString("default_ttl").map { try Time.duration($0) }
        let every = try fields.optionalString("rotate_every").flatMap { try Time.duration($0) }
        return Identity(card: card, secrets: secrets, isDefault: try fields.bool("default") ?? false, defaultTTL: ttl,
                        createdAt: try fields.time("created_at"), rotateEvery: every,
                        revocation: try fields.object("revocation").map(revocation))
    }

    static func contact(_ fields: Fields) throws -> Contact {
        let kind: ContactInfo.Kind
        switch try fields.string("kind") {
        case "sotto": kind = .sotto(try card(fields))
        case "age": kind = .age(try RecipientKey(parsing: try fields.string("age_recipient")))
        default: throw fields.badField("kind", "must be \"sotto\" or \"age\"")
        }
        return Contact(name: try fields.string("name"), kind: kind, verified: try fields.bool("verified") ?? false,
                       blocked: try fields.bool("blocked") ?? false, revocation: try fields.object("revocation").map(revocation))
    }
}
