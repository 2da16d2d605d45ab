#!/usr/bin/env bash
# IMAP server benchmark: `mailwire serve` and Dovecot's IMAP server (Debian's dovecot-imapd) on
# the same mailbox, in one run, side by side.
#
#   benches/imap-vs-dovecot.sh [MESSAGES] [CLIENTS] [IDLE]     (defaults 10000 100 10000)
#
# Needs root (Dovecot drops privileges) and installs Dovecot if missing. Both servers get an
# identical copy of a generated mailbox and are warmed up with one pass (both build their indexes
# and caches then); then the same client (`imap-load`, release build) measures: LOGIN + SELECT +
# FETCH 1:* (UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE), FETCH 1:* BODY.PEEK[], SEARCH over
# headers and over bodies, CLIENTS concurrent clients mixing these, and IDLE idle connections:
# memory (PSS) per connection and the time for one APPEND's EXISTS to reach all of them.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=benches/lib.sh
source benches/lib.sh
messages="${1:-10000}" clients="${2:-100}" idle="${3:-10000}"

cargo build -q --release -p mailwire -p mailwire-benches --bin mailwire --bin imap-load
bin="$PWD/target/release/mailwire"
load="$PWD/target/release/imap-load"
work="$(mktemp -d /tmp/mw-ibench.XXXXXX)"
chmod 755 "$work"
cleanup() {
  [[ -n "${mw_pid:-}" ]] && kill "$mw_pid" 2>/dev/null || true
  FAST=1 bash tests/interop/dovecot-down.sh "$work/dovecot" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
ulimit -n 200000 2>/dev/null || ulimit -n 65536 2>/dev/null || true
# Each Dovecot imap process watches its mailbox with one inotify instance; past the default 128
# instances per user the rest fall back to polling every mailbox_idle_check_interval (30 s), which
# would make Dovecot's IDLE push look far slower than it is.
if [[ "$(sysctl -n fs.inotify.max_user_instances 2>/dev/null || echo 0)" -lt $((idle + clients + 100)) ]]; then
  sysctl -qw fs.inotify.max_user_instances=$((idle + clients + 100)) 2>/dev/null ||
    echo "warning: could not raise fs.inotify.max_user_instances; Dovecot's IDLE push will poll" >&2
fi

echo "generating $messages messages" >&2
python3 benches/gen-maildrop.py "$work/maildrop" "$messages"

# Dovecot, with limits raised so it can hold IDLE connections (one imap process each, its
# default and recommended model).
SEED=0 POP3_PORT=20110 POP3S_PORT=20995 IMAP_PORT=20143 IMAPS_PORT=20993 \
  bash tests/interop/dovecot-up.sh "$work/dovecot" >/dev/null 2>&1
conf="$work/dovecot/dovecot.conf"
n=$((idle + clients + 100))
sed -i -e "s/^mail_max_userip_connections = .*/mail_max_userip_connections = $n/" \
  -e "s/^default_process_limit = .*/default_process_limit = $n/" \
  -e "s/^default_client_limit = .*/default_client_limit = $((n * 2))/" \
  -e "s/^  process_limit = 1024/  process_limit = $n/" \
  -e "s/^  mail_max_userip_connections = 1000/  mail_max_userip_connections = $n/" "$conf"
FAST=1 bash tests/interop/dovecot-down.sh "$work/dovecot" >/dev/null 2>&1 || true
# The killed master may linger as a zombie here (pid 1 reaps slowly), and Dovecot refuses to
# start while the pid in master.pid answers kill(0).
rm -f "$work/dovecot/run/master.pid"
rm -rf "$work/dovecot/mail/alice/new"
cp -r "$work/maildrop/new" "$work/dovecot/mail/alice/new"
chown -R vmail:vmail "$work/dovecot/mail/alice"
dovecot -c "$conf"
for _ in $(seq 1 100); do [[ -s "$work/dovecot/run/master.pid" ]] && (exec 3<>/dev/tcp/127.0.0.1/20143) 2>/dev/null && break; sleep 0.1; done
dovecot_pid="$(cat "$work/dovecot/run/master.pid")"

# mailwire with the same mailbox.
start_mailwire imap --imap-port 0 --imaps-port off --pop3-port off --pop3s-port off \
  --max-connections 1000000 --max-connections-per-ip 1000000


run() { # name addr pid
  echo "warming up $1" >&2
  "$load" "$2" alice secret --clients 1 --idle 0 >/dev/null
  echo "measuring $1" >&2
  "$load" "$2" alice secret --clients "$clients" --idle "$idle" --pids "$3" >"$work/$1.txt"
  sed "s/^/# $1: /" "$work/$1.txt" >&2
}
run dovecot 127.0.0.1:20143 "$dovecot_pid"
run mailwire "$mw_addr" "$mw_pid"

printf '\n%s\n\n' "IMAP: mailwire $("$bin" --version | cut -d' ' -f2) vs Dovecot $(dovecot --version | cut -d' ' -f1), $messages messages, $(nproc) cores"
table_head 52
row 52 "FETCH 1:* (UID FLAGS SIZE ENVELOPE BODYSTRUCTURE), msgs/s" meta_msgs_per_sec 1
row 52 "FETCH 1:* BODY.PEEK[], msgs/s" bodies_msgs_per_sec 1
row 52 "SEARCH SUBJECT (headers), ms (lower)" search_header_ms 0
row 52 "SEARCH BODY (bodies), ms (lower)" search_body_ms 0
row 52 "$clients concurrent mixed clients, clients/s" mixed_clients_per_sec 1
row 52 "memory per idle connection, KiB PSS (lower)" idle_kib_per_connection 0
row 52 "IDLE push to all $idle idlers, ms (lower)" idle_push_all_ms 0
