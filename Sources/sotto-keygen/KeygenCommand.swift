import ArgumentParser
import SottoCLI

@main
struct KeygenCommand: SottoMain {
    static let configuration = CommandConfiguration(
        commandName: "sotto-keygen",
        abstract: "Manage identities, contacts, groups and keys.",
        discussion: discussion("""
            Records go to stdout as JSON Lines (identity, contact, group, card). The keyring lives in \
            $SOTTO_HOME; its secrets are encrypted under a key derived from the passphrase with Argon2id.

            A first session:
              sotto-keygen new alice            # asks for a new passphrase
              sotto-keygen card > alice.card    # give this to your contacts
              sotto-keygen import bob.card      # add a contact from their card
              sotto-keygen fingerprint bob      # compare the safety number in person
              sotto-keygen verify bob
            """),
        version: sottoVersion,
        subcommands: [
            New.self, List.self, Card.self, Import.self, Fingerprint.self, Verify.self, Rotate.self, Revoke.self, Passwd.self, Unlock.self, Lock.self,
            Group.self, Rename.self, Remove.self, Block.self, Unblock.self, Default.self, AgeRecipient.self, AgeIdentity.self,
        ])
}
