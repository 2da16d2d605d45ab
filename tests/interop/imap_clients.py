#!/usr/bin/env python3
"""Interop: Python's imaplib and curl against `mailwire serve` (IMAP4rev1/rev2, RFC 3501/9051),
and a mixed POP3/IMAP test on one mailbox.

Run by run.sh, which starts the server and exports MW_HOST, MW_IMAP_PORT, MW_IMAPS_PORT,
MW_POP3_PORT, MW_CA and the seeded Maildirs (see pop3_clients.py). The IMAP tests use the user
carol (seeded like alice) so that they do not disturb the POP3 tests' users.
"""
import imaplib
import os
import poplib
import re
import select
import socket
import ssl
import subprocess
import threading
import time
import unittest

HOST = os.environ.get("MW_HOST", "127.0.0.1")
PORT = int(os.environ["MW_IMAP_PORT"])
SPORT = int(os.environ["MW_IMAPS_PORT"])
POP3 = int(os.environ["MW_POP3_PORT"])
CA = os.environ["MW_CA"]
USER = "carol"


def tls_context():
    ctx = ssl.create_default_context(cafile=CA)
    ctx.check_hostname = False
    return ctx


def connect():
    m = imaplib.IMAP4(HOST, PORT, timeout=30)
    return m


def login(m, user=USER):
    typ, _ = m.login(user, "secret")
    assert typ == "OK"
    return m


class Imap(unittest.TestCase):
    def setUp(self):
        self.m = login(connect())
        self.addCleanup(self.logout)

    def logout(self):
        try:
            self.m.logout()
        except Exception:
            pass

    def test_capability(self):
        caps = self.m.capabilities
        for c in ("IMAP4REV1", "IDLE", "UIDPLUS", "MOVE", "LITERAL+", "ENABLE", "NAMESPACE",
                  "SPECIAL-USE", "LIST-EXTENDED", "LIST-STATUS", "ESEARCH", "CONDSTORE"):
            self.assertIn(c, caps, c)

    def test_list_and_create(self):
        typ, _ = self.m.create("Projects/Rust")
        self.assertEqual(typ, "OK")
        typ, data = self.m.list()
        self.assertEqual(typ, "OK")
        names = [d.decode() for d in data]
        self.assertTrue(any(n.endswith('"INBOX"') or n.endswith(" INBOX") for n in names), names)
        self.assertTrue(any("Projects/Rust" in n for n in names), names)
        # imaplib sends arguments as given: the empty reference must be quoted by the caller.
        typ, data = self.m.list('""', "Projects/%")
        self.assertEqual(len(data), 1)
        self.assertEqual(self.m.delete("Projects/Rust")[0], "OK")
        self.assertEqual(self.m.delete("Projects")[0], "OK")

    def test_select_status_search_fetch(self):
        typ, data = self.m.status("INBOX", "(MESSAGES UIDNEXT UIDVALIDITY UNSEEN)")
        self.assertEqual(typ, "OK")
        messages = int(re.search(rb"MESSAGES (\d+)", data[0]).group(1))
        self.assertGreaterEqual(messages, 5)
        typ, data = self.m.select("INBOX")
        self.assertEqual(int(data[0]), messages)
        typ, data = self.m.search(None, "ALL")
        self.assertEqual(len(data[0].split()), messages)
        typ, data = self.m.search(None, 'SUBJECT "test message 2"')
        self.assertEqual(data[0].split(), [b"2"])
        typ, data = self.m.search(None, "BODY", '"hidden line"')
        self.assertEqual(data[0].split(), [b"2"])
        typ, data = self.m.uid("SEARCH", None, "ALL")
        uids = data[0].split()
        self.assertEqual(len(uids), messages)
        typ, data = self.m.fetch("1:*", "(UID FLAGS RFC822.SIZE ENVELOPE BODYSTRUCTURE)")
        self.assertEqual(typ, "OK")
        fetched = [d for d in data if isinstance(d, bytes)]
        self.assertEqual(len(fetched), messages)
        self.assertIn(b'"test message 1 for carol"', fetched[0])
        self.assertIn(b'("TEXT" "PLAIN" ("CHARSET" "utf-8")', fetched[0].upper().replace(b'"UTF-8"', b'"utf-8"'))
        typ, data = self.m.fetch("3", "(BODY.PEEK[] RFC822.SIZE)")
        body = data[0][1]
        size = int(re.search(rb"RFC822.SIZE (\d+)", data[0][0]).group(1))
        self.assertEqual(len(body), size)
        self.assertTrue(body.startswith(b"From: Sender 3"))
        # PEEK did not set \Seen
        typ, data = self.m.fetch("3", "(FLAGS)")
        self.assertNotIn(b"\\Seen", data[0])
        typ, data = self.m.fetch("3", "(BODY[HEADER.FIELDS (SUBJECT)])")
        self.assertEqual(data[0][1].strip(), b"Subject: test message 3 for carol")

    def test_store_copy_expunge_append(self):
        self.m.select("INBOX")
        self.m.create("Saved")
        typ, data = self.m.append("Saved", "(\\Flagged)", imaplib.Time2Internaldate(time.time()),
                                  b"Subject: appended\r\n\r\nhello\r\n")
        self.assertEqual(typ, "OK")
        self.assertIn(b"APPENDUID", data[0])
        typ, data = self.m.store("1", "+FLAGS", "(\\Flagged $Important)")
        self.assertEqual(typ, "OK")
        self.assertIn(b"\\Flagged", data[0])
        typ, data = self.m.copy("1:2", "Saved")
        self.assertEqual(typ, "OK")
        typ, data = self.m.status("Saved", "(MESSAGES)")
        self.assertIn(b"MESSAGES 3", data[0])
        self.m.select("Saved")
        typ, data = self.m.search(None, "FLAGGED")
        self.assertEqual(len(data[0].split()), 2)
        self.m.store("1", "+FLAGS", "(\\Deleted)")
        typ, data = self.m.expunge()
        self.assertEqual(data, [b"1"])
        typ, data = self.m.status("Saved", "(MESSAGES)")
        self.assertIn(b"MESSAGES 2", data[0])
        self.m.close()
        self.assertEqual(self.m.delete("Saved")[0], "OK")

    def test_examine_is_read_only(self):
        typ, data = self.m.select("INBOX", readonly=True)
        self.assertEqual(typ, "OK")
        typ, _ = self.m.store("1", "+FLAGS", "(\\Deleted)")
        self.assertEqual(typ, "NO")

    def test_bad_commands_keep_the_connection(self):
        # imaplib only sends commands it knows: teach it one the server does not know.
        imaplib.Commands.setdefault("FROBNICATE", ("AUTH", "SELECTED"))
        with self.assertRaises(imaplib.IMAP4.error):  # BAD raises
            self.m._simple_command("FROBNICATE")
        # NO does not raise in imaplib: it is returned.
        self.assertEqual(self.m.select("No/Such/Mailbox")[0], "NO")
        self.assertEqual(self.m.noop()[0], "OK")

    def test_idle_sees_append_from_another_connection(self):
        self.m.select("INBOX")
        tag = self.m._new_tag()
        self.m.send(tag + b" IDLE\r\n")
        self.assertTrue(self.m.readline().startswith(b"+"))
        other = login(connect())
        other.append("INBOX", None, None, b"Subject: pushed\r\n\r\nidle test\r\n")
        other.logout()
        # the server pushes EXISTS within a second or so
        self.m.sock.settimeout(5)
        line = self.m.readline()
        self.assertRegex(line, rb"^\* \d+ EXISTS")
        self.m.send(b"DONE\r\n")
        while True:
            line = self.m.readline()
            if line.startswith(tag):
                self.assertIn(b"OK", line)
                break


    def test_idle_sees_a_delivery_into_the_maildir(self):
        # Another program (an MDA) delivers: a file in new/, written in tmp/ first.
        self.m.select("INBOX")
        tag = self.m._new_tag()
        self.m.send(tag + b" IDLE\r\n")
        self.assertTrue(self.m.readline().startswith(b"+"))
        root = os.environ["MW_MAILDIR_CAROL"]
        name = f"{int(time.time())}.M999P{os.getpid()}.interop"
        with open(os.path.join(root, "tmp", name), "wb") as f:
            f.write(b"Subject: delivered\n\nby an MDA\n")
        os.rename(os.path.join(root, "tmp", name), os.path.join(root, "new", name))
        # The server looks at the Maildir every second while a client idles.
        self.m.sock.settimeout(10)
        self.assertRegex(self.m.readline(), rb"^\* \d+ EXISTS")
        self.m.send(b"DONE\r\n")
        while not self.m.readline().startswith(tag):
            pass


class ImapTls(unittest.TestCase):
    def test_starttls(self):
        m = connect()
        self.assertIn("STARTTLS", m.capabilities)
        m.starttls(tls_context())
        login(m)
        self.assertEqual(m.select("INBOX")[0], "OK")
        m.logout()

    def test_imaps(self):
        m = imaplib.IMAP4_SSL(HOST, SPORT, ssl_context=tls_context(), timeout=30)
        login(m)
        self.assertEqual(m.select("INBOX")[0], "OK")
        m.logout()


class Curl(unittest.TestCase):
    def curl(self, url, *extra):
        r = subprocess.run(["curl", "-sS", "--max-time", "30", "--user", f"{USER}:secret",
                            "--cacert", CA, *extra, url], capture_output=True)
        self.assertEqual(r.returncode, 0, r.stderr.decode())
        return r.stdout

    def test_list_and_fetch(self):
        out = self.curl(f"imap://{HOST}:{PORT}/")
        self.assertIn(b"INBOX", out)
        msg = self.curl(f"imap://{HOST}:{PORT}/INBOX;UID=1")
        self.assertIn(b"Subject: test message 1 for carol", msg)

    def test_imaps_and_starttls(self):
        msg = self.curl(f"imaps://localhost:{SPORT}/INBOX;UID=1", "--resolve", f"localhost:{SPORT}:{HOST}")
        self.assertIn(b"Subject:", msg)
        msg = self.curl(f"imap://{HOST}:{PORT}/INBOX;UID=1", "--ssl-reqd", "-k")
        self.assertIn(b"Subject:", msg)


class Mixed(unittest.TestCase):
    """A POP3 session deletes a message while an IMAP session idles on the same mailbox."""

    def test_pop3_dele_is_seen_by_idling_imap(self):
        m = login(connect(), "dave")
        typ, data = m.select("INBOX")
        count = int(data[0])
        tag = m._new_tag()
        m.send(tag + b" IDLE\r\n")
        self.assertTrue(m.readline().startswith(b"+"))
        p = poplib.POP3(HOST, POP3, timeout=30)
        p.user("dave")
        p.pass_("secret")
        self.assertEqual(p.stat()[0], count)
        p.dele(1)
        p.quit()
        m.sock.settimeout(5)
        line = m.readline()
        self.assertRegex(line, rb"^\* 1 EXPUNGE")
        m.send(b"DONE\r\n")
        while not m.readline().startswith(tag):
            pass
        typ, data = m.status("INBOX", "(MESSAGES)")
        self.assertIn(f"MESSAGES {count - 1}".encode(), data[0])
        m.logout()


if __name__ == "__main__":
    unittest.main(verbosity=2)
