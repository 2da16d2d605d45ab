#!/usr/bin/env python3
"""Interop: Python's poplib and curl against `mailwire serve` (POP3, RFC 1939/2449/2595).

Run by run.sh, which starts the server and exports:
  MW_HOST, MW_POP3_PORT, MW_POP3S_PORT, MW_CA (the server's self-signed certificate, PEM),
  MW_MAILDIR_ALICE, MW_MAILDIR_BOB (the users' Maildir roots, seeded with messages).
alice/secret has the reading tests; bob/secret the deleting ones.
"""
import hashlib
import os
import poplib
import ssl
import subprocess
import sys
import unittest

HOST = os.environ.get("MW_HOST", "127.0.0.1")
PORT = int(os.environ["MW_POP3_PORT"])
SPORT = int(os.environ["MW_POP3S_PORT"])
CA = os.environ["MW_CA"]


def tls_context():
    ctx = ssl.create_default_context(cafile=CA)
    ctx.check_hostname = False  # the development certificate names localhost
    return ctx


def maildir_messages(root):
    """The messages a Maildir holds, as CRLF byte strings (what POP3 must send)."""
    out = []
    for sub in ("new", "cur"):
        d = os.path.join(root, sub)
        for name in sorted(os.listdir(d)):
            with open(os.path.join(d, name), "rb") as f:
                data = f.read()
            out.append(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))
    return out


def login(p, user="alice"):
    p.user(user)
    p.pass_("secret")


class Pop3Plain(unittest.TestCase):
    def connect(self):
        p = poplib.POP3(HOST, PORT, timeout=30)
        self.addCleanup(lambda: p.sock and p.close())
        return p

    def login_when_unlocked(self, user):
        """Logs in once the server has noticed that the previous session of `user` is gone
        and released its maildrop lock (-ERR [IN-USE] until then, RFC 2449 §8.1.1)."""
        for _ in range(100):
            p = self.connect()
            p.user(user)
            try:
                p.pass_("secret")
                return p
            except poplib.error_proto as e:
                self.assertIn(b"[IN-USE]", e.args[0])
                p.quit()
        self.fail("the maildrop lock was never released")

    def test_greeting_capa(self):
        p = self.connect()
        self.assertTrue(p.getwelcome().startswith(b"+OK"))
        capa = p.capa()
        for c in ("USER", "UIDL", "TOP", "PIPELINING", "STLS", "SASL", "RESP-CODES",
                  "AUTH-RESP-CODE", "EXPIRE"):
            self.assertIn(c, capa, c)

    def test_user_pass_stat_list_uidl_retr_top(self):
        p = self.connect()
        login(p)
        count, size = p.stat()
        resp, listing, _ = p.list()
        self.assertTrue(resp.startswith(b"+OK"))
        self.assertEqual(len(listing), count)
        sizes = {}
        for line in listing:
            n, s = line.split()
            sizes[int(n)] = int(s)
        self.assertEqual(sum(sizes.values()), size)
        _, uidl, _ = p.uidl()
        uids = [line.split()[1] for line in uidl]
        self.assertEqual(len(set(uids)), count, "unique-ids are unique")
        bodies = []
        for n in range(1, count + 1):
            resp, lines, octets = p.retr(n)
            wire = b"".join(l + b"\r\n" for l in lines)
            self.assertEqual(len(wire), sizes[n], f"RETR {n} matches LIST")
            bodies.append(wire)
            # poplib's octet count includes the dot-stuffing it removed
            self.assertGreaterEqual(octets, sizes[n])
            # TOP n 0: the header and the blank line only
            _, top, _ = p.top(n, 0)
            header = wire.split(b"\r\n\r\n", 1)[0].split(b"\r\n")
            self.assertEqual(top[: len(header)], header)
            self.assertLessEqual(len(top), len(header) + 1)
            # single-line LIST and UIDL agree with the multi-line forms
            self.assertEqual(int(p.list(n).split()[2]), sizes[n])
            self.assertEqual(p.uidl(n).split()[2], uids[n - 1])
        self.assertEqual(sorted(bodies), sorted(maildir_messages(os.environ["MW_MAILDIR_ALICE"])))
        p.quit()

    def test_uidl_stable_across_sessions(self):
        p = self.connect()
        login(p)
        first = p.uidl()[1]
        p.quit()
        p = self.connect()
        login(p)
        self.assertEqual(p.uidl()[1], first)
        p.quit()

    def test_bad_password_and_bad_commands(self):
        p = self.connect()
        p.user("alice")
        with self.assertRaises(poplib.error_proto) as e:
            p.pass_("wrong")
        self.assertIn(b"[AUTH]", e.exception.args[0])
        login(p)
        with self.assertRaises(poplib.error_proto):
            p.retr(9999)
        with self.assertRaises(poplib.error_proto):
            p._shortcmd("FROB")
        # the session goes on after errors
        p.stat()
        p.quit()

    def test_apop(self):
        p = self.connect()
        p.apop("alice", "secret")
        self.assertGreater(p.stat()[0], 0)
        p.quit()

    def test_stls(self):
        p = self.connect()
        p.stls(tls_context())
        capa = p.capa()
        self.assertNotIn("STLS", capa)
        login(p)
        self.assertGreater(p.stat()[0], 0)
        p.quit()

    def test_auth_plain(self):
        p = self.connect()
        import base64
        token = base64.b64encode(b"\0alice\0secret").decode()
        self.assertTrue(p._shortcmd("AUTH PLAIN " + token).startswith(b"+OK"))
        self.assertGreater(p.stat()[0], 0)
        p.quit()

    def test_rset_undeletes(self):
        p = self.connect()
        login(p, "bob")
        count = p.stat()[0]
        p.dele(1)
        self.assertEqual(p.stat()[0], count - 1)
        with self.assertRaises(poplib.error_proto):
            p.retr(1)  # deleted: -ERR
        p.rset()
        self.assertEqual(p.stat()[0], count)
        p.quit()
        p = self.connect()
        login(p, "bob")
        self.assertEqual(p.stat()[0], count)
        p.quit()

    def test_zz_dele_then_quit_commits(self):
        p = self.connect()
        login(p, "bob")
        count = p.stat()[0]
        first_uid = p.uidl(1).split()[2]
        p.dele(1)
        # a connection dropped without QUIT deletes nothing
        p.sock.close()
        p.sock = p.file = None
        p = self.login_when_unlocked("bob")
        self.assertEqual(p.stat()[0], count, "nothing deleted without QUIT")
        p.dele(1)
        p.quit()
        p = self.connect()
        login(p, "bob")
        self.assertEqual(p.stat()[0], count - 1)
        uids = [l.split()[1] for l in p.uidl()[1]]
        self.assertNotIn(first_uid, uids)
        p.quit()


class Pop3Implicit(unittest.TestCase):
    def test_pop3s(self):
        p = poplib.POP3_SSL(HOST, SPORT, context=tls_context(), timeout=30)
        self.assertNotIn("STLS", p.capa())
        login(p)
        count, _ = p.stat()
        self.assertGreater(count, 0)
        p.retr(1)
        p.quit()


class Curl(unittest.TestCase):
    def curl(self, url, *extra):
        r = subprocess.run(["curl", "-sS", "--max-time", "30", "--user", "alice:secret",
                            "--cacert", CA, *extra, url],
                           capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return r.stdout

    def test_list_and_retr(self):
        listing = self.curl(f"pop3://{HOST}:{PORT}/")
        lines = listing.strip().split(b"\r\n")
        sizes = {int(l.split()[0]): int(l.split()[1]) for l in lines}
        msg = self.curl(f"pop3://{HOST}:{PORT}/1")
        self.assertEqual(len(msg), sizes[1])

    def test_pop3s(self):
        msg = self.curl(f"pop3s://localhost:{SPORT}/1", "--resolve", f"localhost:{SPORT}:{HOST}")
        self.assertTrue(msg)

    def test_starttls_required(self):
        msg = self.curl(f"pop3://{HOST}:{PORT}/1", "--ssl-reqd", "-k")
        self.assertTrue(msg)


if __name__ == "__main__":
    unittest.main(verbosity=2)
