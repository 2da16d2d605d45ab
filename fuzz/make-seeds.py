#!/usr/bin/env python3
"""Writes the hand-made seed corpora: fuzz/corpus/<target>/seed-<name>.

Each target's input layout is documented on its function in fuzz/targets/src/lib.rs. Re-run after
changing a layout: `python3 fuzz/make-seeds.py`. Existing seed-* files are replaced; files the
fuzzer added are left alone.
"""
import os
import zlib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus")
GREETING = b"+OK POP3 server ready <1896.697170952@dbc.mr.net>\r\n"
CAPA_2449 = (b"+OK Capability list follows\r\nTOP\r\nUSER\r\nSASL CRAM-MD5 KERBEROS_V4\r\n"
             b"RESP-CODES\r\nLOGIN-DELAY 900\r\nPIPELINING\r\nEXPIRE 60\r\nUIDL\r\n"
             b"IMPLEMENTATION Shlemazle-Plotz-v302\r\n.\r\n")
CAPA_MORE = (b"+OK\r\nSTLS\r\nAUTH-RESP-CODE\r\nUTF8 USER\r\nLANG\r\nEXPIRE NEVER USER\r\n"
             b"LOGIN-DELAY 0 USER\r\nsasl plain\r\nX-FOO bar baz\r\nSASL\r\n.\r\n")
MESSAGE = (b"Return-Path: <mrose@dbc.mr.net>\r\nFrom: Marshall Rose <mrose@dbc.mr.net>\r\n"
           b"Subject: dots\r\n\r\nA line.\r\n..leading dot\r\n...\r\n.. \r\nlast\r\n")
SESSION = [b"USER mrose", b"PASS tanstaaf", b"STAT", b"LIST", b"LIST 2", b"UIDL", b"UIDL 1",
           b"RETR 1", b"TOP 1 10", b"DELE 1", b"NOOP", b"RSET", b"QUIT"]
# Expect selectors (pop3_response, `~X` in plans).
GREET, STATUS, STAT, SCAN, SCANLIST, UID, UIDLIST, CAPS, MSG, MECHS, LANGS, AUTH, MULTI, GUESS = range(14)


def lines(cmds, end=b"\r\n"):
    return b"".join(c + end for c in cmds)


def write(target, name, data):
    d = os.path.join(ROOT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data)


def command():
    t = "pop3_command"
    write(t, "rfc1939-session", lines(SESSION))
    write(t, "rfc1939-apop", b"APOP mrose c4c9334bac560ecc979e58001b3e22fb\r\n")
    write(t, "rfc2449-capa", b"CAPA\r\n")
    write(t, "rfc2595-stls", b"STLS\r\n")
    write(t, "rfc5034-auth", lines([b"AUTH", b"AUTH GSSAPI", b"AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=",
                                    b"AUTH plain =", b"AUTH SCRAM-SHA-256 biwsbj11c2VyLHI9ck9wck5HZndFYmVSV2diTkVrcU8="]))
    write(t, "rfc5034-auth-line", b"dGVzdAB0ZXN0AHRlc3Q=\r\n")
    write(t, "rfc5034-auth-cancel", b"*\r\n")
    write(t, "rfc6856-utf8-lang", lines([b"UTF8", b"LANG", b"LANG *", b"LANG de-CH", b"USER j\xc3\xbcrgen"]))
    write(t, "extension", lines([b"XTND XMIT foo", b"xyz", b"X1 a b c"]))
    write(t, "lowercase", lines([b"user alice", b"retr 0001", b"top 1 0", b"list 007", b"apop a C4C9334BAC560ECC979E58001B3E22FB"]))
    write(t, "errors", lines([b"RETR", b"RETR 0", b"LIST 1 2", b"USER  a", b"FOOBAR", b"TOP 1 99999999999",
                              b"PASS", b"AUTH PLAIN dGVzdA", b"LANG en_US", b"RETR 4294967296"]))
    write(t, "bare-lf", b"NOOP\nQUIT\r\n")
    write(t, "too-long", b"USER " + b"a" * 300 + b"\r\nQUIT\r\n")
    write(t, "pass-spaces", b"PASS my secret  pass \r\nPASS \r\n")
    write(t, "incomplete", b"RETR 1")


def response():
    t = "pop3_response"
    w = lambda name, sel, data: write(t, name, bytes([sel]) + data)
    w("greeting", GREET, GREETING)
    w("greeting-err", GREET, b"-ERR [SYS/PERM] service unavailable\r\n")
    w("status", STATUS, b"+OK maildrop has 2 messages (320 octets)\r\n-ERR [IN-USE] maildrop locked\r\n"
      b"+OK [X-EXT/SUB] text\r\n-ERR [LOGIN-DELAY] wait\r\n+OK\r\n-ERR [not a code\r\n+OK [a]b\r\n")
    w("stat", STAT, b"+OK 2 320\r\n+OK 0 0 empty\r\n")
    w("scan", SCAN, b"+OK 2 200\r\n")
    w("scan-list", SCANLIST, b"+OK 2 messages (320 octets)\r\n1 120\r\n2 200 info\r\n.\r\n")
    w("uid", UID, b"+OK 2 QhdPYR:00WBw1Ph7x7\r\n")
    w("uid-list", UIDLIST, b"+OK\r\n1 whqtswO00WBw418f9t5JxYwZ\r\n2 QhdPYR:00WBw1Ph7x7\r\n.\r\n")
    w("capa-rfc2449", CAPS, CAPA_2449)
    w("capa-more", CAPS, CAPA_MORE)
    w("message", MSG, b"+OK 120 octets\r\n" + MESSAGE + b".\r\n+OK next\r\n")
    w("message-empty", MSG, b"+OK\r\n.\r\n")
    w("message-bare-lf", MSG, b"+OK\r\nunix\nline\n.\r\n")
    w("mechanisms", MECHS, b"+OK\r\nPLAIN\r\nscram-sha-256\r\nXOAUTH2\r\n.\r\n")
    w("languages", LANGS, b"+OK Language listing follows:\r\nen English\r\nen-boont Shldomaz\r\nde Deutsch\r\n.\r\n")
    w("auth", AUTH, b"+ \r\n+\r\n+ dGVzdA==\r\n+OK maildrop locked and ready\r\n-ERR [AUTH] bad\r\n")
    w("multi-line", MULTI, b"+OK\r\nfoo\r\n..bar\r\n.\r\n")
    w("guess", GUESS, b"+OK\r\nbody\r\n.\r\n+OK next\r\n-ERR x\r\n+ dGVzdA==\r\n+OK\r\n")
    w("err-to-multi-line", SCANLIST, b"-ERR no such message\r\n+OK\r\n1 1\r\n.\r\n")
    w("listing-resync", SCANLIST, b"+OK\r\nbad line\r\n.\r\n+OK\r\n1 2\r\n.\r\n")
    w("dotted-listing", UIDLIST, b"+OK\r\n.1 abc\r\n.\r\n")
    w("too-long", STATUS, b"+OK " + b"x" * 600 + b"\r\n+OK\r\n")


def body():
    t = "pop3_body"
    w = lambda name, flags, chunk, seed, data: write(t, name, bytes([flags, chunk, seed]) + data)
    w("rfc1939-message", 0, 7, 1, MESSAGE + b".\r\n+OK next")
    w("bare-lf-dot", 1, 3, 2, b"a\n.\nb\r\n.\r\n")
    w("smuggle", 0, 2, 3, b"a\n.\r\nEVIL\r\n")
    w("cr-only", 0, 1, 4, b"cr only\r")
    w("empty-body", 0, 0, 5, b".\r\n")
    w("held-back", 0, 1, 6, b"line\r\n.\r")
    w("unterminated", 0, 16, 7, b"no newline")
    w("dots", 0, 5, 8, b".\r\n..\r\n...\r\n.a\n.\n\n.")
    w("binary", 0, 9, 9, bytes(range(256)))


def line_framer():
    t = "line_framer"
    w = lambda name, flags, limit, seed, chunk, data: write(t, name, bytes([flags, limit, seed, chunk]) + data)
    w("commands", 0, 254, 1, 7, lines([b"USER alice", b"PASS x", b"QUIT"]))
    w("oversized", 0, 15, 2, 5, b"x" * 100 + b"\r\nNOOP\r\n")
    w("bare-lf", 1, 32, 3, 3, b"a\nb\r\nc\n")
    w("large-limit", 2, 4, 4, 64, b"y" * 300 + b"\r\nok\r\n")
    w("varying", 4, 16, 5, 9, b"short\r\n" + b"z" * 40 + b"\r\n\r\n")
    w("ops", 8, 32, 6, 4, b"hello\r\nworld\r\nbody bytes")
    w("tiny-limit", 0, 0, 7, 2, b"\n\r\n\nab\r\n")
    w("crlf-split", 0, 10, 8, 1, b"abcdefgh\r\nabcdefghi\r\n")


def server():
    t = "pop3_server"
    w = lambda name, flags, seed, chunk, data: write(t, name, bytes([flags, seed, chunk]) + data)
    w("rfc1939-session", 1, 1, 0, lines([b"CAPA"] + SESSION))
    w("rfc1939-session-chunked", 1, 2, 5, lines([b"CAPA"] + SESSION))
    w("stls-injection", 0, 3, 0, b"STLS\r\nUSER evil\r\nPASS x\r\n")
    w("stls-then-login", 0, 4, 6, b"CAPA\r\nSTLS\r\nUSER mrose\r\nPASS tanstaaf\r\nRETR 1\r\nQUIT\r\n")
    w("auth-plain", 1, 5, 5, lines([b"AUTH", b"AUTH PLAIN", b"dGVzdAB0ZXN0AHRlc3Q=", b"*",
                                   b"AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=", b"STAT", b"QUIT"]))
    w("auth-bad-base64", 2, 6, 0, lines([b"AUTH SCRAM-SHA-256", b"not base64!", b"AUTH PLAIN =", b"="]))
    w("errors", 0x40, 7, 0, lines([b"FOO", b"BAR", b"RETR", b"PASS x", b"STAT", b"USER"]))
    w("bare-lf", 5, 8, 3, b"USER a\nPASS b\nSTAT\nQUIT\n")
    w("bare-lf-refused", 0, 9, 0, b"NOOP\nCAPA\r\n")
    w("apop", 0, 10, 0, lines([b"APOP mrose c4c9334bac560ecc979e58001b3e22fb", b"RETR 1", b"TOP 1 0", b"QUIT"]))
    w("utf8-lang-ext", 1, 11, 4, lines([b"UTF8", b"LANG", b"LANG de", b"XTND", b"XNOP a", b"USER a", b"PASS b", b"XTND"]))
    w("oversized-line", 0, 12, 50, b"USER " + b"a" * 300 + b"\r\nPASS " + b"p" * 300 + b"\r\nNOOP\r\n")
    w("err-greeting", 0x10, 13, 0, b"QUIT\r\n")
    w("normalize", 9, 14, 0, lines([b"USER a", b"PASS b", b"RETR 1", b"TOP 1 1", b"RETR 2"]))
    w("tls-active", 2, 15, 0, lines([b"STLS", b"USER a", b"PASS b", b"AUTH PLAIN =", b"LIST", b"QUIT"]))
    w("quit-pipelined", 1, 16, 0, lines([b"USER a", b"PASS b", b"DELE 1", b"QUIT", b"NOOP"]))


def client():
    t = "pop3_client"
    w = lambda name, flags, seed, chunk, plan, stream: write(
        t, name, bytes([flags, seed, chunk]) + lines(plan, b"\n") + b"\n" + stream)
    rfc = (GREETING + b"+OK mrose is a real hoopy frood\r\n+OK mrose's maildrop has 2 messages (320 octets)\r\n"
           b"+OK 2 320\r\n+OK 2 messages (320 octets)\r\n1 120\r\n2 200\r\n.\r\n"
           b"+OK 120 octets\r\n" + MESSAGE + b".\r\n+OK dewey POP3 server signing off\r\n")
    plan = [b"USER mrose", b"PASS tanstaaf", b"STAT", b"LIST", b"RETR 1", b"QUIT"]
    w("rfc1939-session", 0, 1, 0, plan, rfc)
    w("rfc1939-pipelined", 1, 2, 3, plan, rfc)
    w("rfc1939-trickle", 0x21, 14, 9, plan, rfc)
    w("stls-injection", 0, 3, 0, [b"STLS", b"CAPA"], GREETING + b"+OK begin TLS\r\n+OK injected\r\n")
    w("stls-then-capa", 0, 4, 7, [b"STLS", b"CAPA"], GREETING + b"+OK begin TLS\r\n")
    w("auth", 0, 5, 4, [b"AUTH PLAIN", b"AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q="],
      GREETING + b"+ \r\n+ dGVzdA==\r\n-ERR [AUTH] no\r\n+OK\r\n")
    w("capa", 0, 6, 0, [b"CAPA", b"CAPA"], GREETING + CAPA_2449 + CAPA_MORE)
    w("errors", 1, 7, 0, [b"USER a", b"PASS b", b"LIST", b"UIDL", b"UIDL 1"],
      GREETING + b"+OK\r\n+OK\r\n-ERR no\r\n+OK\r\nbad\r\n.\r\n+OK 1\r\n")
    w("unsolicited", 0, 8, 0, [], GREETING + b"+OK extra\r\n")
    w("shapes", 1, 9, 2, [b"XTND", b"~" + bytes([STATUS]) + b" XNOP", b"~" + bytes([GUESS]) + b" XGES",
                          b"AUTH", b"LANG"],
      GREETING + b"+OK\r\nfoo\r\n..\r\n.\r\n+OK\r\n+OK\r\n+OK\r\nPLAIN\r\n.\r\n"
      b"+OK\r\nen English\r\n.\r\n")
    w("bare-lf", 12, 10, 0, [b"USER a", b"PASS b", b"RETR 1"], b"+OK\n+OK\n+OK\n+OK\nline\n.\n")
    w("tiny-limits", 16, 11, 0, [b"USER a", b"PASS b", b"LIST", b"UIDL"],
      GREETING[:30] + b"\r\n+OK\r\n+OK\r\n+OK\r\n1 2\r\n2 3\r\n3 4\r\n4 5\r\n.\r\n+OK " + b"y" * 50 + b"\r\n")
    w("greeting-err", 0, 12, 0, [b"NOOP"], b"-ERR busy\r\n")
    w("utf8-apop", 0, 13, 0, [b"UTF8", b"APOP mrose c4c9334bac560ecc979e58001b3e22fb", b"TOP 1 0"],
      GREETING + b"+OK UTF8 enabled\r\n+OK\r\n+OK\r\nSubject: x\r\n\r\n.\r\n")


def pair():
    t = "pop3_pair"
    w = lambda name, flags, seed, chunk, plan: write(t, name, bytes([flags, seed, chunk]) + lines(plan, b"\n"))
    full = [b"CAPA"] + SESSION
    w("rfc1939-session", 4, 1, 0, full)
    w("rfc1939-pipelined", 5, 2, 7, full)
    w("stls", 0, 3, 5, [b"CAPA", b"STLS", b"USER mrose", b"PASS x", b"STAT", b"RETR 1", b"QUIT"])
    w("auth", 4, 4, 3, [b"AUTH", b"AUTH PLAIN", b"AUTH PLAIN dGVzdAB0ZXN0AHRlc3Q=", b"AUTH LOGIN",
                        b"STAT", b"QUIT"])
    w("apop-utf8-ext", 1, 5, 11, [b"APOP mrose c4c9334bac560ecc979e58001b3e22fb", b"UTF8", b"LANG",
                                  b"LANG en", b"XTND", b"XNOP a b", b"RETR 1", b"TOP 1 3"])
    w("normalize", 12, 6, 0, [b"USER a", b"PASS b", b"RETR 1", b"RETR 2", b"TOP 1 0", b"RETR 3"])
    w("wrong-state", 0, 7, 2, [b"STAT", b"RETR 1", b"PASS x", b"USER a", b"PASS y", b"QUIT"])
    w("tls-active", 2, 8, 0, [b"STLS", b"USER a", b"PASS b", b"LIST", b"UIDL", b"QUIT"])
    w("lenient-client", 0x35, 9, 1, [b"USER a", b"PASS b", b"RETR 1", b"RETR 2", b"QUIT"])
    w("long-lines", 5, 10, 0, [b"USER " + b"u" * 300, b"AUTH PLAIN " + b"QUFB" * 80, b"NOOP"])


def values():
    t = "pop3_values"
    z = b"\0"
    u32 = lambda n: n.to_bytes(4, "little")
    w = lambda name, kind, data: write(t, name, bytes([kind]) + data)
    w("user", 0, b"j\xc3\xbcrgen" + z)
    w("pass", 1, b"tanstaaf with spaces" + z)
    w("apop", 2, b"mrose" + z + bytes.fromhex("c4c9334bac560ecc979e58001b3e22fb"))
    w("list", 4, b"\x01" + u32(17))
    w("top", 10, u32(1) + u32(10))
    w("auth", 14, b"\x03PLAIN" + z + b"\0tim\0tanstaaf" + z)
    w("lang", 16, b"\x02de-CH" + z)
    w("other", 17, b"XTND" + z + b"\x02XMIT" + z + b"caf\xc3\xa9" + z)
    w("status-code", 129, b"\x0fX-EXT/SUB" + z + b"text" + z)
    w("stat", 130, u32(2) + u32(320) + z)
    w("scan-list", 132, b"\x00" + z + b"\x02" + u32(1) + u32(120) + b"\x00" + z + u32(2) + u32(200) + b"\x01info" + z)
    w("uid-list", 134, b"\x00" + z + b"\x01" + u32(1) + b"whqtswO00WBw418f9t5JxYwZ" + z)
    w("capabilities", 135, b"\x00Capability list follows" + z + b"\x04\x02\x02PLAIN" + z + b"GSSAPI" + z
      + b"\x04" + u32(900) + b"\x01\x08Shlemazle-Plotz-v302" + z + b"\x0eX-FOO" + z + b"\x01bar" + z)
    w("languages", 137, b"\x00" + z + b"\x01en" + z + b"English" + z)
    w("message", 138, b"\x00120 octets" + z + b"..dot\r\nno end\n.")
    w("challenge", 140, b"\x00\x01\xff")


# ---------------------------------------------------------------------------------------------
# IMAP (mailwire-imap). Layouts: fuzz/targets/src/lib.rs. Besides the hand-made seeds below, the
# transcripts in crates/mailwire-imap/tests/vectors/*.trace (RFC 9051, RFC 3501 and extension
# examples, a Dovecot capture) become seeds of every IMAP target when that directory exists.

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "crates", "mailwire-imap",
                       "tests", "vectors")
# imap_util::options: [quirks, knobs], written here as one number (quirks | knobs << 8).
LENIENT, BARE_CONT, NIL_STR, BARE_LF, EIGHT_BIT, NUL_LIT = 1, 2, 4, 8, 16, 32
DEPTH8, DEPTH512, DEPTH1000 = 0x100, 0x200, 0x300
SMALL = 0x400


def depth_name(n, opts):
    return "%d%s" % (n, {0: "", DEPTH8: "-d8", DEPTH512: "-d512", DEPTH1000: "-d1000"}[opts & 0x300])


def crlf(*msgs):
    return b"".join(m + b"\r\n" for m in msgs)


def vec(name):
    """The messages of a tests/vectors/*.vec file (one per non-comment line, CRLF-joined)."""
    path = os.path.join(VECTORS, name)
    if not os.path.exists(path):
        return b""
    with open(path, "rb") as f:
        return b"".join(l + b"\r\n" for l in f.read().split(b"\n") if l and not l.startswith(b"#"))


def ext_vecs(direction):
    """The messages of one direction (b"C" or b"S") of each extension .vec file in
    tests/vectors (rfcNNNN.vec, x-gm-ext-1.vec: records "# C label" / "# S label"), by file."""
    if not os.path.isdir(VECTORS):
        return []
    out = []
    for fname in sorted(os.listdir(VECTORS)):
        if not fname.endswith(".vec") or fname.startswith("rfc-"):
            continue
        with open(os.path.join(VECTORS, fname), "rb") as f:
            data = f.read()
        msgs = b""
        for rec in (b"\r\n" + data).split(b"\r\n# ")[1:]:
            label, _, body = rec.partition(b"\n")
            if label.startswith(direction + b" "):
                msgs += body if body.endswith(b"\r\n") else body + b"\r\n"
        out.append((fname[:-len(".vec")], msgs))
    return out


def chunks(data, n):
    """`data` split at line ends into pieces of about `n` bytes."""
    out, start = [], 0
    while start < len(data):
        end = data.find(b"\r\n", start + n)
        end = len(data) if end < 0 else end + 2
        out.append(data[start:end])
        start = end
    return out


def traces():
    """(name, client stream, server stream) of each transcript, as tests/vectors.rs reads them."""
    if not os.path.isdir(VECTORS):
        return []
    out = []
    for fname in sorted(os.listdir(VECTORS)):
        if not fname.endswith(".trace"):
            continue
        c, s = b"", b""
        with open(os.path.join(VECTORS, fname), "rb") as f:
            for line in f.read().split(b"\n"):
                if line.startswith(b"C:") or line.startswith(b"S:"):
                    content = line[2:]
                    if content.startswith(b" "):
                        content = content[1:]
                    if line.startswith(b"C:"):
                        c += content + b"\r\n"
                    else:
                        s += content + b"\r\n"
        out.append((fname[:-len(".trace")], c, s))
    return out


def without_empty_lines(stream):
    """Drops empty lines outside literals (an empty line ends a command plan)."""
    out, i = b"", 0
    while i < len(stream):
        j = stream.find(b"\n", i)
        j = len(stream) if j < 0 else j + 1
        line = stream[i:j]
        i = j
        if line in (b"\r\n", b"\n"):
            continue
        out += line
        body = line.rstrip(b"\r\n")
        if body.endswith(b"}") and b"{" in body:
            n = body[body.rfind(b"{") + 1:-1].rstrip(b"+")
            if n.isdigit():
                out += stream[i:i + int(n)]
                i += int(n)
    return out


def nest(n, open_, inner, close):
    return open_ * n + inner + close * n


def body_multipart(n):
    s = b'("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 3028 92)'
    for _ in range(n):
        s = b"(" + s + b' "MIXED")'
    return b"* 1 FETCH (BODYSTRUCTURE " + s + b")"


def body_rfc822(n):
    env = b'("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "subject" NIL NIL NIL NIL NIL NIL NIL "<id@x>")'
    s = b'("TEXT" "PLAIN" NIL NIL NIL "7BIT" 1 1)'
    for _ in range(n):
        s = b'("MESSAGE" "RFC822" NIL NIL NIL "7BIT" 342 ' + env + b" " + s + b" 5)"
    return b"* 2 FETCH (BODY " + s + b")"


def body_ext(n):
    return (b'* 3 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1 1 NIL '
            b'("INLINE" NIL) NIL NIL ' + nest(n, b"(", b'"x" 1', b")") + b"))")


RFC9051_RESPONSES = [
    b"* OK [ALERT] System shutdown in 10 minutes",
    b"A001 OK LOGIN completed",
    b"* NO [ALERT] Disk quota exceeded",
    b"A222 BAD Unknown command",
    b"* BYE Autologout; idle for too long",
    b"* CAPABILITY IMAP4rev2 STARTTLS AUTH=GSSAPI XPIG-LATIN",
    b"* ENABLED CONDSTORE QRESYNC",
    b'* LIST (\\Noselect) "/" ~/Mail/foo',
    b'* LIST () "." "INBOX.Sent" ("CHILDINFO" ("SUBSCRIBED"))',
    b'* LIST (\\Marked \\NoInferiors) NIL "inbox" (OLDNAME ("foo"))',
    b'* NAMESPACE (("" "/")) (("~" "/")) (("#shared/" "/")("#public/" "/")("#ftp/" "/")("#news." "."))',
    b'* NAMESPACE (("" "/" "X-PARAM" ("FLAG1" "FLAG2"))) NIL NIL',
    b"* STATUS blurdybloop (MESSAGES 231 UIDNEXT 44292)",
    b'* ESEARCH (TAG "A282") MIN 2 COUNT 3',
    b'* ESEARCH (TAG "A283") UID ALL 4:19,21,28',
    b"* SEARCH 2 84 882",
    b"* SEARCH",
    b"* FLAGS (\\Answered \\Flagged \\Deleted \\Seen \\Draft)",
    b"* 172 EXISTS",
    b"* 1 RECENT",
    b"* 44 EXPUNGE",
    b"* 23 FETCH (FLAGS (\\Seen) RFC822.SIZE 44827)",
    b"* OK [UNSEEN 12] Message 12 is first unseen",
    b"* OK [UIDVALIDITY 3857529045] UIDs valid",
    b"* OK [UIDNEXT 4392] Predicted next UID",
    b"* OK [PERMANENTFLAGS (\\Deleted \\Seen \\*)] Limited",
    b"A142 OK [READ-WRITE] SELECT completed",
    b"A003 OK [APPENDUID 38505 3955] APPEND completed",
    b"A004 OK [COPYUID 38505 304,319:320 3956:3958] Done",
    b"a NO [AUTHENTICATIONFAILED] Authentication failed",
    b"b NO [BADCHARSET (UTF-8 \"X-WEIRD\")] charset",
    b"c OK [X-UNKNOWN-CODE some text] done",
    b"* OK [CAPABILITY IMAP4rev2 LITERAL+] hi",
    b"* 12 FETCH (BODY[HEADER] {29}\r\nSubject: hello\r\nFrom: a@b\r\n\r\n)",
    b"* 12 FETCH (BINARY[1] ~{4}\r\n\x00\x01\x02\x03 UID 8)",
    b"* 12 FETCH (BODY[1.2.MIME]<0> NIL BODY[TEXT] \"quoted \\\"body\\\"\")",
    b'* 12 FETCH (INTERNALDATE "17-Jul-1996 02:44:25 -0700" ENVELOPE ("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL "<B27397-0100000@cac.washington.edu>"))',
    b'* 3 FETCH (BODYSTRUCTURE (("TEXT" "PLAIN" ("CHARSET" "US-ASCII") NIL NIL "7BIT" 1152 23)("TEXT" "PLAIN" ("CHARSET" "US-ASCII" "NAME" "cc.diff") "<960723163407.20117h@cac.washington.edu>" "Compiler diff" "BASE64" 4554 73) "MIXED"))',
    b"+ Ready for additional command text",
    b"+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=",
    b"+ ",
]

RFC9051_COMMANDS = [
    b"a001 CAPABILITY", b"a002 NOOP", b"A023 LOGOUT", b"a002 STARTTLS",
    b"a001 AUTHENTICATE GSSAPI", b"A01 AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=",
    b"a AUTHENTICATE EXTERNAL =", b"a001 LOGIN SMITH SESAME",
    b'a002 LOGIN "smith" "se\\"sa\\\\me"', b"t2 ENABLE CONDSTORE QRESYNC",
    b"A142 SELECT INBOX", b"A932 EXAMINE blurdybloop", b"A003 CREATE owatagusiam/",
    b"A683 DELETE blurdybloop", b"A685 RENAME INBOX old-mail", b"A002 SUBSCRIBE #news.comp.mail.mime",
    b"A002 UNSUBSCRIBE #news.comp.mail.mime", b'A101 LIST "" ""', b'A102 LIST #news.comp.mail.misc ""',
    b'A202 LIST ~/Mail/ %', b'A02 LIST (SUBSCRIBED) "" "*"', b'A03 LIST () "" "%" RETURN (CHILDREN)',
    b'A04 LIST (REMOTE RECURSIVEMATCH) "" ("INBOX" "Drafts" "Sent/%") RETURN (STATUS (MESSAGES UNSEEN) SPECIAL-USE)',
    b'A05 LIST (X-EXT (a (b c)) ) "" %', b"A001 LSUB \"#news.\" \"comp.mail.*\"", b"A001 NAMESPACE",
    b"A042 STATUS blurdybloop (UIDNEXT MESSAGES)",
    b"A003 APPEND saved-messages (\\Seen) {23}\r\nSubject: hi\r\n\r\nbody\r\n",
    b'A004 APPEND Drafts (\\Draft $MDNSent) " 7-Feb-1994 21:52:25 -0800" {5+}\r\nhello',
    b"A005 APPEND INBOX ~{3}\r\n\x00\xff\x01",
    b"A006 IDLE", b"A341 CLOSE", b"A342 UNSELECT", b"A202 EXPUNGE", b"A003 UID EXPUNGE 3000:3002",
    b'A282 SEARCH RETURN (MIN COUNT) FLAGGED SINCE 1-Feb-1994 NOT FROM "Smith"',
    b"A283 SEARCH RETURN () FLAGGED SINCE 1-Feb-1994 NOT FROM \"Smith\"",
    b'A284 SEARCH TEXT "string not in mailbox"', b"A285 SEARCH CHARSET UTF-8 TEXT {4+}\r\n\xe2\x98\x83\x21",
    b"A301 UID SEARCH OR (SEEN FLAGGED) (NOT DELETED) UID 1:* LARGER 100 SMALLER 99999999999",
    b"A302 SEARCH RETURN (SAVE) SINCE 19-Mar-2007 NOT FROM \"Eric\"", b"A303 UID FETCH $ (UID FLAGS)",
    b'A304 SEARCH HEADER "Message-Id" "<x@y>" KEYWORD $Junk UNKEYWORD foo 1,3:5,7:* NEW OLD RECENT',
    b"A654 FETCH 2:4 (FLAGS BODY[HEADER.FIELDS (DATE FROM)])", b"A655 FETCH 1 ALL", b"A656 FETCH 1 FAST",
    b"A657 UID FETCH 1:* FULL", b"A658 FETCH 3 BODY.PEEK[1.2.MIME]<0.2048>", b"A659 FETCH 3 BINARY[1]<0.10>",
    b"A660 FETCH 3 (BINARY.SIZE[1] BODYSTRUCTURE ENVELOPE INTERNALDATE RFC822.SIZE RFC822.HEADER)",
    b"A003 STORE 2:4 +FLAGS (\\Deleted)", b"A004 UID STORE 1 -FLAGS.SILENT \\Seen", b"A005 STORE 1 FLAGS ()",
    b"A003 COPY 2:4 MEETING", b"a UID MOVE 42:69 foo", b"A1 CHECK", b"A2 SELECT &U,BTFw-",
]


def imap_command():
    t = "imap_command"
    w = lambda name, opts, data: write(t, name, bytes([opts & 0xff, opts >> 8]) + data)
    w("rfc9051-commands", 0, crlf(*RFC9051_COMMANDS))
    for i in range(0, len(RFC9051_COMMANDS), 12):
        w("rfc9051-commands-%d" % i, 0, crlf(*RFC9051_COMMANDS[i:i + 12]))
    w("lowercase", 0, crlf(b"a1 login smith sesame", b"a2 select inbox", b"a3 uid fetch 1:* (flags)",
                            b"a4 store 1 +flags.silent (\\deleted)", b"a5 search not seen"))
    w("authenticate-data", 0, crlf(b"dGVzdAB0ZXN0AHRlc3Q=", b"*", b"", b"=", b"not base64!", b"DONE", b"done"))
    w("idle-done", 0, crlf(b"A1 IDLE", b"DONE", b"DONE ", b"DONEX"))
    w("literals", 0, b"A1 LOGIN {5}\r\nsmith {6}\r\nsesame\r\nA2 LOGIN {5+}\r\nsmith {0}\r\n\r\n"
                     b"A3 SELECT {3}\r\nfoo\r\nA4 LOGIN {3}\r\n")
    w("literal-sync-pending", 0, b"A1 APPEND INBOX {10}\r\n")
    w("literal-too-long", SMALL, b"A1 APPEND INBOX {41}\r\nA2 NOOP\r\nA3 APPEND INBOX {100+}\r\n"
                                  + b"x" * 100 + b"\r\nA4 NOOP\r\n")
    w("line-too-long", SMALL, b"A1 LOGIN " + b"u" * 250 + b" p\r\nA2 NOOP\r\n")
    w("bare-lf", BARE_LF, b"A1 NOOP\nA2 LOGIN a b\nA3 LOGIN {1}\nx y\n")
    w("bare-lf-strict", 0, b"A1 NOOP\nA2 NOOP\r\nA3 LOGIN {1}\nx y\r\nA4 NOOP\r\n")
    w("lenient-spaces", LENIENT, crlf(b"A1  LOGIN  a  b ", b"A2 FETCH 1 (FLAGS  UID )",
                                      b"A3 SEARCH ( SEEN  FLAGGED )"))
    w("eight-bit", EIGHT_BIT, crlf(b'A1 LOGIN "j\xc3\xbcrgen" x', b"A2 SELECT \xff", b'A3 SEARCH TEXT "\xe2\x98\x83"'))
    w("errors", 0, crlf(b"A1", b"A1 FOO", b"* NOOP", b"+ NOOP", b"A1 FETCH", b"A1 FETCH 0 ALL",
                        b"A1 SEARCH OR SEEN", b"A1 STORE 1 +FLAGS (\\Seen", b"A1 LOGIN a",
                        b"A1 SEARCH BEFORE 31-Feb-2000", b"A1 SEARCH LARGER 99999999999999999999999",
                        b"A1 SELECT {99999999999999999999}", b'A1 LOGIN "a\x00b" c'))
    w("truncated", 0, b"A1 LOGIN smith ses")
    w("truncated-literal", 0, b"A1 LOGIN {5}\r\nsmi")
    for n, opts in ((8, 0), (63, 0), (64, 0), (65, 0), (300, 0), (7, DEPTH8), (8, DEPTH8), (511, DEPTH512),
                    (512, DEPTH512), (513, DEPTH1000), (2000, DEPTH1000)):
        w("deep-search-paren-" + depth_name(n, opts), opts, b"A1 SEARCH " + nest(n, b"(", b"ALL", b")") + b"\r\nA2 NOOP\r\n")
        w("deep-search-not-" + depth_name(n, opts), opts, b"A1 SEARCH " + b"NOT " * n + b"SEEN\r\nA2 NOOP\r\n")
        w("deep-search-or-" + depth_name(n, opts), opts, b"A1 UID SEARCH " + b"OR " * n + b"SEEN " * n + b"ALL\r\n")
        w("deep-list-ext-" + depth_name(n, opts), opts, b'A1 LIST (X-EXT ' + nest(n, b"(", b"a", b")") + b') "" %\r\n')
    w("deep-mixed", 0, b"A1 SEARCH " + b"NOT (OR " * 20 + b"SEEN" + b" ALL)" * 20 + b"\r\n")
    w("deep-unbalanced", 0, b"A1 SEARCH " + b"(" * 100 + b"\r\n" + b"A2 SEARCH " + b")" * 100 + b"\r\n")
    w("nul-in-literal", 0, b"A1 APPEND INBOX {3}\r\na\x00b\r\nA2 NOOP\r\n")
    w("nul-in-literal-allowed", NUL_LIT, b"A1 APPEND INBOX {3}\r\na\x00b\r\nA2 LOGIN {1}\r\n\x00 x\r\n")
    for name, c, _ in traces():
        w("trace-" + name, 0, c)
    for i, piece in enumerate(chunks(vec("rfc-commands.vec"), 2000)):
        w("vec-rfc-commands-%d" % i, 0, piece)
    for name, msgs in ext_vecs(b"C"):
        for i, piece in enumerate(chunks(msgs, 2000)):
            w("vec-%s-%d" % (name, i), 0, piece)


def imap_response():
    t = "imap_response"
    w = lambda name, opts, data: write(t, name, bytes([opts & 0xff, opts >> 8]) + data)
    w("rfc9051-responses", 0, crlf(*RFC9051_RESPONSES))
    for i in range(0, len(RFC9051_RESPONSES), 10):
        w("rfc9051-responses-%d" % i, 0, crlf(*RFC9051_RESPONSES[i:i + 10]))
    w("greeting-ok", 0, crlf(b"* OK [CAPABILITY IMAP4rev2 STARTTLS LOGINDISABLED] IMAP4rev2 Service Ready", b"* 1 EXISTS"))
    w("greeting-preauth", 0, crlf(b"* PREAUTH IMAP4rev2 server logged in as Smith"))
    w("greeting-bye", 0, crlf(b"* BYE Autologout; idle for too long"))
    w("challenges", 0, crlf(b"+ ", b"+", b"+ dGVzdA==", b"+ dGVzdA", b"+ [ALERT] hi", b"+ not base64", b"+ ="))
    w("quirk-nil-as-string", 0, crlf(b'* 1 FETCH (BODYSTRUCTURE ("TEXT" "PLAIN" ("CHARSET" NIL) NIL NIL NIL 10 1))'))
    w("quirk-nil-strict", NIL_STR, crlf(b'* 1 FETCH (BODYSTRUCTURE ("TEXT" NIL ("CHARSET" NIL) NIL NIL "7BIT" 10 1))'))
    w("quirk-lenient-spaces", 0, crlf(b'* LIST (\\HasNoChildren) "/" Foo ', b"* 1 FETCH (FLAGS (\\Seen)  UID 4 )",
                                      b"*  OK  hi", b"A1 OK  done "))
    w("quirk-strict", LENIENT | BARE_CONT | NIL_STR | EIGHT_BIT,
      crlf(b'* LIST (\\HasNoChildren) "/" Foo ', b"+", b'* 1 FETCH (ENVELOPE (NIL "\xe4rger" NIL NIL NIL NIL NIL NIL NIL NIL))'))
    w("quirk-eight-bit", 0, crlf(b"* OK gr\xfc\xdfe", b'* 1 FETCH (ENVELOPE (NIL "\xe4rger" NIL NIL NIL NIL NIL NIL NIL NIL))'))
    w("bare-lf", BARE_LF, b"* OK hi\n* 1 EXISTS\n* 1 FETCH (BODY[] {3}\nabc)\n")
    w("literal8-and-literal-plus", 0, b"* 1 FETCH (BINARY[] ~{2}\r\n\x00\x00 BODY[] {3+}\r\nabc)\r\n")
    w("small-limits", SMALL, b"* 1 FETCH (BODY[] {41}\r\n" + b"x" * 41 + b")\r\n* " + b"y" * 300 + b"\r\n* 2 EXISTS\r\n")
    w("truncated", 0, b"* 1 FETCH (BODY[] {10}\r\nabc")
    w("truncated-line", 0, b"* OK [ALERT")
    for n, opts in ((8, 0), (63, 0), (64, 0), (65, 0), (300, 0), (8, DEPTH8), (9, DEPTH8), (511, DEPTH512),
                    (512, DEPTH512), (513, DEPTH1000), (3000, DEPTH1000)):
        sfx = depth_name(n, opts)
        w("deep-multipart-" + sfx, opts, crlf(body_multipart(n), b"* 1 EXISTS"))
        w("deep-rfc822-" + sfx, opts, crlf(body_rfc822(n), b"* 1 EXISTS"))
        w("deep-body-ext-" + sfx, opts, crlf(body_ext(n), b"* 1 EXISTS"))
        w("deep-esearch-" + sfx, opts, crlf(b'* ESEARCH (TAG "a") X-EXT ' + nest(n, b"(", b"a", b")"), b"* 1 EXISTS"))
        w("deep-list-ext-" + sfx, opts, crlf(b'* LIST () "/" INBOX (X-EXT ' + nest(n, b"(", b"a", b")") + b")",
                                             b"* 1 EXISTS"))
    w("deep-unbalanced", 0, crlf(b"* 1 FETCH (BODYSTRUCTURE " + b"(" * 200, b"* 2 FETCH " + b")" * 200))
    w("nul-in-literal", 0, b"* 1 FETCH (BODY[] {3}\r\na\x00b)\r\n")
    w("nul-in-literal-refused", NUL_LIT, b"* 1 FETCH (BODY[] {3}\r\na\x00b BINARY[] ~{1}\r\n\x00)\r\n")
    for name, _, s in traces():
        w("trace-" + name, 0, s)
    for i, piece in enumerate(chunks(vec("rfc-responses.vec"), 2000)):
        w("vec-rfc-responses-%d" % i, 0, piece)
    for name, msgs in ext_vecs(b"S"):
        for i, piece in enumerate(chunks(msgs, 2000)):
            w("vec-%s-%d" % (name, i), 0, piece)


def imap_frame():
    t = "imap_frame"
    # [flags, line, literal, message, seed, chunk_max]; flags: 1 server mode, 2 bare LF, 4 line*16,
    # 8 literal*64, 16 message*64, 32 literal decision may wait, 64 take_all.
    w = lambda name, flags, line, lit, msg, seed, chunk, data: write(t, name, bytes([flags, line, lit, msg, seed, chunk]) + data)
    cmds = crlf(*RFC9051_COMMANDS)
    w("commands-server", 1 | 4 | 8 | 16, 255, 255, 255, 1, 0, cmds)
    w("commands-server-chunked", 1 | 4 | 8 | 16 | 32, 255, 255, 255, 2, 7, cmds)
    w("responses-client", 4 | 8 | 16, 255, 255, 255, 3, 5, crlf(*RFC9051_RESPONSES))
    w("sync-literals", 1 | 32, 60, 20, 40, 4, 3, b"A1 LOGIN {5}\r\nsmith {6}\r\nsesame\r\nA2 NOOP\r\n"
                                                  b"A3 APPEND x {3}\r\nabc\r\nA4 LOGIN {0}\r\n {2}\r\nab\r\n")
    w("literal-too-long", 1, 60, 10, 40, 5, 4, b"A1 APPEND x {11}\r\nA2 NOOP\r\nA3 APPEND x {50+}\r\n" + b"y" * 50
      + b"\r\nA4 NOOP\r\n")
    w("message-too-long", 1, 60, 60, 10, 6, 9, b"A1 LOGIN {30}\r\nA2 LOGIN {30+}\r\n" + b"z" * 30 + b"\r\nA3 NOOP\r\n")
    w("line-too-long", 0, 15, 10, 40, 7, 3, b"* " + b"x" * 100 + b"\r\n* OK\r\n* " + b"y" * 20 + b"\n* OK\r\n")
    w("bare-lf", 2, 60, 10, 40, 8, 2, b"* OK\n* 1 FETCH (BODY[] {2}\nab)\n")
    w("bare-lf-strict", 1, 60, 10, 40, 9, 0, b"A1 NOOP\nA2 LOGIN {5}\nA3 NOOP\r\n")
    w("bare-lf-long", 1, 10, 10, 40, 10, 4, b"A1 NOOP NOOP NOOP\nA2 NOOP\r\n")
    w("buffer-bound", 1 | 32, 20, 30, 10, 11, 1, b"A {30}\r\n" + b"d" * 30 + b"x" * 21 + b"\r\n")
    w("take-all", 1 | 64, 60, 10, 40, 12, 3, cmds[:300])
    w("literal8", 1, 60, 10, 40, 13, 1, b"A1 APPEND x ~{3}\r\n\x00\r\n\r\nA2 NOOP\r\n")
    w("zero-limits", 1, 0, 0, 0, 14, 1, b"A1 NOOP\r\nA {0}\r\n\r\n")
    for name, c, s in traces():
        w("trace-client-" + name, 1 | 4 | 8 | 16, 255, 255, 255, 15, 11, c)
        w("trace-server-" + name, 4 | 8 | 16, 255, 255, 255, 16, 13, s)


def imap_server():
    t = "imap_server"
    # [flags, seed, chunk_max]; flags: 1 TLS, 2 plaintext LOGIN, 4 manual literals, 8 bare LF,
    # 16 lenient spaces, 32/64 greeting (OK, PREAUTH, BYE, OK+code), 128 small limits.
    w = lambda name, flags, seed, chunk, data: write(t, name, bytes([flags, seed, chunk]) + data)
    session = crlf(b"a001 CAPABILITY", b"a002 LOGIN smith sesame", b"a003 SELECT INBOX", b"a004 FETCH 1:* (FLAGS UID)",
                   b"a005 STORE 1 +FLAGS (\\Deleted)", b"a006 EXPUNGE", b"a007 CLOSE", b"a008 LOGOUT", b"a009 NOOP")
    w("session", 2, 1, 0, session)
    w("session-chunked", 2, 2, 5, session)
    w("session-tls", 1, 3, 3, session)
    w("plaintext-refused", 0, 4, 0, session)
    w("starttls-injection", 0, 5, 0, crlf(b"a1 STARTTLS", b"a2 LOGIN evil x"))
    w("starttls-then-login", 0, 6, 8, crlf(b"a1 CAPABILITY", b"a2 STARTTLS"))
    w("starttls-twice", 1, 7, 0, crlf(b"a1 STARTTLS", b"a2 STARTTLS"))
    w("authenticate", 2, 8, 4, crlf(b"a1 AUTHENTICATE PLAIN", b"dGVzdAB0ZXN0AHRlc3Q=", b"a2 AUTHENTICATE PLAIN",
                                    b"*", b"a3 AUTHENTICATE GSSAPI", b"not base64", b"a4 AUTHENTICATE PLAIN =",
                                    b"a5 NOOP"))
    w("authenticate-rounds", 1, 9, 0, crlf(b"a1 AUTHENTICATE SCRAM-SHA-256", b"", b"YQ==", b"Yg==", b"Yw==", b"a2 NOOP"))
    w("idle", 0x20, 10, 3, crlf(b"a1 IDLE", b"DONE", b"a2 IDLE", b"NOT DONE", b"a3 IDLE", b"done", b"a4 NOOP"))
    w("idle-literal", 0x20 | 4, 11, 0, crlf(b"a1 IDLE") + b"a2 LOGIN {3}\r\nabc x\r\nDONE\r\na3 NOOP\r\n")
    w("authenticate-literal", 1 | 4, 12, 0, crlf(b"a1 AUTHENTICATE X") + b"a2 {3}\r\nabc\r\n{4}\r\nYQ==\r\n*\r\na3 NOOP\r\n")
    w("literals-auto", 2, 13, 2, b"a1 LOGIN {5}\r\nsmith {6}\r\nsesame\r\na2 SELECT {5+}\r\nINBOX\r\n"
                                b"a3 APPEND INBOX (\\Seen) {10}\r\n0123456789\r\n")
    w("literals-manual", 2 | 4, 14, 0, b"a1 LOGIN {5}\r\nsmith {6}\r\nsesame\r\na2 APPEND INBOX {10}\r\n0123456789\r\n"
                                      b"a3 NOOP\r\n{3}\r\nabc\r\n")
    w("literals-too-big", 2 | 128, 15, 0, b"a1 LOGIN {65}\r\na2 LOGIN {65+}\r\n" + b"x" * 65 + b"\r\na3 NOOP\r\n")
    w("errors", 0, 16, 0, crlf(b"a1 FOO", b"a2", b"*", b"a3 FETCH 1 ALL", b"a4 SELECT INBOX", b"a5 LOGIN",
                               b"\xff\xfe", b"a6 NOOP", b"a7 NOOP", b"a8 NOOP", b"a9 NOOP", b"b1 FOO", b"b2 FOO"))
    w("too-many-errors", 0, 24, 0, crlf(*[b"x%d BAD" % i for i in range(12)]))
    w("preauth", 0x20, 17, 0, crlf(b"a1 LOGIN a b", b"a2 SELECT INBOX", b"a3 UNSELECT", b"a4 EXAMINE x", b"a5 CLOSE"))
    w("bye-greeting", 0x40, 18, 0, crlf(b"a1 NOOP"))
    w("bare-lf", 2 | 8, 19, 0, b"a1 LOGIN a b\na2 SELECT INBOX\na3 LOGIN {1}\nx y\n")
    w("lenient", 2 | 16, 20, 0, crlf(b"a1  LOGIN a  b ", b"a2 SELECT  INBOX"))
    w("line-too-long", 2 | 128, 21, 7, b"a1 LOGIN " + b"u" * 300 + b" p\r\na2 NOOP\r\n")
    w("logout-pipelined", 2, 22, 0, crlf(b"a1 LOGOUT", b"a2 NOOP"))
    w("deep-search", 0x20, 23, 0, b"a1 SEARCH " + nest(70, b"(", b"ALL", b")") + b"\r\na2 SEARCH "
      + b"NOT " * 70 + b"ALL\r\na3 SEARCH " + nest(60, b"(", b"ALL", b")") + b"\r\n")
    for i, (name, c, _) in enumerate(traces()):
        w("trace-" + name, 2, 30 + i, 0, c)
        w("trace-chunked-" + name, 2 | 4, 80 + i, 9, c)


def imap_client():
    t = "imap_client"
    # [flags, seed, chunk_max], plan, empty line, server stream; flags: 1 TLS, 2 LITERAL+, 4 bare LF,
    # 8 strict quirks, 16 small limits, 32 enqueue one per feed, 64 cancel challenges, 128 DONE later.
    w = lambda name, flags, seed, chunk, plan, stream: write(t, name, bytes([flags, seed, chunk]) + plan + b"\r\n" + stream)
    greet = b"* OK [CAPABILITY IMAP4rev2 STARTTLS AUTH=PLAIN LITERAL+] ready\r\n"
    plan = crlf(b"a LOGIN smith sesame", b"a SELECT INBOX", b"a FETCH 1:* (FLAGS)", b"a LOGOUT")
    answers = crlf(b"A1 OK LOGIN completed", b"* 2 EXISTS", b"A2 OK [READ-WRITE] done", b"* 1 FETCH (FLAGS (\\Seen))",
                   b"A3 OK done", b"* BYE bye", b"A4 OK bye")
    w("session", 0, 1, 0, plan, greet + answers)
    w("session-chunked", 32, 2, 3, plan, greet + answers)
    w("stray-completion", 0, 3, 0, crlf(b"a NOOP"), greet + crlf(b"X1 OK what", b"A1 OK", b"A1 OK again"))
    w("early-completion", 0, 4, 0, crlf(b"a LOGIN a b", b"a NOOP"), greet + crlf(b"A2 OK early", b"A1 OK", b"A2 OK"))
    w("literal-sync", 0, 5, 0, b"a LOGIN {5}\r\nsmith {6}\r\nsesame\r\n", greet + crlf(b"+ go", b"+ go", b"A1 OK"))
    w("literal-refused", 0, 6, 0, b"a LOGIN {5}\r\nsmith x\r\na NOOP\r\n", greet + crlf(b"A1 NO [TOOBIG] no", b"A2 OK"))
    w("literal-plus", 2, 7, 0, b"a APPEND INBOX {3}\r\nabc\r\n", greet + crlf(b"A1 OK"))
    w("authenticate", 0, 8, 0, crlf(b"a AUTHENTICATE PLAIN"), greet + crlf(b"+ ", b"+ dGVzdA==", b"A1 OK"))
    w("authenticate-cancel", 64, 9, 0, crlf(b"a AUTHENTICATE GSSAPI", b"a NOOP"),
      greet + crlf(b"+ YGgGCSqGSIb3EgECAgIBAAD/////6jcyG4GE3KkTzBeBiVHeceP2CWY0SR0fAQAgAAQEBAQ=", b"A1 BAD cancelled", b"A2 OK"))
    w("idle", 0, 10, 0, crlf(b"a LOGIN a b", b"a IDLE", b"a NOOP"),
      greet + crlf(b"A1 OK", b"+ idling", b"* 3 EXISTS", b"A2 OK IDLE terminated", b"A3 OK"))
    w("idle-deferred", 128 | 32, 11, 4, crlf(b"a LOGIN a b", b"a IDLE", b"a NOOP"),
      greet + crlf(b"A1 OK", b"+ idling", b"+ again", b"A2 OK IDLE terminated", b"A3 OK"))
    w("starttls", 0, 12, 0, crlf(b"a STARTTLS", b"a CAPABILITY"), greet + crlf(b"A1 OK begin TLS"))
    w("starttls-injection", 0, 13, 0, crlf(b"a STARTTLS"), greet + crlf(b"A1 OK begin TLS", b"* OK injected"))
    w("greeting-bad", 0, 14, 0, crlf(b"a NOOP"), crlf(b"* FOO", b"A1 OK"))
    w("greeting-bye", 0, 15, 0, crlf(b"a NOOP"), crlf(b"* BYE go away"))
    w("preauth", 0, 16, 0, crlf(b"a SELECT INBOX", b"a CLOSE"), crlf(b"* PREAUTH hi", b"A1 OK", b"A2 OK"))
    w("bye-unsolicited", 0, 17, 0, crlf(b"a NOOP"), greet + crlf(b"* BYE shutdown", b"A1 OK"))
    w("garbage", 8, 18, 2, crlf(b"a NOOP"), greet + crlf(b"* FOO bar", b"+", b"A1 OK [ALERT"))
    w("small-limits", 16, 19, 0, crlf(b"a FETCH 1 BODY[]"), greet + b"* 1 FETCH (BODY[] {65}\r\n" + b"x" * 65
      + b")\r\n" + b"* " + b"y" * 130 + b"\r\nA1 OK\r\n")
    w("bare-lf", 4, 20, 0, crlf(b"a NOOP"), b"* OK hi\n* 1 EXISTS\nA1 OK\n")
    for i, (name, c, s) in enumerate(traces()):
        w("trace-" + name, 0, 30 + i, 0, without_empty_lines(c), s)


def imap_pair():
    t = "imap_pair"
    # [flags, seed, chunk_max], plan; flags: 1 TLS, 2 plaintext LOGIN, 4 LITERAL+, 8 manual literals,
    # 16 random OK/NO/BAD, 32 PREAUTH.
    w = lambda name, flags, seed, chunk, plan: write(t, name, bytes([flags, seed, chunk]) + plan)
    session = crlf(b"a CAPABILITY", b"a LOGIN smith sesame", b"a SELECT INBOX", b"a FETCH 1:* (FLAGS UID)",
                   b"a SEARCH OR SEEN (FLAGGED NOT DELETED)", b"a STORE 1 +FLAGS (\\Deleted)", b"a EXPUNGE",
                   b"a IDLE", b"a NOOP", b"a CLOSE", b"a LOGOUT", b"a NOOP")
    w("session", 2, 1, 0, session)
    w("session-chunked", 2, 2, 3, session)
    w("session-random-answers", 2 | 16, 3, 5, session)
    w("starttls", 0, 4, 0, crlf(b"a CAPABILITY", b"a STARTTLS", b"a LOGIN a b", b"a SELECT x", b"a LOGOUT"))
    w("authenticate", 0, 5, 2, crlf(b"a AUTHENTICATE SCRAM-SHA-256", b"a AUTHENTICATE PLAIN dGVzdAB0ZXN0AHRlc3Q=",
                                    b"a AUTHENTICATE GSSAPI", b"a SELECT INBOX"))
    w("literals", 2, 6, 4, b"a LOGIN {5}\r\nsmith {6}\r\nsesame\r\na APPEND INBOX (\\Seen) {10}\r\n0123456789\r\n"
                           b"a APPEND INBOX ~{3}\r\n\x00\x01\x02\r\n")
    w("literals-manual", 2 | 8, 7, 0, b"a LOGIN {5}\r\nsmith {6}\r\nsesame\r\na APPEND INBOX {10}\r\n0123456789\r\n"
                                     b"a APPEND x {1}\r\ny\r\na APPEND y {2}\r\nyz\r\n")
    w("literal-plus", 2 | 4, 8, 1, b"a LOGIN {5}\r\nsmith {6}\r\nsesame\r\na APPEND INBOX {10}\r\n0123456789\r\n")
    w("preauth-idle", 32, 9, 0, crlf(b"a IDLE", b"a IDLE", b"a SELECT INBOX", b"a IDLE"))
    w("wrong-state", 0, 10, 0, crlf(b"a SELECT INBOX", b"a FETCH 1 ALL", b"a LOGIN a b", b"a LOGIN a b"))
    w("tls", 1, 11, 7, crlf(b"a STARTTLS", b"a LOGIN a b", b"a SELECT INBOX", b"a UID FETCH 1:* FULL"))
    w("deep-search", 2 | 32, 12, 0, b"a SELECT INBOX\r\na SEARCH " + nest(60, b"(", b"SEEN", b")") + b"\r\n"
      + b"a SEARCH " + b"NOT " * 60 + b"ALL\r\n")
    compress = crlf(b"a LOGIN smith sesame", b"a COMPRESS DEFLATE", b"a SELECT INBOX", b"a FETCH 1:* (FLAGS UID)",
                    b"a APPEND INBOX {10}", b"0123456789", b"a IDLE", b"a COMPRESS DEFLATE", b"a UNAUTHENTICATE",
                    b"a LOGIN smith sesame", b"a ENABLE CONDSTORE", b"a XFROB {3}", b"abc", b"a LOGOUT")
    w("compress", 2, 13, 0, compress)
    w("compress-chunked", 2, 14, 2, compress)
    w("compress-random-answers", 2 | 16, 15, 7, compress)
    w("extensions", 2, 16, 3, crlf(b"a ID (\"name\" \"x\")", b"a LOGIN a b", b"a GETQUOTA \"\"",
                                   b"a SETQUOTA \"\" (STORAGE 512)", b"a GETMETADATA (DEPTH 1) \"\" /shared",
                                   b"a SETACL INBOX fred +lr", b"a LISTRIGHTS INBOX fred",
                                   b"a CREATE x (USE (\\Drafts))", b"a UNAUTHENTICATE", b"a LOGOUT"))
    for i, (name, c, _) in enumerate(traces()):
        w("trace-" + name, 2, 30 + i, 0, c)


if __name__ == "__main__":
    for f in (command, response, body, line_framer, server, client, pair, values,
              imap_command, imap_response, imap_frame, imap_server, imap_client, imap_pair):
        f()
