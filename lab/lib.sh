# lab/lib.sh - shared settings of the lab scripts; sourced, not run.
#
# Environment:
#   MXD_LAB_NS   network namespace name            (default mxdane-lab)
#   MXD_LAB_VAR  state folder                       (default lab/var)
#   MXD_BUILD    build folder holding tools/labsmtpd (default build)
#   MXD_LAB_HOLD seconds the namespaces of a lab without root are held
#                                                   (default 86400)
#
# Root runs the lab in a named network namespace (ip netns). Any other
# user runs it in new user, network and mount namespaces of its own, held
# open by a sleeper (the holder) whose PID, network and user namespace are
# in $LAB_VAR/holder.pid; the daemons are entered there with nsenter.

lab_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top_dir=$(cd "$lab_dir/.." && pwd)
LAB_NS=${MXD_LAB_NS:-mxdane-lab}
LAB_VAR=${MXD_LAB_VAR:-$lab_dir/var}
case "$LAB_VAR" in
/*) ;;
*) LAB_VAR=$(pwd)/$LAB_VAR ;;
esac
LAB_BUILD=${MXD_BUILD:-$top_dir/build}
case "$LAB_BUILD" in
/*) ;;
*) LAB_BUILD=$top_dir/$LAB_BUILD ;;
esac

LAB_ROOTLESS=0
[ "$(id -u)" -eq 0 ] || LAB_ROOTLESS=1
LAB_HOLDER=$LAB_VAR/holder.pid
LAB_HOLD=${MXD_LAB_HOLD:-86400}

# Address plan, all on the namespace's loopback.
LAB_RESOLVER=127.0.0.53		# validating unbound, QNAME minimisation on
LAB_RESOLVER_NOQMIN=127.0.0.54	# validating unbound, QNAME minimisation off
LAB_NS_ROOT=127.0.1.1		# NSD: the root zone
LAB_NS_TLD=127.0.1.2		# NSD: test.
LAB_NS_PRIMARY=127.0.1.3	# NSD: every scenario zone
LAB_NS_SECONDARY=127.0.1.4	# NSD: second server of some scenario zones
LAB_NS_KNOT=127.0.1.5		# Knot DNS: the ENT NXDOMAIN scenario zone
LAB_NS_DYN1=127.0.1.6		# Knot DNS: dynamic zones' primary (updates)
LAB_NS_DYN2=127.0.1.7		# Knot DNS: their lagging secondary
LAB_DYN_LAG=3			# seconds the secondary may lag behind
LAB_NS_HOLE=127.0.1.8		# kept free: tests start a silent server here
LAB_NS_RAW=127.0.1.10		# rawdns: zones NSD and Knot will not serve
LAB_NS_DEAD=127.0.1.99		# ns9.nic.test.: nothing listens (findings)

# Binaries the lab needs on the host.
LAB_BINS="ip unshare runuser nsd knotd unbound ldns-keygen ldns-signzone ldns-key2ds openssl
postfix postconf posttls-finger dig"

lab_log() {
	printf 'lab: %s\n' "$*" >&2
}

lab_die() {
	printf 'lab: %s\n' "$*" >&2
	exit 1
}

# lab_holder_net - the network namespace the holder recorded (net:[N])
lab_holder_net() {
	[ -f "$LAB_HOLDER" ] || return 1
	sed -n '2{/^net:\[[0-9]*\]$/p}' "$LAB_HOLDER" | grep .
}

# lab_holder_pid - the holder's PID, when it is alive and still holds the
# namespaces it recorded
lab_holder_pid() {
	local pid
	[ -f "$LAB_HOLDER" ] || return 1
	pid=$(sed -n 1p "$LAB_HOLDER" | tr -dc 0-9)
	[ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null || return 1
	[ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = \
	    "$(sed -n 2p "$LAB_HOLDER")" ] || return 1
	[ "$(readlink "/proc/$pid/ns/user" 2>/dev/null)" = \
	    "$(sed -n 3p "$LAB_HOLDER")" ] || return 1
	echo "$pid"
}

# lab_holder_start - without root: new user, network and mount namespaces
# held by a sleeper, with the lab's resolv.conf bind-mounted over
# /etc/resolv.conf in the new mount namespace. The holder records itself
# (PID, network and user namespace) before it sleeps, so that no holder
# runs unrecorded.
lab_holder_start() {
	local i pid
	rm -f "$LAB_HOLDER" "$LAB_HOLDER.tmp"
	# shellcheck disable=SC2016
	setsid unshare --user --map-root-user --net --mount \
	    --propagation private sh -c \
	    'mount --bind "$1" /etc/resolv.conf &&
	    printf "%s\n%s\n%s\n" $$ "$(readlink /proc/$$/ns/net)" \
	    "$(readlink /proc/$$/ns/user)" > "$2.tmp" &&
	    mv "$2.tmp" "$2" && exec sleep "$3"' holder \
	    "$LAB_VAR/resolv.conf" "$LAB_HOLDER" "$LAB_HOLD" \
	    </dev/null >>"$LAB_VAR/log/holder.log" 2>&1 &
	for i in $(seq 1 50); do
		[ -s "$LAB_HOLDER" ] && break
		sleep 0.1
	done
	pid=$(lab_holder_pid) || return 1
	# Never take the namespaces this shell is in for the lab's.
	[ "$(readlink "/proc/$pid/ns/net")" != "$(readlink /proc/self/ns/net)" ]
}

# lab_enter_cmd - set LAB_ENTER to the command prefix that runs a command
# inside the lab's namespaces (as the caller, in the caller's folder)
lab_enter_cmd() {
	local pid
	if [ "$LAB_ROOTLESS" = 1 ]; then
		pid=$(lab_holder_pid) || return 1
		LAB_ENTER=(nsenter --target "$pid" --user --net --mount
		    --preserve-credentials "--wd=$PWD")
	else
		LAB_ENTER=(ip netns exec "$LAB_NS")
	fi
}

# lab_in CMD... - run CMD inside the namespace
lab_in() {
	lab_enter_cmd || lab_die "namespace $LAB_NS is not up"
	"${LAB_ENTER[@]}" "$@"
}

# lab_ns_exists - the namespace is there
lab_ns_exists() {
	if [ "$LAB_ROOTLESS" = 1 ]; then
		lab_holder_pid >/dev/null
		return
	fi
	ip netns list 2>/dev/null | awk '{print $1}' | grep -qx -- "$LAB_NS"
}

# lab_ns_pids - without root: this user's processes in the network and
# user namespaces the holder recorded. Only meaningful while a process known to
# be the lab's is alive in it: a namespace's number is reused once it ends.
lab_ns_pids() {
	local net user p
	net=$(lab_holder_net) || return 0
	user=$(sed -n 3p "$LAB_HOLDER")
	for p in /proc/[0-9]*; do
		[ "$(readlink "$p/ns/net" 2>/dev/null)" = "$net" ] &&
		    [ "$(readlink "$p/ns/user" 2>/dev/null)" = "$user" ] &&
		    echo "${p#/proc/}"
	done
	return 0
}

# lab_pid_ours PID - PID is alive and runs inside our namespace
lab_pid_ours() {
	local pid=$1 id
	[ -n "$pid" ] && [ "$pid" -gt 1 ] 2>/dev/null || return 1
	kill -0 "$pid" 2>/dev/null || return 1
	if [ "$LAB_ROOTLESS" = 1 ]; then
		id=$(lab_holder_net) || return 1
		[ "$(readlink "/proc/$pid/ns/net" 2>/dev/null)" = "$id" ]
		return
	fi
	id=$(ip netns identify "$pid" 2>/dev/null) || return 1
	[ "$id" = "$LAB_NS" ]
}

# lab_stop_pids PID... - TERM them all, wait up to 5 s, then KILL
lab_stop_pids() {
	local pid i alive
	[ $# -gt 0 ] || return 0
	kill -TERM "$@" 2>/dev/null || true
	for i in $(seq 1 50); do
		alive=""
		for pid in "$@"; do
			kill -0 "$pid" 2>/dev/null && alive="$alive $pid"
		done
		[ -z "$alive" ] && return 0
		sleep 0.1
	done
	# shellcheck disable=SC2086
	kill -KILL $alive 2>/dev/null || true
	return 0
}

# lab_stop_all - stop every server of this lab instance, by PID: first
# those in the pidfiles, then anything still running in the namespace
# (only this lab's up starts processes there), then drop the namespace.
lab_stop_all() {
	local f pid pids=()
	if [ "$LAB_ROOTLESS" = 1 ]; then
		lab_stop_rootless
		return 0
	fi
	if [ -d "$LAB_VAR/run" ]; then
		for f in "$LAB_VAR"/run/*.pid; do
			[ -f "$f" ] || continue
			pid=$(head -n 1 "$f" | tr -dc 0-9)
			if lab_pid_ours "$pid"; then
				pids+=("$pid")
			fi
		done
		lab_stop_pids "${pids[@]}"
		rm -f "$LAB_VAR"/run/*.pid
	fi
	if lab_ns_exists; then
		# shellcheck disable=SC2046
		lab_stop_pids $(ip netns pids "$LAB_NS" 2>/dev/null)
		ip netns del "$LAB_NS" 2>/dev/null || true
	fi
	rm -rf "/etc/netns/$LAB_NS"
}

# lab_stop_rootless - lab_stop_all without root: the pidfiles' processes
# that run in the recorded network namespace, and, while the holder or one
# of those is alive there (so that the namespace is still the lab's), every
# process of this user in it, the holder too: the namespaces end with the
# last of them. A crashed run (holder killed or not) is cleaned alike.
lab_stop_rootless() {
	local f pid pids=() anchored=0
	lab_holder_pid >/dev/null && anchored=1
	for f in "$LAB_VAR"/run/*.pid; do
		[ -f "$f" ] || continue
		pid=$(head -n 1 "$f" | tr -dc 0-9)
		if lab_pid_ours "$pid"; then
			pids+=("$pid")
			anchored=1
		fi
	done
	if [ "$anchored" = 1 ]; then
		# shellcheck disable=SC2207
		pids+=($(lab_ns_pids))
	fi
	lab_stop_pids "${pids[@]}"
	# A root lab's state folder is not ours to clean: leave it.
	rm -f "$LAB_VAR"/run/*.pid "$LAB_HOLDER" "$LAB_VAR/resolv.conf" \
	    2>/dev/null || true
}
