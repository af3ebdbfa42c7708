# tests/smtp_lib.sh - start and stop labsmtpd for shell tests; sourced after
# tests/lib.sh. Servers listen on 127.0.0.1 at a port picked free here, are
# stopped by PID, and are killed on exit if a test forgets one.

LABSMTPD="$BUILD/tools/labsmtpd"
MKCERTS="$TOP/tests/tools/mkcerts.sh"
srv_pids=""

srv_cleanup() {
	local p
	for p in $srv_pids; do
		kill -KILL "$p" 2>/dev/null
	done
	return 0
}
trap srv_cleanup EXIT

# srv_start NAME ARGS... - labsmtpd on 127.0.0.1:<free port> (and on
# [::1] at the same port when SRV_V6=1); sets SRV_PORT, SRV_PID; log in
# $T/NAME.log. Retries another port if the bind fails.
srv_start() {
	local name=$1 try i st port pidf
	local -a v6
	shift
	pidf="$T/$name.pid"
	for try in 1 2 3 4 5 6 7 8; do
		port=$((20000 + RANDOM % 40000))
		if ss -Hltn "sport = :$port" 2>/dev/null | grep -q .; then
			continue
		fi
		rm -f "$pidf"
		v6=()
		[ "${SRV_V6:-0}" = 1 ] && v6=(--listen "[::1]:$port")
		"$LABSMTPD" --listen "127.0.0.1:$port" "${v6[@]}" \
		    --pidfile "$pidf" \
		    --log "$T/$name.log" "$@" 2>>"$T/$name.err" &
		SRV_PID=$!
		for i in $(seq 50); do
			[ -s "$pidf" ] && break
			kill -0 "$SRV_PID" 2>/dev/null || break
			sleep 0.1
		done
		if [ -s "$pidf" ]; then
			SRV_PORT=$port
			srv_pids="$srv_pids $SRV_PID"
			return 0
		fi
		wait "$SRV_PID"
		st=$?
		[ "$st" = 69 ] || return 1	# not a port clash
	done
	return 1
}

# srv_stop PID - SIGTERM, wait up to 5 s, then SIGKILL; sets SRV_STATUS
srv_stop() {
	local pid=$1 i
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 50); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null
	wait "$pid"
	SRV_STATUS=$?
	srv_pids=$(echo "$srv_pids" | tr ' ' '\n' | grep -vx "$pid" | tr '\n' ' ')
}

# smtp_chat PORT SECONDS TEXT - send TEXT (printf format, CRLF written as
# \r\n) and keep what comes back for up to SECONDS in $OUT
smtp_chat() {
	timeout -k 1 "$2" bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 9
		printf "$1" >&3
		cat <&3' "$1" "$3" > "$OUT.raw" 2>"$ERR"
	STATUS=$?
	tr -d '\r' < "$OUT.raw" > "$OUT"
}
