complete -c sotto -n __fish_use_subcommand -a keygen
complete -c sotto -n __fish_use_subcommand -a seal
complete -c sotto -n __fish_use_subcommand -a open
complete -c sotto -n __fish_use_subcommand -a send
complete -c sotto -n __fish_use_subcommand -a recv
complete -c sotto -n __fish_use_subcommand -a expire
complete -c sotto -n __fish_use_subcommand -a export
complete -c sotto -n __fish_use_subcommand -a erase
