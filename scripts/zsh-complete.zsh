#!/usr/bin/zsh -f
# What zsh's completion makes of a command line: LINE is typed at an
# interactive zsh (in a pseudo-terminal) with the completions in DIR
# installed, then TAB; prints what the terminal showed, escapes and all,
# once it shows EXPECT (or after 10 seconds).
# Usage: zsh-complete.zsh DIR LINE EXPECT
zmodload zsh/zpty zsh/datetime
zpty z zsh -f -i
zpty -w z "PS1='%% '; fpath=($1 \$fpath); autoload -Uz compinit; compinit -u -D"
zpty -w z "print READY"
while zpty -r z line; do [[ $line == READY* ]] && break; done
zpty -w -n z "$2"$'\t'
shown=''
deadline=$(( EPOCHREALTIME + 10 ))
while (( EPOCHREALTIME < deadline )) && [[ $shown != *"$3"* ]]; do
  zpty -r -t z chunk && shown+=$chunk || sleep 0.1
done
zpty -d z
print -r -- "$shown"
