import SottoCLI
import SottoCore

/// The keyring's part of an export: identities (with sealed secrets when a
/// key is given), contacts, groups and settings.
struct KeyringExport {
    let keyring: Keyring
    let key: ExportKey?
    let identities: [IdentityInfo]
    let contacts: [ContactInfo]
    let groups: [(name: String, members: [String])]

    init(keyring: Keyring, key: ExportKey?) throws {
        self.keyring = keyring
        self.key = key
        identities = try keyring.identities()
        contacts = try keyring.contacts()
        groups = try keyring.groups()
    }

    var counts: [String: Int] { ["identities": identities.count, "contacts": contacts.count, "groups": groups.count] }

    func write(to out: RecordSink) throws {
        for identity in identities {
            let sealed = try key.map { try ExportSecrets.seal(keyring.secrets(of: identity), identityKey: identity.publicKey, key: $0) }
            try out.record(ExportFormat.identity(identity, rotateEvery: try keyring.rotationInterval(identity.name), secrets: sealed))
        }
        for contact in contacts { try out.record(ExportFormat.contact(contact)) }
        for group in groups { try out.record(ExportFormat.group(name: group.name, members: group.members)) }
        for setting in ExportFormat.settings(try keyring.settings()) { try out.record(setting) }
    }
}
