function __sotto-seal_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-seal_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __sotto-seal_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __sotto-seal_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __sotto-seal_parse_tokens -S
    set -l unparsed_tokens (__sotto-seal_tokens -pc)
    switch $unparsed_tokens[1]
    case 'sotto-seal'
        __sotto-seal_parse_subcommand 0 'r/to=+' 'R=+' 'file=' 'raw' 'o/output=' 'a/armor' 'as=' 'anonymous' 'no-self' 'require-pq' 'ttl=' 'ttl-after-read=' 'thread=' 'content-type=' 'keep-going' 'home=' 'passphrase-fd=' 'passphrase-file=' 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'help'
            __sotto-seal_parse_subcommand -r 1 'version'
        end
    end
end

function __sotto-seal_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __sotto-seal_parse_subcommand -S -a positional_count
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

function __sotto-seal_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __sotto-seal_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__sotto-seal_tokens -p)
    if test -z "$(__sotto-seal_tokens -t)"
        set -l index (count (__sotto-seal_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'sotto-seal' -f
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal"' -s 'r' -l 'to' -d 'A recipient: contact, @group, identity or age1... key (repeatable).' -rfka '(__sotto-seal_custom_completion ---completion -- --to (count (__sotto-seal_tokens -pc)) (__sotto-seal_tokens -tC))'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal"' -s 'R' -d 'A file of age1... recipients, one per line (repeatable).' -rF
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" file' -l 'file' -d 'Seal this file\'s bytes to an age file.' -rF
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" raw' -l 'raw' -d 'Seal the raw bytes of stdin to an age file.'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" o output' -l 'output' -s 'o' -d 'Write the age file here (created; never overwritten; - for stdout).' -rF
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" a armor' -l 'armor' -s 'a' -d 'Write age\'s ASCII armor.'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" as' -l 'as' -d 'The sending identity (default: the default identity).' -rfka '(__sotto-seal_custom_completion ---completion -- --as (count (__sotto-seal_tokens -pc)) (__sotto-seal_tokens -tC))'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" anonymous' -l 'anonymous' -d 'Write a plain age file with no sender and no signature.'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" no-self' -l 'no-self' -d 'Do not seal a copy to the sender\'s own key.'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" require-pq' -l 'require-pq' -d 'Refuse (1) rather than seal with X25519 alone when a recipient has no post-quantum key.'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" ttl' -l 'ttl' -d 'Time to live: 30s, 15m, 2h, 7d, 2w or never.' -rfka ''
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" ttl-after-read' -l 'ttl-after-read' -d 'Disappear this long after the recipient first opens it (signed messages).' -rfka ''
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" thread' -l 'thread' -d 'Thread name: of the raw bytes, and of records that name none.' -rfka ''
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" content-type' -l 'content-type' -d 'Content type: of the raw bytes, and of records that name none.' -rfka ''
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" keep-going' -l 'keep-going' -d 'On a bad record, write an error record and go on (the exit status still reports it).'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" home' -l 'home' -d 'The sotto home directory (default: $SOTTO_HOME).' -rfa '(__sotto-seal_complete_directories)'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" passphrase-fd' -l 'passphrase-fd' -d 'Read the passphrase from file descriptor N.' -rfka ''
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" passphrase-file' -l 'passphrase-file' -d 'Read the passphrase from the first line of FILE.' -rF
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" version' -l 'version' -d 'Show the version.'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_positional "sotto-seal" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'sotto-seal' -n '__sotto-seal_should_offer_completions_for_flags_or_options "sotto-seal help" version' -l 'version' -d 'Show the version.'
