#!/usr/bin/env python3
"""Seeds the interop users' Maildirs the way a mail delivery agent does: one file per message
in new/, LF line endings, unique names. Usage: seed.py DATA_DIR"""
import os
import sys
import time

data = sys.argv[1]


def message(i, user, body_lines):
    lines = [
        f"From: Sender {i} <sender{i}@example.org>",
        f"To: {user}@example.org",
        f"Subject: test message {i} for {user}",
        f"Date: Sun, 22 Nov 2026 10:{i:02d}:00 +0000",
        f"Message-ID: <msg{i}.{user}@example.org>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "",
    ] + body_lines
    return ("\n".join(lines) + "\n").encode()


for user in ("alice", "bob", "carol", "dave"):
    root = os.path.join(data, "mail", user)
    for sub in ("tmp", "new", "cur"):
        os.makedirs(os.path.join(root, sub), exist_ok=True)
    bodies = [
        ["Hello.", "", "-- ", "Sender"],
        # dot-stuffing: lines that start with a dot, and a lone dot
        [".hidden line", ".", "..two dots", "end"],
        # a larger message
        [f"line {n} " + "x" * 70 for n in range(2000)],
        # 8-bit UTF-8 body
        ["Grüße aus Köln — ünïcödé"],
        ["short"],
    ]
    for i, body in enumerate(bodies, 1):
        name = f"{int(time.time())}.M{i}P{os.getpid()}.seed"
        tmp = os.path.join(root, "tmp", name)
        with open(tmp, "wb") as f:
            f.write(message(i, user, body))
        os.rename(tmp, os.path.join(root, "new", name))
