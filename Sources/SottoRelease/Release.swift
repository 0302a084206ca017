/// What this release is, for every program that prints it: the version,
/// and the commands with their jobs (each its own executable, `sotto-NAME`).
/// Package.swift lists the same commands to build them; a test keeps the two equal.
public enum Release {
    public static let version = "0.3.0"

    public static let commands: [(name: String, job: String)] = [
        ("keygen", "identities, contacts, groups, fingerprints, rotation, passphrase, age interop"),
        ("seal", "encrypt and sign messages or files; age-compatible envelopes"),
        ("open", "decrypt envelopes and age files, verify the sender, refuse expired messages"),
        ("send", "deliver envelopes to each recipient's mailbox"),
        ("recv", "fetch my envelopes from the mailbox into the local inbox"),
        ("expire", "delete expired envelopes and destroy retired keys"),
        ("export", "write everything this home holds as JSON Lines"),
        ("erase", "remove data for good and verify that it is gone"),
    ]
}
