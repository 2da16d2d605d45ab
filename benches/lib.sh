# Shared by the server comparison scripts (pop3-vs-dovecot.sh, imap-vs-dovecot.sh); sourced.
# Expects: $bin (the mailwire binary), $work (a scratch directory holding maildrop/new).

# start_mailwire PROTO ARG...: runs `mailwire serve` on loopback with alice/secret and a copy of
# $work/maildrop as her INBOX, the listener for PROTO on an ephemeral port and ARG... added; sets
# mw_pid and mw_addr once it reports `ready` (read through a FIFO, no polling).
start_mailwire() {
  local proto="$1" line ready=0
  shift
  printf 'secret\n' | "$bin" user add alice --data-dir "$work/mw" --password-stdin >/dev/null 2>&1
  mkdir -p "$work/mw/mail/alice"/{cur,tmp}
  cp -r "$work/maildrop/new" "$work/mw/mail/alice/new"
  mkfifo "$work/out"
  MAILWIRE_LOG=warn "$bin" serve --data-dir "$work/mw" --bind 127.0.0.1 --no-demo \
    --failed-login-delay 0 "$@" >"$work/out" 2>"$work/mw.err" &
  mw_pid=$!
  exec 3<"$work/out"
  mw_addr=""
  while IFS= read -r line <&3; do
    case "$line" in
      "listening $proto "*) mw_addr="${line#listening "$proto" }" ;;
      ready) ready=1; break ;;
    esac
  done
  if [[ $ready != 1 ]]; then echo "mailwire serve did not start:" >&2; cat "$work/mw.err" >&2; exit 1; fi
}

# val SERVER KEY: a figure the load program printed for SERVER (dovecot|mailwire).
val() { awk -v k="$2" '$1==k {print $2}' "$work/$1.txt"; }

# table_head WIDTH: the header of the side-by-side table, the first column WIDTH wide.
table_head() {
  printf "| %-${1}s | %12s | %12s | %7s |\n" "measure" "Dovecot" "mailwire" "ratio"
  printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' $(seq 1 $(($1 + 2))))" "--------------" \
    "--------------" "---------"
}

# row WIDTH LABEL KEY HIGHER_IS_BETTER(1|0): one line of the table with mailwire's advantage.
row() {
  local d m r
  d="$(val dovecot "$3")" m="$(val mailwire "$3")"
  if [[ "$4" == 1 ]]; then r="$(awk -v a="$m" -v b="$d" 'BEGIN{ if (b>0) printf "%.1fx", a/b; else print "-"}')"
  else r="$(awk -v a="$d" -v b="$m" 'BEGIN{ if (b>0) printf "%.1fx", a/b; else print "-"}')"; fi
  printf "| %-${1}s | %12s | %12s | %7s |\n" "$2" "$d" "$m" "$r"
}
