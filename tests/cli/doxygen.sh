# The public headers' Doxygen comments build without a warning
# (STYLE.md section 6).
. "$TOP/tests/lib.sh"
cd "$TOP" || exit 1
if ! command -v doxygen >/dev/null 2>&1; then
	t_skip "doxygen builds the header docs" "doxygen not installed"
	t_done
fi
mkdir -p "$T/doc"
# The module folders that exist so far.
MXD_DOC_IN=$(for d in common tlsa dns smtp dane engine report; do
	[ -d "$d" ] && printf '%s ' "$d"; done)
export MXD_DOC_IN
MXD_DOC_OUT="$T/doc" t_cmd "doxygen builds the header docs" 0 doxygen Doxyfile
if [ -s "$T/doc/warnings.log" ]; then
	not_ok "doxygen reports no warnings"
	diag "$T/doc/warnings.log"
else
	ok "doxygen reports no warnings"
fi
t_grep "the TLSA record contract is documented" "tlsa_rr_parse" \
    "$T/doc/html/tlsa_8h.html"
t_done
