function __sotto-keygen_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-keygen_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sotto-keygen_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-keygen_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sotto-keygen_parse_tokens -S
    set -l unparsed_tokens (__sotto-keygen_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sotto-keygen'
        __sotto-keygen_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'new'
            __sotto-keygen_parse_subcommand 1 'no-passphrase' 'ttl=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'list'
            __sotto-keygen_parse_subcommand 0 'home=' 'passphrase-fd=' 'passphrase-file=' 'json' 'version' 'h/help'
        case 'card'
            __sotto-keygen_parse_subcommand 1 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'import'
            __sotto-keygen_parse_subcommand 1 'name=' 'no-passphrase' 'export-passphrase-fd=' 'export-passphrase-file=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'fingerprint'
            __sotto-keygen_parse_subcommand 1 'identity=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'json' 'version' 'h/help'
        case 'verify'
            __sotto-keygen_parse_subcommand 1 'safety-number=' 'identity=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'rotate'
            __sotto-keygen_parse_subcommand 1 'every=' 'retain=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'revoke'
            __sotto-keygen_parse_subcommand 1 'o/output=' 'yes' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'passwd'
            __sotto-keygen_parse_subcommand 0 'no-passphrase' 'new-passphrase-fd=' 'new-passphrase-file=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'unlock'
            __sotto-keygen_parse_subcommand 0 'for=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'lock'
            __sotto-keygen_parse_subcommand 0 'home=' 'version' 'h/help'
        case 'group'
            __sotto-keygen_parse_subcommand -r 2 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'rename'
            __sotto-keygen_parse_subcommand 2 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'remove'
            __sotto-keygen_parse_subcommand 1 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'block'
            __sotto-keygen_parse_subcommand 1 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'unblock'
            __sotto-keygen_parse_subcommand 1 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'default'
            __sotto-keygen_parse_subcommand 1 'ttl=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'age-recipient'
            __sotto-keygen_parse_subcommand 1 'pq' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'age-identity'
            __sotto-keygen_parse_subcommand 1 'pq' 'o/output=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        case 'help'
            __sotto-keygen_parse_subcommand -r 1 'version'
        end
    end
end

function __sotto-keygen_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sotto-keygen_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __sotto-keygen_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sotto-keygen_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sotto-keygen_tokens -p)
    if test -z "$(__sotto-keygen_tokens -t)"
        set -l index (count (__sotto-keygen_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sotto-keygen' -f
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'new' -d 'Create an identity: identity key, first encryption keys (post-quantum and X25519), mailbox address.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'list' -d 'List identities, contacts and groups.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'card' -d 'Print an identity\'s public card, one self-signed JSON line.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'import' -d 'Add contacts from cards or a bare age recipient, or restore an export.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'fingerprint' -d 'Show the safety number of you and a contact.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'verify' -d 'Mark a contact verified after comparing safety numbers.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'rotate' -d 'Make a new certified encryption key; older ones stay for opening.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'revoke' -d 'Revoke an identity whose key was lost or stolen: it signs nothing more.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'passwd' -d 'Change or add the keyring passphrase.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'unlock' -d 'Keep the keyring unlocked for a while, so commands do not ask for the passphrase.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'lock' -d 'Forget the key `sotto-keygen unlock` kept: commands ask for the passphrase again.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'group' -d 'Define a named set of recipients, used as @NAME.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'rename' -d 'Give a contact or a group another name.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'remove' -d 'Remove a contact from the keyring; their messages stay.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'block' -d 'Block a contact: their messages are dropped by sotto-open.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'unblock' -d 'Unblock a contact.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'default' -d 'Make an identity the default, or set its default TTL.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'age-recipient' -d 'Print an identity\'s current encryption key as an age1... recipient.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'age-identity' -d 'Export the current encryption secret as an AGE-SECRET-KEY-1... file.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen new" no-passphrase' -l 'no-passphrase' -d 'Store the keyring without a passphrase (protected by file permissions only).'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen new" ttl' -l 'ttl' -d 'Default time to live of messages this identity seals (e.g. 7d, 12h, never).' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen new" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen new" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen new" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen new" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen new" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen list" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen list" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen list" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen list" json' -l 'json' -d 'Write JSON records even when stdout is a terminal.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen list" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen card" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen card" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen card" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen card" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen card" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen import" name' -l 'name' -d 'The petname to give the contact.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen import" no-passphrase' -l 'no-passphrase' -d 'When restoring identities into an empty home, store the keyring without a passphrase.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen import" export-passphrase-fd' -l 'export-passphrase-fd' -d 'Read the export passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen import" export-passphrase-file' -l 'export-passphrase-file' -d 'Read the export passphrase from the first line of FILE.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen import" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen import" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen import" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen import" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen fingerprint" -eq 1' -fka '(__sotto-keygen_custom_completion ---completion fingerprint -- positional@0 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen fingerprint" identity' -l 'identity' -d 'Your identity (default: the default identity).' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen fingerprint" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen fingerprint" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen fingerprint" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen fingerprint" json' -l 'json' -d 'Write JSON records even when stdout is a terminal.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen fingerprint" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen fingerprint" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen verify" -eq 1' -fka '(__sotto-keygen_custom_completion ---completion verify -- positional@0 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen verify" safety-number' -l 'safety-number' -d 'The number the contact read to you.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen verify" identity' -l 'identity' -d 'Your identity (default: the default identity).' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen verify" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen verify" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen verify" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen verify" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen verify" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen rotate" -eq 1' -fka '(__sotto-keygen_custom_completion ---completion rotate -- positional@0 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rotate" every' -l 'every' -d 'Rotate on this schedule from now on, applied by sotto-expire: 1d to 366d, or never.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rotate" retain' -l 'retain' -d 'Keep retired secrets this long before sotto-expire destroys them (whole keyring): 1h to 366d.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rotate" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rotate" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rotate" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rotate" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rotate" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen revoke" -eq 1' -fka '(__sotto-keygen_custom_completion ---completion revoke -- positional@0 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen revoke" o output' -l 'output' -s 'o' -d 'Write the revocation to FILE (never overwritten).' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen revoke" yes' -l 'yes' -d 'Revoke: the revocation cannot be undone.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen revoke" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen revoke" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen revoke" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen revoke" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen revoke" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen passwd" no-passphrase' -l 'no-passphrase' -d 'Remove the passphrase (the keyring is then protected by file permissions only).'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen passwd" new-passphrase-fd' -l 'new-passphrase-fd' -d 'Read the new passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen passwd" new-passphrase-file' -l 'new-passphrase-file' -d 'Read the new passphrase from FILE.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen passwd" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen passwd" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen passwd" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen passwd" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen passwd" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unlock" for' -l 'for' -d 'How long (e.g. 15m, 2h; at most 24h).' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unlock" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unlock" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unlock" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unlock" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unlock" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen lock" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen lock" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen lock" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen group" -ge 1' -fka '(__sotto-keygen_custom_completion ---completion group -- positional@1 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen group" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen group" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen group" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen group" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen group" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen rename" -eq 1' -fka '(__sotto-keygen_custom_completion ---completion rename -- positional@0 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rename" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rename" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rename" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rename" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen rename" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen remove" -eq 1' -fka '(__sotto-keygen_custom_completion ---completion remove -- positional@0 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen remove" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen remove" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen remove" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen remove" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen remove" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen block" -eq 1' -fka '(__sotto-keygen_custom_completion ---completion block -- positional@0 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen block" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen block" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen block" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen block" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen block" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen unblock" -eq 1' -fka '(__sotto-keygen_custom_completion ---completion unblock -- positional@0 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unblock" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unblock" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unblock" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unblock" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen unblock" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen default" ttl' -l 'ttl' -d 'Also set its default time to live (e.g. 7d, never).' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen default" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen default" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen default" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen default" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen default" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen age-recipient" -eq 1' -fka '(__sotto-keygen_custom_completion ---completion age-recipient -- positional@0 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-recipient" pq' -l 'pq' -d 'The post-quantum key, as an age1pq1... recipient (age 1.3 or later).'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-recipient" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-recipient" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-recipient" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-recipient" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-recipient" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_positional "sotto-keygen age-identity" -eq 1' -fka '(__sotto-keygen_custom_completion ---completion age-identity -- positional@0 (count (__sotto-keygen_tokens -pc)) (__sotto-keygen_tokens -tC))'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-identity" pq' -l 'pq' -d 'The post-quantum secret, as an AGE-SECRET-KEY-PQ-1... line (age 1.3 or later).'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-identity" o output' -l 'output' -s 'o' -d 'The file to create (- for stdout when it is not a terminal).' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-identity" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-keygen_complete_directories)'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-identity" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-identity" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-identity" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen age-identity" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-keygen' -n '__sotto-keygen_should_offer_completions_for_flags_or_options "sotto-keygen help" version' -l 'version' -d 'Show the version.'
