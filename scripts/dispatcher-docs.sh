#!/bin/sh
# Writes the `sotto` dispatcher's man page or completion script, from the
# same command list as its --help (the dispatcher has no option parser).
set -eu
commands="keygen seal open send recv expire export erase"
case "${1:-}" in
man)
  cat <<'MAN'
.TH "SOTTO" "1" "2026-11-25" "sotto" "General Commands Manual"
.SH NAME
sotto \- run a sotto command
.SH SYNOPSIS
.B sotto
.I command
.RI [ arguments ...]
.SH DESCRIPTION
.B sotto
runs
.BI sotto- command
with the remaining arguments, found beside the
.B sotto
executable first and then on
.BR PATH .
Each command is also its own executable.
.SH COMMANDS
.TP
.B keygen
identities, contacts, groups, fingerprints, rotation, passphrase, age interop
.TP
.B seal
encrypt and sign messages or files; age-compatible envelopes
.TP
.B open
decrypt envelopes and age files, verify the sender, refuse expired messages
.TP
.B send
deliver envelopes to each recipient's mailbox
.TP
.B recv
fetch my envelopes from the mailbox into the local inbox
.TP
.B expire
delete expired envelopes and destroy retired keys
.TP
.B export
write everything this home holds as JSON Lines
.TP
.B erase
remove data for good and verify that it is gone
.SH EXIT STATUS
The command's own; 64 for an unknown command, 69 when the command cannot be found.
.SH SEE ALSO
.BR sotto-keygen (1),
.BR sotto-seal (1),
.BR sotto-open (1)
MAN
  ;;
bash)
  printf '_sotto() {\n  if [ "$COMP_CWORD" -eq 1 ]; then\n    COMPREPLY=($(compgen -W "%s --help --version" -- "${COMP_WORDS[1]}"))\n  else\n    local cmd="sotto-${COMP_WORDS[1]}"\n    if declare -F "_$cmd" >/dev/null; then COMP_WORDS=("$cmd" "${COMP_WORDS[@]:2}"); COMP_CWORD=$((COMP_CWORD - 1)); "_$cmd"; fi\n  fi\n}\ncomplete -F _sotto sotto\n' "$commands" ;;
zsh)
  printf '#compdef sotto\n_arguments "1:command:(%s)" "*::arguments:_normal"\n' "$commands" ;;
fish)
  for c in $commands; do printf "complete -c sotto -n __fish_use_subcommand -a %s\n" "$c"; done ;;
*) echo "usage: $0 man|bash|zsh|fish" >&2; exit 64 ;;
esac
