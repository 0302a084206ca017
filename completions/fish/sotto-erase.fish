function __sotto-erase_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-erase_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sotto-erase_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-erase_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sotto-erase_parse_tokens -S
    set -l unparsed_tokens (__sotto-erase_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sotto-erase'
        __sotto-erase_parse_subcommand 0 'message=+' 'contact=' 'thread=' 'before=' 'identity=' 'all' 'pending' 'dry-run' 'yes' 'mailbox=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __sotto-erase_parse_subcommand -r 1 'version'
        end
    end
end

function __sotto-erase_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sotto-erase_parse_subcommand -S -a positional_count
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

function __sotto-erase_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sotto-erase_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sotto-erase_tokens -p)
    if test -z "$(__sotto-erase_tokens -t)"
        set -l index (count (__sotto-erase_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sotto-erase' -f
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase"' -l 'message' -d 'An envelope or message id (repeatable; - reads records on stdin).' -rfka ''
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" contact' -l 'contact' -d 'A contact: their messages and their card.' -rfka ''
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" thread' -l 'thread' -d 'Messages of this thread.' -rfka ''
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" before' -l 'before' -d 'Messages received before this RFC 3339 time.' -rfka ''
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" identity' -l 'identity' -d 'An identity: all its secret keys (crypto-shredding) and its messages.' -rfka ''
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" all' -l 'all' -d 'Everything in the home.'
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" pending' -l 'pending' -d 'Also remove my pending envelopes from the mailbox.'
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" dry-run' -l 'dry-run' -d 'Show what would be erased; change nothing.'
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" yes' -l 'yes' -d 'Do not ask for confirmation.'
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" mailbox' -l 'mailbox' -d 'The mailbox: a SQLite file path, sqlite:PATH or a postgres:// URL (default: $SOTTO_MAILBOX, else mailbox.db in the home).' -rfka ''
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-erase_complete_directories)'
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_positional "sotto-erase" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sotto-erase' -n '__sotto-erase_should_offer_completions_for_flags_or_options "sotto-erase help" version' -l 'version' -d 'Show the version.'
