#!/usr/bin/env python3
"""Writes the hand-made seed corpora: fuzz/corpus/<target>/seed-<name>.

Each target's input layout is documented on its function in fuzz/targets/src/lib.rs. Re-run after
changing a layout: `python3 fuzz/make-seeds.py`. Existing seed-* files are replaced; files the
fuzzer added are left alone.
"""
import os

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


if __name__ == "__main__":
    for f in (command, response, body, line_framer, server, client, pair, values):
        f()
