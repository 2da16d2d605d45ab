#!/usr/bin/env bash
# POP3 server benchmark: `mailwire serve` and Dovecot's POP3 server (Debian's dovecot-pop3d) on
# the same maildrop, in one run, side by side.
#
#   benches/pop3-vs-dovecot.sh [MESSAGES] [SESSIONS] [IDLE]     (defaults 10000 100 500)
#
# Needs root (Dovecot drops privileges) and installs Dovecot if missing. Both servers get an
# identical copy of a generated maildrop, are warmed up with one session (both build their
# indexes then), and are measured with the same client (`pop3-load`, release build):
# downloading every message in one session (RETRs pipelined 32 at a time), SESSIONS concurrent
# sessions each doing STAT, LIST, UIDL and 10 RETRs, and the proportional memory (PSS) per idle
# logged-in connection over IDLE connections.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benches/lib.sh
source benches/lib.sh
messages="${1:-10000}" sessions="${2:-100}" idle="${3:-500}"

cargo build -q --release -p mailwire -p mailwire-benches --bin mailwire --bin pop3-load
bin="$PWD/target/release/mailwire"
load="$PWD/target/release/pop3-load"
work="$(mktemp -d /tmp/mw-bench.XXXXXX)"
chmod 755 "$work"
cleanup() {
  [[ -n "${mw_pid:-}" ]] && kill "$mw_pid" 2>/dev/null || true
  bash tests/interop/dovecot-down.sh "$work/dovecot" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n 65536 2>/dev/null || true

echo "generating $messages messages" >&2
python3 benches/gen-maildrop.py "$work/maildrop" "$messages"

# Dovecot on its usual test ports, with the maildrop as alice's INBOX.
SEED=0 POP3_PORT=20110 POP3S_PORT=20995 IMAP_PORT=20143 IMAPS_PORT=20993 \
  bash tests/interop/dovecot-up.sh "$work/dovecot" >/dev/null
rm -rf "$work/dovecot/mail/alice/new"
cp -r "$work/maildrop/new" "$work/dovecot/mail/alice/new"
chown -R vmail:vmail "$work/dovecot/mail/alice"
dovecot_pid="$(cat "$work/dovecot/run/master.pid")"

# mailwire with the same maildrop.
start_mailwire pop3 --pop3-port 0 --pop3s-port off --imap-port off --imaps-port off --pop3-no-lock \
  --max-connections 100000 --max-connections-per-ip 100000


run() { # name addr pid
  echo "warming up $1" >&2
  "$load" "$2" alice secret --sessions 1 --idle 0 >/dev/null
  echo "measuring $1" >&2
  "$load" "$2" alice secret --sessions "$sessions" --idle "$idle" --pids "$3" >"$work/$1.txt"
  sed "s/^/# $1: /" "$work/$1.txt" >&2
}
run dovecot 127.0.0.1:20110 "$dovecot_pid"
run mailwire "$mw_addr" "$mw_pid"

printf '\n%s\n\n' "POP3: mailwire $("$bin" --version | cut -d' ' -f2) vs Dovecot $(dovecot --version | cut -d' ' -f1), $messages messages ($(val mailwire download_mib) MiB), $(nproc) cores"
table_head 44
row 44 "download all, one session (msgs/s)" download_msgs_per_sec 1
row 44 "download all, one session (MiB/s)" download_mib_per_sec 1
row 44 "$sessions concurrent sessions (sessions/s)" concurrent_sessions_per_sec 1
row 44 "$sessions concurrent sessions (MiB/s)" concurrent_mib_per_sec 1
row 44 "memory per idle connection (KiB PSS, lower)" idle_kib_per_connection 0
