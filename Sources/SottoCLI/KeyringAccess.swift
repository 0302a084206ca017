import ArgumentParser
import SottoCore

/// The options every keyring-using command shares, and how they open it.
public struct KeyringOptions: ParsableArguments {
    @OptionGroup public var home: HomeOptions
    @OptionGroup public var passphrase: PassphraseOptions

    public init() {}

    public func open(create: Bool = false) throws -> Keyring {
        try Keyring(home: home.home, create: create, passphrase: passphrase.source(for: home.home), passphraseOffered: passphrase.isOffered,
                    passphraseTries: passphrase.tries)
    }
}
