#!/usr/bin/env bash
# Interop tests of mailwire's own clients: the async POP3/IMAP clients of mailwire-tokio
# (crates/mailwire-tokio/tests/client_interop.rs) and `mailwire fetch`
# (crates/mailwire/tests/fetch_interop.rs), run against
#   1. Dovecot (installed from Debian's dovecot-imapd/dovecot-pop3d by dovecot-up.sh if missing),
#      started here on free loopback ports with plain, STARTTLS and implicit TLS listeners;
#   2. `mailwire serve` (POP3 now; IMAP too as soon as serve offers it).
# Each server is described to the tests by a key=value file named in MAILWIRE_CLIENT_TARGET.
# Needs root (Dovecot). Stops everything it started on exit.
#
#   tests/interop/clients.sh [dovecot|serve|all]
set -euo pipefail
cd "$(dirname "$0")/../.."
what="${1:-all}"

work="$(mktemp -d /tmp/mailwire-clients.XXXXXX)"
chmod 0755 "$work"   # Dovecot's mail user must reach the Maildirs below it
serve_pid=""
cleanup() {
  if [[ -n "$serve_pid" ]]; then kill "$serve_pid" 2>/dev/null || true; wait "$serve_pid" 2>/dev/null || true; fi
  if [[ -s "$work/dovecot/run/master.pid" ]]; then FAST=1 bash tests/interop/dovecot-down.sh "$work/dovecot" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

cargo build -q -p mailwire
bin="$PWD/target/debug/mailwire"
# Build the test binaries first so that the servers are not kept waiting.
cargo test -q -p mailwire-tokio --test client_interop --no-run
cargo test -q -p mailwire --test fetch_interop --no-run

free_ports() { # N free loopback TCP ports
  python3 - "$1" <<'EOF'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
EOF
}

run_tests() { # target-file
  local rc=0
  echo "=== client tests against $(grep '^name=' "$1" | cut -d= -f2)"
  MAILWIRE_CLIENT_TARGET="$1" cargo test -q -p mailwire-tokio --test client_interop -- --test-threads=1 --nocapture || rc=1
  MAILWIRE_CLIENT_TARGET="$1" cargo test -q -p mailwire --test fetch_interop -- --test-threads=1 --nocapture || rc=1
  return $rc
}

# A private CA and a server certificate it signs (the certificate dovecot-up.sh would make is
# self-signed with CA:TRUE, which webpki refuses as a server certificate); the tests trust the CA
# the way `--ca FILE` users do.
make_certs() { # DIR: writes DIR/ca.pem, DIR/cert.pem, DIR/key.pem
  local d=$1
  mkdir -p "$d"; chmod 0700 "$d"
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -sha256 -subj "/CN=mailwire test CA" \
    -keyout "$d/ca.key" -out "$d/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=localhost" \
    -keyout "$d/key.pem" -out "$d/leaf.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=critical,CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >"$d/leaf.ext"
  openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca.pem" -CAkey "$d/ca.key" -CAcreateserial \
    -days 3650 -sha256 -extfile "$d/leaf.ext" -out "$d/cert.pem" 2>/dev/null
  chmod 0600 "$d/key.pem" "$d/ca.key"
}

status=0

if [[ "$what" == dovecot || "$what" == all ]]; then
  read -r p_imap p_imaps p_pop3 p_pop3s < <(free_ports 4)
  make_certs "$work/dovecot/ssl"
  IMAP_PORT=$p_imap IMAPS_PORT=$p_imaps POP3_PORT=$p_pop3 POP3S_PORT=$p_pop3s \
    bash tests/interop/dovecot-up.sh "$work/dovecot" >"$work/dovecot-up.log" 2>&1 \
    || { cat "$work/dovecot-up.log" >&2; exit 1; }
  # shellcheck disable=SC1091
  source "$work/dovecot/env"
  # The extensions the client tests exercise (QUOTA, ACL, METADATA, COMPRESS), then a reload.
  cat >>"$DOVECOT_CONF" <<EOF

mail_plugins = \$mail_plugins acl quota zlib
protocol imap {
  mail_plugins = \$mail_plugins imap_acl imap_quota imap_zlib
  imap_metadata = yes
}
mail_attribute_dict = file:%h/dovecot-attributes
plugin {
  acl = vfile
  quota = count:User quota
  quota_rule = *:storage=1G
  quota_vsizes = yes
}
EOF
  doveconf -c "$DOVECOT_CONF" -n >/dev/null
  doveadm -c "$DOVECOT_CONF" reload
  # The reload is asynchronous: wait (bounded) until a login shows the new capabilities.
  python3 - "$IMAP_PORT" <<'EOF'
import socket, sys, time
for _ in range(100):
    with socket.create_connection(("127.0.0.1", int(sys.argv[1]))) as s:
        f = s.makefile("rwb")
        f.write(b"a LOGIN alice secret\r\n"); f.flush()
        line = b"*"
        while line.startswith(b"*"):
            line = f.readline()
        if line.startswith(b"a OK") and b"QUOTA" in line:
            sys.exit(0)
    time.sleep(0.1)
sys.exit("dovecot did not pick up the extension settings")
EOF
  cat >"$work/dovecot.target" <<EOF
name=dovecot $(dovecot --version | cut -d' ' -f1)
host=127.0.0.1
tls_name=localhost
ca=$work/dovecot/ssl/ca.pem
pop3=$POP3_PORT
pop3s=$POP3S_PORT
imap=$IMAP_PORT
imaps=$IMAPS_PORT
user=alice
password=secret
maildir=$DOVECOT_DIR/mail/alice
apop=1
EOF
  run_tests "$work/dovecot.target" || status=1
fi

if [[ "$what" == serve || "$what" == all ]]; then
  data="$work/serve"
  printf 'secret\n' | "$bin" user add alice --data-dir "$data" --password-stdin --apop --quota-storage 10000000000 --quota-messages 1000000 >/dev/null
  mkfifo "$work/serve.fifo"
  "$bin" serve --data-dir "$data" --bind 127.0.0.1 \
    --pop3-port 0 --pop3s-port 0 --imap-port 0 --imaps-port 0 \
    --no-demo >"$work/serve.fifo" 2>"$work/serve.err" &
  serve_pid=$!
  exec 3<"$work/serve.fifo"
  : >"$work/serve.out"
  while IFS= read -r line <&3; do
    printf '%s\n' "$line" >>"$work/serve.out"
    [[ "$line" == ready ]] && break
  done
  grep -q '^ready' "$work/serve.out" || { echo "mailwire serve did not start" >&2; cat "$work/serve.err" >&2; exit 1; }
  port() { awk -v p="$1" '$1=="listening" && $2==p {n=split($3,a,":"); print a[n]}' "$work/serve.out"; }
  {
    echo "name=mailwire serve"
    echo "host=127.0.0.1"
    echo "tls_name=localhost"
    echo "ca=$data/tls/cert.pem"
    for p in pop3 pop3s imap imaps; do
      v="$(port "$p")"
      [[ -n "$v" ]] && echo "$p=$v"
    done
    echo "user=alice"
    echo "password=secret"
    echo "maildir=$data/mail/alice"
    echo "apop=1"
  } >"$work/serve.target"
  run_tests "$work/serve.target" || status=1
  if [[ $status -ne 0 ]]; then
    echo "--- mailwire serve log" >&2
    tail -n 50 "$work/serve.err" >&2
  fi
fi

exit $status
