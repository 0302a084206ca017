# Tidies a page that swift-argument-parser's generate-manual wrote, so that
# `man --warnings` is silent and the page reads as a Unix manual:
# - the ENVIRONMENT and EXIT STATUS tables of the --help text leave the
#   DESCRIPTION for sections of their own (a page without the exit table,
#   a subcommand's, gets the one in the file `exits`);
# - blank lines in the DESCRIPTION become paragraph breaks, and indented
#   lines (record shapes, examples) literal displays;
# - SYNOPSIS names a subcommand only where the command has some (subcommands=1);
# - SEE ALSO drops the .help pages that are never installed and names `see`
#   ("page section" pairs, comma-separated).
# Usage: awk -v subcommands=0|1 -v exits=FILE -v see="sotto 1,sotto-seal 1" -f tidy-man.awk PAGE
function flush_block() {
    if (block == "") return
    text[block] = body
    block = ""
    body = ""
}
function literal(title, lines) {
    print ".Sh " title
    print ".Bd -literal"
    printf "%s", lines
    print ".Ed"
}
function see_also(   n, i, items, parts) {
    n = split(see, items, ",")
    for (i = 1; i <= n; i++) {
        sub(/^ +/, "", items[i])
        split(items[i], parts, " ")
        xr[++count] = parts[1] " " parts[2]
    }
    print ".Sh SEE ALSO"
    for (i = 1; i <= count; i++) print ".Xr " xr[i] (i < count ? " ," : "")
}
BEGIN {
    if (exits != "") {
        while ((getline line < exits) > 0) standard_exits = standard_exits line "\n"
        close(exits)
    }
}
/^\.Sh SYNOPSIS$/ { section = "synopsis"; print; next }
/^\.Sh DESCRIPTION$/ { section = "description"; print; next }
/^\.Sh "EXIT STATUS"$/ {
    flush_block()
    section = "exit"
    if ("ENVIRONMENT" in text) literal("ENVIRONMENT", text["ENVIRONMENT"])
    literal("EXIT STATUS", ("EXIT STATUS" in text) ? text["EXIT STATUS"] : standard_exits)
    next
}
/^\.Sh "SEE ALSO"$/ { section = "see"; next }
section == "exit" && /^\.Ex -std$/ { next }
section == "see" {
    if ($0 ~ /^\.Xr / && $2 !~ /\.help$/) xr[++count] = $2 " " $3
    next
}
section == "synopsis" && /^\.Ar subcommand$/ && !subcommands { next }
section == "description" {
    if (block != "") {
        if ($0 == "" || $0 ~ /^\./) flush_block()
        else { body = body $0 "\n"; next }
    }
    indented = ($0 ~ /^  /)
    if (display && !indented) { print ".Ed"; display = 0 }
    if ($0 == "ENVIRONMENT" || $0 == "EXIT STATUS") { block = $0; body = ""; paragraph = 0; next }
    if ($0 == "") { paragraph = started; next }
    if ($0 ~ /^\./) { section = ""; paragraph = 0; print; next }
    if (paragraph) print ".Pp"
    paragraph = 0
    started = 1
    if (indented && !display) { print ".Bd -literal"; display = 1 }
    print
    next
}
{ print }
END { see_also() }
