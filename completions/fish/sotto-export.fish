function __sotto-export_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-export_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sotto-export_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-export_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sotto-export_parse_tokens -S
    set -l unparsed_tokens (__sotto-export_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sotto-export'
        __sotto-export_parse_subcommand 0 'o/output=' 'secrets' 'decrypt' 'export-passphrase-fd=' 'export-passphrase-file=' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __sotto-export_parse_subcommand -r 1 'version'
        end
    end
end

function __sotto-export_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sotto-export_parse_subcommand -S -a positional_count
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

function __sotto-export_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sotto-export_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sotto-export_tokens -p)
    if test -z "$(__sotto-export_tokens -t)"
        set -l index (count (__sotto-export_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sotto-export' -f
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export" o output' -l 'output' -s 'o' -d 'Write the export to FILE (created with mode 0600; never overwritten).' -rF
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export" secrets' -l 'secrets' -d 'Include the secret keys, sealed under an export passphrase, so the export can be restored.'
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export" decrypt' -l 'decrypt' -d 'Also write the plaintext of each envelope that opens, as a message record.'
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export" export-passphrase-fd' -l 'export-passphrase-fd' -d 'Read the export passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export" export-passphrase-file' -l 'export-passphrase-file' -d 'Read the export passphrase from the first line of FILE.' -rfka ''
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-export_complete_directories)'
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_positional "sotto-export" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sotto-export' -n '__sotto-export_should_offer_completions_for_flags_or_options "sotto-export help" version' -l 'version' -d 'Show the version.'
