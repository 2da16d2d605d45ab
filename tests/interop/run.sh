#!/usr/bin/env bash
# Interop tests: real clients (Python's poplib and imaplib, curl) against `mailwire serve`.
#
#   tests/interop/run.sh [pop3|imap|all]
#
# Builds the `mailwire` binary, creates a fresh data directory with users alice/secret and
# bob/secret, seeds their Maildirs with test messages the way an MDA would (files in new/), starts
# `mailwire serve` on loopback with ephemeral ports and runs the client tests against it.
set -euo pipefail
cd "$(dirname "$0")/../.."
what="${1:-all}"

cargo build -q -p mailwire
bin="$PWD/target/debug/mailwire"
work="$(mktemp -d)"
trap 'kill "${server_pid:-0}" 2>/dev/null || true; wait 2>/dev/null || true; rm -rf "$work"' EXIT

data="$work/data"
for u in alice bob carol dave; do
  printf 'secret\n' | "$bin" user add "$u" --data-dir "$data" --password-stdin --apop
done
python3 tests/interop/seed.py "$data"

# `mailwire serve` prints one "listening <proto> <addr>" line per listener, then "ready", on
# stdout; read them through a FIFO (no polling) until "ready" or the server's exit.
mkfifo "$work/out"
"$bin" serve --data-dir "$data" --bind 127.0.0.1 \
  --pop3-port 0 --pop3s-port 0 --imap-port 0 --imaps-port 0 \
  --no-demo >"$work/out" 2>"$work/serve.err" &
server_pid=$!
exec 3<"$work/out"
: >"$work/serve.out"
while IFS= read -r line <&3; do
  printf '%s\n' "$line" >>"$work/serve.out"
  [[ "$line" == ready ]] && break
done
grep -q '^ready' "$work/serve.out" || { echo "server did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
port() { awk -v p="$1" '$1=="listening" && $2==p {n=split($3,a,":"); print a[n]}' "$work/serve.out"; }

export MW_HOST=127.0.0.1
export MW_POP3_PORT="$(port pop3)" MW_POP3S_PORT="$(port pop3s)"
export MW_IMAP_PORT="$(port imap)" MW_IMAPS_PORT="$(port imaps)"
export MW_CA="$data/tls/cert.pem"
export MW_MAILDIR_ALICE="$data/mail/alice" MW_MAILDIR_BOB="$data/mail/bob"
export MW_MAILDIR_CAROL="$data/mail/carol" MW_MAILDIR_DAVE="$data/mail/dave"
export MW_DATA="$data" MW_BIN="$bin"

status=0
if [[ "$what" == pop3 || "$what" == all ]]; then
  python3 tests/interop/pop3_clients.py || status=1
fi
if [[ "$what" == imap || "$what" == all ]] && [[ -n "$MW_IMAP_PORT" ]]; then
  python3 tests/interop/imap_clients.py || status=1
fi
if [[ $status -ne 0 ]]; then
  echo "--- server log" >&2
  tail -n 100 "$work/serve.err" >&2
fi
exit $status
