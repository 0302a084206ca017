#!/bin/sh
# Writes the `sotto` dispatcher's man page or completion script from the
# command list its --help prints (the dispatcher has no option parser).
# Usage: dispatcher-docs.sh man|bash|zsh|fish PATH-TO-SOTTO
set -eu
sotto=${2:?usage: $0 man|bash|zsh|fish PATH-TO-SOTTO}
# "  name     job" lines between "COMMANDS:" and the next blank line.
listing=$("$sotto" --help | sed -n '/^COMMANDS:/,/^$/p' | sed -n 's/^  \([a-z]*\)  *\(.*\)$/\1\t\2/p')
commands=$(printf '%s\n' "$listing" | cut -f1 | tr '\n' ' ' | sed 's/ $//')
[ -n "$commands" ] || { echo "$0: no commands in $sotto --help" >&2; exit 1; }
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
MAN
  printf '%s\n' "$listing" | while IFS="$(printf '\t')" read -r name job; do printf '.TP\n.B %s\n%s\n' "$name" "$job"; done
  cat <<'MAN'
.SH EXIT STATUS
The command's own; 64 for an unknown command, 69 when the command cannot be found.
.SH SEE ALSO
MAN
  printf '%s\n' "$listing" | cut -f1 | sed 's/^/.BR sotto-/; s/$/ (1),/; $s/,$//'
  ;;
bash)
  # The word after `sotto` picks sotto-NAME's own completion (loaded on demand by
  # bash-completion), handed the line as if sotto-NAME had been typed.
  printf '_sotto() {\n  local commands="%s"\n' "$commands"
  cat <<'BASH'
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "$commands help --help --version" -- "$2"))
    return
  fi
  if [ "${COMP_WORDS[1]}" = help ]; then
    [ "$COMP_CWORD" -eq 2 ] && COMPREPLY=($(compgen -W "$commands" -- "$2"))
    return
  fi
  local cmd="sotto-${COMP_WORDS[1]}"
  declare -F "_$cmd" >/dev/null || { declare -F __load_completion >/dev/null && __load_completion "$cmd"; }
  declare -F "_$cmd" >/dev/null || return
  local rest="${COMP_LINE#"${COMP_WORDS[0]}"}"
  rest="${rest#"${rest%%[![:space:]]*}"}"
  rest="${rest#"${COMP_WORDS[1]}"}"
  local line="$cmd$rest"
  local prev="$3"
  [ "$COMP_CWORD" -eq 2 ] && prev="$cmd"
  COMP_POINT=$((COMP_POINT - ${#COMP_LINE} + ${#line}))
  COMP_LINE="$line"
  COMP_WORDS=("$cmd" "${COMP_WORDS[@]:2}")
  COMP_CWORD=$((COMP_CWORD - 1))
  "_$cmd" "$cmd" "$2" "$prev"
}
complete -F _sotto sotto
BASH
  ;;
zsh)
  # After the command word, the line is completed as sotto-NAME's own.
  printf '#compdef sotto\nlocal state\nlocal -a commands=(%s)\n' "$commands"
  cat <<'ZSH'
_arguments -C "1:command:($commands help)" "*::arguments:->arguments"
[[ $state == arguments ]] || return
if [[ $words[1] == help ]]; then
  (( CURRENT == 2 )) && compadd -a commands
  return
fi
words[1]="sotto-$words[1]"
_normal
ZSH
  ;;
fish)
  for c in $commands; do printf "complete -c sotto -n __fish_use_subcommand -a %s\n" "$c"; done ;;
*) echo "usage: $0 man|bash|zsh|fish" >&2; exit 64 ;;
esac
