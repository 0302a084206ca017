function __sotto-open_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-open_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sotto-open_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-open_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sotto-open_parse_tokens -S
    set -l unparsed_tokens (__sotto-open_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sotto-open'
        __sotto-open_parse_subcommand 1 'i/identity=+' 'raw' 'o/output=' 'require-known' 'require-verified' 'from=+' 'keep-going' 'inspect' 'home=' 'passphrase-fd=' 'passphrase-file=' 'age-passphrase-fd=' 'age-passphrase-file=' 'json' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __sotto-open_parse_subcommand -r 1 'version'
        end
    end
end

function __sotto-open_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sotto-open_parse_subcommand -S -a positional_count
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

function __sotto-open_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sotto-open_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sotto-open_tokens -p)
    if test -z "$(__sotto-open_tokens -t)"
        set -l index (count (__sotto-open_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sotto-open' -f
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_positional "sotto-open" -eq 1' -F
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open"' -l 'identity' -s 'i' -d 'An age identity file: AGE-SECRET-KEY-1... or AGE-SECRET-KEY-PQ-1... lines, # comments (repeatable).' -rF
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" raw' -l 'raw' -d 'Write the body alone to stdout.'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" o output' -l 'output' -s 'o' -d 'Write the body to this file (created; never overwritten; - for stdout).' -rF
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" require-known' -l 'require-known' -d 'Refuse messages whose sender is not a contact.'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" require-verified' -l 'require-verified' -d 'Refuse messages whose sender is not a contact whose safety number you verified.'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open"' -l 'from' -d 'Accept messages from this contact or identity only; refuse anyone else (repeatable).' -rfka '(__sotto-open_custom_completion ---completion -- --from (count (__sotto-open_tokens -pc)) (__sotto-open_tokens -tC))'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" keep-going' -l 'keep-going' -d 'On a bad record, write an error record and go on (the exit status still reports it).'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" inspect' -l 'inspect' -d 'Decrypt nothing: describe each envelope as anyone can see it, without a key.'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-open_complete_directories)'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" age-passphrase-fd' -l 'age-passphrase-fd' -d 'Read the passphrase of age -p files from file descriptor N.' -rfka ''
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" age-passphrase-file' -l 'age-passphrase-file' -d 'Read the passphrase of age -p files from the first line of FILE.' -rF
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" json' -l 'json' -d 'Write JSON records even when stdout is a terminal.'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_positional "sotto-open" -eq 2' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sotto-open' -n '__sotto-open_should_offer_completions_for_flags_or_options "sotto-open help" version' -l 'version' -d 'Show the version.'
