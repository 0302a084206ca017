function __sotto-recv_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-recv_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sotto-recv_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-recv_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sotto-recv_parse_tokens -S
    set -l unparsed_tokens (__sotto-recv_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sotto-recv'
        __sotto-recv_parse_subcommand 0 'all' 'since=' 'limit=' 'follow' 'input=' 'output-dir=' 'mailbox=' 'home=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __sotto-recv_parse_subcommand -r 1 'version'
        end
    end
end

function __sotto-recv_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sotto-recv_parse_subcommand -S -a positional_count
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

function __sotto-recv_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sotto-recv_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sotto-recv_tokens -p)
    if test -z "$(__sotto-recv_tokens -t)"
        set -l index (count (__sotto-recv_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sotto-recv' -f
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv" all' -l 'all' -d 'Write every envelope in the inbox that has not expired (after fetching new ones).'
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv" since' -l 'since' -d 'Write inbox envelopes received after this envelope id or RFC 3339 time.' -rfka ''
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv" limit' -l 'limit' -d 'Write at most N envelopes.' -rfka ''
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv" follow' -l 'follow' -d 'Keep running and write envelopes as they arrive, until interrupted.'
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv" input' -l 'input' -d 'Take envelope records from FILE (or - for stdin) instead of a mailbox; an export restores the inbox.' -rF
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv" output-dir' -l 'output-dir' -d 'Write each envelope to DIR/ID.age and name it in the record.' -rfa '(__sotto-recv_complete_directories)'
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv" mailbox' -l 'mailbox' -d 'The mailbox: a SQLite file path, sqlite:PATH or a postgres:// URL (default: $SOTTO_MAILBOX, else mailbox.db in the home).' -rfka ''
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-recv_complete_directories)'
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_positional "sotto-recv" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sotto-recv' -n '__sotto-recv_should_offer_completions_for_flags_or_options "sotto-recv help" version' -l 'version' -d 'Show the version.'
