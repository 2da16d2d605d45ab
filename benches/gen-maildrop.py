#!/usr/bin/env python3
"""Writes N messages into a Maildir's new/ (an MDA's way), with a realistic size mix.

    gen-maildrop.py MAILDIR N [SEED]

Sizes: 60% small (1-4 KiB), 30% medium (4-40 KiB), 9% large (40-400 KiB), 1% huge (1-3 MiB);
text lines of 72 characters, some starting with a dot (POP3 must stuff them), LF line ends
as MDAs write them. Deterministic for a given seed."""
import os
import random
import sys

root, n = sys.argv[1], int(sys.argv[2])
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 1)
for sub in ("tmp", "new", "cur"):
    os.makedirs(os.path.join(root, sub), exist_ok=True)
words = "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor".split()


def size():
    r = rng.random()
    if r < 0.60:
        return rng.randint(1024, 4096)
    if r < 0.90:
        return rng.randint(4096, 40960)
    if r < 0.99:
        return rng.randint(40960, 409600)
    return rng.randint(1 << 20, 3 << 20)


for i in range(n):
    head = (
        f"From: Sender {i % 97} <sender{i % 97}@example.org>\n"
        f"To: alice@example.org\n"
        f"Subject: message {i} {' '.join(rng.choice(words) for _ in range(5))}\n"
        f"Date: Sun, 22 Nov 2026 {i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d} +0000\n"
        f"Message-ID: <bench{i}@example.org>\n"
        "MIME-Version: 1.0\nContent-Type: text/plain; charset=us-ascii\n\n"
    )
    target = size()
    lines = []
    total = len(head)
    while total < target:
        line = ("." if rng.random() < 0.02 else "") + " ".join(rng.choice(words) for _ in range(12))[:72]
        lines.append(line)
        total += len(line) + 1
    name = f"{1700000000 + i}.M{i}P1.bench"
    with open(os.path.join(root, "tmp", name), "w") as f:
        f.write(head + "\n".join(lines) + "\n")
    os.rename(os.path.join(root, "tmp", name), os.path.join(root, "new", name))
