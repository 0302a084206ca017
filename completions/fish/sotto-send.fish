function __sotto-send_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-send_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sotto-send_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-send_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sotto-send_parse_tokens -S
    set -l unparsed_tokens (__sotto-send_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sotto-send'
        __sotto-send_parse_subcommand 0 'file=' 'to=+' 'batch=' 'keep-going' 'mailbox=' 'home=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __sotto-send_parse_subcommand -r 1 'version'
        end
    end
end

function __sotto-send_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sotto-send_parse_subcommand -S -a positional_count
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

function __sotto-send_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sotto-send_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sotto-send_tokens -p)
    if test -z "$(__sotto-send_tokens -t)"
        set -l index (count (__sotto-send_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sotto-send' -f
complete -c 'sotto-send' -n '__sotto-send_should_offer_completions_for_flags_or_options "sotto-send" file' -l 'file' -d 'Send this age file instead of records.' -rF
complete -c 'sotto-send' -n '__sotto-send_should_offer_completions_for_flags_or_options "sotto-send"' -l 'to' -d 'A mailbox address, or a contact, identity or @group whose addresses to deliver to (repeatable; with --file, or for records without "to").' -rfka '(__sotto-send_custom_completion ---completion -- --to (count (__sotto-send_tokens -pc)) (__sotto-send_tokens -tC))'
complete -c 'sotto-send' -n '__sotto-send_should_offer_completions_for_flags_or_options "sotto-send" batch' -l 'batch' -d 'Records per transaction.' -rfka ''
complete -c 'sotto-send' -n '__sotto-send_should_offer_completions_for_flags_or_options "sotto-send" keep-going' -l 'keep-going' -d 'On a bad record, write an error record and go on (the exit status still reports it).'
complete -c 'sotto-send' -n '__sotto-send_should_offer_completions_for_flags_or_options "sotto-send" mailbox' -l 'mailbox' -d 'The mailbox: a SQLite file path, sqlite:PATH or a postgres:// URL (default: $SOTTO_MAILBOX, else mailbox.db in the home).' -rfka ''
complete -c 'sotto-send' -n '__sotto-send_should_offer_completions_for_flags_or_options "sotto-send" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-send_complete_directories)'
complete -c 'sotto-send' -n '__sotto-send_should_offer_completions_for_flags_or_options "sotto-send" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-send' -n '__sotto-send_should_offer_completions_for_flags_or_options "sotto-send" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-send' -n '__sotto-send_should_offer_completions_for_positional "sotto-send" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sotto-send' -n '__sotto-send_should_offer_completions_for_flags_or_options "sotto-send help" version' -l 'version' -d 'Show the version.'
