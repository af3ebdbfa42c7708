#!/usr/bin/env bash
# findings_doc.sh - docs/findings.md is the output of `mxdane check
# --list-findings`, made from the findings table in the code: the two
# cannot drift. To accept a deliberate change of the table:
#   build/mxdane check --list-findings > docs/findings.md
# Also: every code is kebab-case and listed once, with a severity, a fix
# and a reference line, and the option is in the check man page.
. "$TOP/tests/lib.sh"

doc=$TOP/docs/findings.md
t_cmd "--list-findings exits 0" 0 "$MXDANE" check --list-findings
cp "$OUT" "$T/list"
if diff -u "$doc" "$T/list" > "$T/diff"; then
	ok "docs/findings.md equals check --list-findings"
else
	not_ok "docs/findings.md differs from check --list-findings"
	diag "$T/diff"
fi
sed -n 's/^## //p' "$T/list" > "$T/codes"
t_eq "codes are kebab-case" "$(grep -Evc '^[a-z0-9]+(-[a-z0-9]+)*$' \
    "$T/codes")" 0
t_eq "no code twice" "$(sort "$T/codes" | uniq -d | head -n 1)" ""
t_eq "each code has a severity line" "$(grep -c '^- severity: \(info\|warning\|critical\)$' \
    "$T/list")" "$(wc -l < "$T/codes" | tr -d ' ')"
t_eq "each code has a fix" "$(grep -c '^- fix: .' "$T/list")" \
    "$(wc -l < "$T/codes" | tr -d ' ')"
t_grep "the man page names the option" '^\*--list-findings\*' \
    "$TOP/docs/mxdane-check.1.scd"
t_cmd "--list-findings with a domain still only lists" 0 "$MXDANE" check \
    --list-findings example.test
t_grep "... the table" '^# mxdane check findings' "$OUT"
t_done
