#!/usr/bin/env python3
"""Helpers for scripts/bench.sh (make bench).

  bench-report.py mailbox-sql ENVELOPES.jsonl NOW LATER
      writes send.sql, recv.sql and expire.sql: the raw-SQLite side of the
      mailbox comparison (same schema, settings and rows as sotto's mailbox
      and inbox; one transaction each)
  bench-report.py table WORKDIR
      reads hyperfine's JSON (hf/), GNU time's output (rss/) and
      sotto-bench-crypto's lines (raw/), prints the machine and one table
"""
import base64
import glob
import json
import os
import re
import statistics
import sys

PRAGMAS = "PRAGMA secure_delete = ON;\nPRAGMA foreign_keys = ON;\nPRAGMA synchronous = NORMAL;\nPRAGMA busy_timeout = 10000;\n"


def mailbox_sql(envelopes, now, later):
    address = None
    total = count = 0
    with open(envelopes) as records, open("send.sql", "w") as out:
        out.write(PRAGMAS + "BEGIN IMMEDIATE;\n")
        for line in records:
            record = json.loads(line)
            data = base64.b64decode(record["age"])
            match = re.search(rb"\n-> sotto/v\d+ \w+ (\d+|never)\n", data[:8192])
            expires = "NULL" if not match or match.group(1) == b"never" else match.group(1).decode()
            envelope_id = record["id"]
            total += len(data)
            count += 1
            out.write(f"INSERT INTO envelopes (id, expires_at, size, stored_at) VALUES ('{envelope_id}', {expires}, {len(data)}, {now});\n")
            out.write(f"INSERT INTO envelope_chunks (owner, n, bytes) VALUES (last_insert_rowid(), 0, X'{data.hex()}');\n")
            for address in record["to"]:
                out.write("INSERT OR IGNORE INTO deliveries (mailbox, envelope, stored_at) VALUES "
                          f"('{address}', (SELECT rowid FROM envelopes WHERE id = '{envelope_id}'), {now});\n")
        out.write("COMMIT;\n")
    with open("envelope-size", "w") as out:
        out.write(f"{total // max(count, 1)}\n")
    due = f"d.mailbox = '{address}' AND (e.expires_at IS NULL OR e.expires_at > {now})"
    with open("recv.sql", "w") as out:
        out.write(PRAGMAS + "ATTACH 'raw-mailbox.db' AS mb;\nPRAGMA mb.secure_delete = ON;\nPRAGMA mb.synchronous = NORMAL;\n")
        out.write("BEGIN IMMEDIATE;\n")
        # what recv writes: every envelope's fields and bytes
        out.write("SELECT d.seq, d.mailbox, e.id, e.expires_at, e.size, d.stored_at, hex(c.bytes) FROM mb.deliveries d "
                  f"JOIN mb.envelopes e ON e.rowid = d.envelope JOIN mb.envelope_chunks c ON c.owner = e.rowid WHERE {due} ORDER BY d.seq, c.n;\n")
        out.write("INSERT INTO envelopes (id, mailbox, expires_at, size, received_at) SELECT e.id, d.mailbox, e.expires_at, e.size, "
                  f"{now} FROM mb.deliveries d JOIN mb.envelopes e ON e.rowid = d.envelope WHERE {due} ORDER BY d.seq;\n")
        out.write("INSERT INTO envelope_chunks (owner, n, bytes) SELECT i.seq, c.n, c.bytes FROM mb.envelope_chunks c "
                  "JOIN mb.envelopes e ON e.rowid = c.owner JOIN envelopes i ON i.id = e.id;\n")
        out.write(f"DELETE FROM mb.deliveries WHERE mailbox = '{address}';\n")
        out.write("DELETE FROM mb.envelopes WHERE NOT EXISTS (SELECT 1 FROM mb.deliveries d WHERE d.envelope = mb.envelopes.rowid);\n")
        out.write("COMMIT;\n")
    with open("expire.sql", "w") as out:
        where = f"expires_at <= {later} OR delete_after <= {later}"
        out.write(PRAGMAS + "BEGIN IMMEDIATE;\n")
        out.write(f"SELECT seq, mailbox, id, expires_at, size, received_at, opened_at FROM envelopes WHERE {where} ORDER BY seq;\n")
        out.write(f"DELETE FROM envelopes WHERE {where};\n")
        out.write("COMMIT;\nPRAGMA wal_checkpoint(TRUNCATE);\n")


# --- the table -------------------------------------------------------------------


def load(work):
    times = {}
    for path in sorted(glob.glob(os.path.join(work, "hf", "*.json"))):
        with open(path) as f:
            for result in json.load(f)["results"]:
                times.setdefault(result["command"], []).extend(result["times"])
    rss = {}
    for path in glob.glob(os.path.join(work, "rss", "*")):
        with open(path) as f:
            match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
        if match:
            rss[os.path.basename(path)] = int(match.group(1))
    raw = {}
    for path in glob.glob(os.path.join(work, "raw", "*.jsonl")):
        with open(path) as f:
            for line in f:
                for key, value in json.loads(line).items():
                    if isinstance(value, (int, float)):
                        raw.setdefault(os.path.basename(path)[:-6] + "." + key, []).append(value)
    machine = {}
    with open(os.path.join(work, "machine.env")) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("=")
            machine[key] = value
    return times, rss, raw, machine


def duration(seconds):
    if seconds >= 1:
        return f"{seconds:.2f} s"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.1f} ms" if seconds >= 0.01 else f"{seconds * 1e3:.2f} ms"
    return f"{seconds * 1e6:.0f} µs"


def rate(value, unit):
    if value >= 100:
        return f"{value:,.0f} {unit}"
    return f"{value:.1f} {unit}"


def table(work):
    times, rss, raw, machine = load(work)
    size = int(machine["size_mb"]) * 1048576
    many = int(machine["many"])
    messages = int(machine["messages"])

    def med(name):
        values = times.get(name)
        return statistics.median(values) if values else None

    def cell(name, scale=1.0):
        values = times.get(name)
        if not values:
            return "—", None
        m = statistics.median(values) * scale
        return f"{duration(m)} ({len(values)})", m

    def memory(name):
        return f"{rss[name] / 1024:.0f}" if name in rss else "—"

    rows = []   # (measurement, sotto, sotto median, peer, peer median, ratio, sotto rate, peer rate, RSS)
    goals = {}

    def compare(label, sotto, peer_label, peer, kind, key=None):
        s_text, s = cell(sotto)
        p_text, p = cell(peer)
        ratio = s / p if s and p else None
        if key:
            goals[key] = ratio
        if kind == "bulk":
            s_rate = rate(size / s / 1e6, "MB/s") if s else "—"
            p_rate = rate(size / p / 1e6, "MB/s") if p else "—"
            mem = f"{memory(sotto)} / {memory(peer)} MiB"
        elif kind == "records":
            s_rate = rate(messages / s, "rec/s") if s else "—"
            p_rate = rate(messages / p, "rec/s") if p else "—"
            mem = "—"
        else:
            s_rate = p_rate = "—"
            mem = "—"
        rows.append((label, s_text, peer_label, p_text, f"**{ratio:.2f}**" if ratio else "—", s_rate, p_rate, mem))

    section = lambda title: rows.append((f"*{title}*", "", "", "", "", "", "", ""))
    mb = machine["size_mb"]
    section(f"1. Bulk, {mb} MiB random file (sotto: `-r me`, seals also sign unless anonymous)")
    compare("seal, signed → /dev/null", "seal-signed-null", "`age -r` → /dev/null", "age-enc-null", "bulk", "bulk-seal-signed")
    compare("seal `--anonymous` → /dev/null", "seal-anon-null", "`age -r` → /dev/null", "age-enc-null", "bulk", "bulk-seal-anon")
    compare("seal, signed → file (`-o`)", "seal-signed-file", "`age -r -o`", "age-enc-file", "bulk", "bulk-seal-signed-file")
    compare("seal `--anonymous` → file (`-o`)", "seal-anon-file", "`age -r -o`", "age-enc-file", "bulk", "bulk-seal-anon-file")
    compare("open signed `--raw` → /dev/null", "open-signed-null", "`age -d` → /dev/null", "age-dec-null", "bulk", "bulk-open-signed")
    compare("open anonymous `--raw` → /dev/null", "open-anon-null", "`age -d` → /dev/null", "age-dec-null", "bulk", "bulk-open-anon")
    compare("open signed → file (`-o`)", "open-signed-file", "`age -d -o`", "age-dec-file", "bulk", "bulk-open-signed-file")
    compare("open anonymous → file (`-o`)", "open-anon-file", "`age -d -o`", "age-dec-file", "bulk", "bulk-open-anon-file")
    for key, label in (("stream.aead_mb_s", "libsodium ChaCha20-Poly1305, 64 KiB chunks, one core"),
                       ("stream.aead_blake2b_mb_s", "… plus BLAKE2b-256 of each chunk (a signed seal's work per byte)")):
        if key in raw:
            rows.append((f"reference: {label}", "", "", "", "", rate(statistics.median(raw[key]), "MB/s"), "", ""))

    section("2. One message per process (100-byte body; keyring without passphrase)")
    compare("seal a message record, signed (`-r me`)", "one-seal-signed", "`age -r` of the 100 bytes", "one-age-enc", "one", "one-seal")
    compare("seal `--raw --anonymous`", "one-seal-anon", "`age -r` of the 100 bytes", "one-age-enc", "one", "one-seal-anon")
    compare("open that envelope record", "one-open-signed", "`age -d -i key`", "one-age-dec", "one", "one-open")
    compare("`sotto-seal --version`", "version-sotto", "`age --version`", "version-age", "one", "startup")

    section(f"3. Many messages per process: {many:,} signed messages of 100 bytes, to a contact plus the self copy")
    for what, name, field, kind, peer in (
            ("seal", "many-seal", "messages-hybrid.seal_us", "post-quantum", "`sotto-bench-crypto messages --hybrid 1 --keys 5`"),
            ("open", "many-open", "messages-hybrid.open_us", "post-quantum, 5 keys retained", "the same"),
            ("seal", "many-seal-classical", "messages.seal_us", "X25519", "`sotto-bench-crypto messages`"),
            ("open", "many-open-classical", "messages.open_us", "X25519", "the same")):
        s = med(name)
        p = statistics.median(raw[field]) / 1e6 if field in raw else None
        s_each = s / many if s else None
        ratio = s_each / p if s_each and p else None
        goals[name] = (1 / s_each if s_each else None, ratio)
        rows.append((f"one `sotto-{what}` of {many:,} records, {kind} (time per message)",
                     f"{duration(s_each)} ({len(times.get(name, []))})" if s_each else "—",
                     f"the same library calls on one core: {peer}",
                     f"{duration(p)} ({len(raw.get(field, []))})" if p else "—", f"**{ratio:.2f}**" if ratio else "—",
                     rate(1 / s_each, "msg/s") if s_each else "—", rate(1 / p, "msg/s") if p else "—",
                     f"{memory(name)} MiB" if name in rss else "—"))

    section(f"4. Mailbox: {messages:,} envelopes (about {size_of_envelope(work)} each), one address each")
    compare("`sotto-send` of them", "mb-send", "sqlite3: the same inserts, one transaction", "mb-sql-insert", "records", "mailbox-send")
    compare("`sotto-recv` of them", "mb-recv", "sqlite3: select, insert into inbox, delete", "mb-sql-move", "records", "mailbox-recv")
    compare("`sotto-expire` of them (faketime +1 day)", "mb-expire", "sqlite3: select and delete", "mb-sql-delete", "records", "mailbox-expire")

    section("5. Keyring unlock: Argon2id, m = 64 MiB, t = 3, p = 1")
    compare("`sotto-keygen rotate` (passphrase keyring)", "unlock-rotate", "`argon2id_hash_raw` once, own process", "unlock-raw", "one", "unlock-rotate")
    compare("`sotto-seal` of one message (passphrase keyring)", "unlock-seal", "`argon2id_hash_raw` once, own process", "unlock-raw", "one", "unlock-seal")

    print("## Machine\n")
    print(f"- {machine['nproc']} cores: {machine['cpu']}; {machine['memory']} RAM; {machine['kernel']}")
    print(f"- {machine['swift']}; age {machine['age']}; {machine['hyperfine']}; SQLite {machine['sqlite3']}; libsodium {machine['libsodium']}")
    print(f"- {machine['linking']}; work directory on {machine['tmpdir']}")
    print(f"- source {machine.get('source', '?')}; run {machine['date']}; load average {machine.get('load_start', '?')} at the start, "
          f"{machine.get('load_end', '?')} at the end")
    print(f"- {machine['rounds']} rounds, each command's runs alternating with its peer's; medians over all runs (how many in parentheses)\n")
    print("## Results\n")
    header = ("measurement", "sotto (median)", "peer", "peer (median)", "ratio sotto/peer", "sotto rate", "peer rate", "peak RSS sotto / peer")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(row) + " |")
    if "primitives.x25519_us" in raw:
        p = {k.split(".", 1)[1]: statistics.median(v) for k, v in raw.items() if k.startswith("primitives.")}
        print("\nlibsodium alone (sotto-bench-crypto primitives, medians): "
              f"X25519 base {p['x25519_base_us']:.1f} µs, X25519 {p['x25519_us']:.1f} µs, "
              f"Ed25519 sign {p['ed25519_sign_us']:.1f} µs, verify {p['ed25519_verify_us']:.1f} µs, "
              f"HKDF-SHA-256 {p['hkdf_us']:.2f} µs, ChaCha20-Poly1305 of 500 B {p['chacha20poly1305_500b_us']:.2f} µs, "
              f"BLAKE2b of 1 KiB {p['blake2b_1kb_us']:.2f} µs; ChaCha20-Poly1305 {p['chacha20poly1305_mb_s']:.0f} MB/s, "
              f"BLAKE2b {p['blake2b_mb_s']:.0f} MB/s. swift-crypto's X-Wing under HPKE (age's post-quantum stanza): "
              f"seal {p['xwing_seal_us']:.0f} µs, open {p['xwing_open_us']:.0f} µs.")
    print_goals(goals, rss)


def size_of_envelope(work):
    path = os.path.join(work, "envelope-size")
    if os.path.exists(path):
        with open(path) as f:
            return f.read().strip() + " bytes"
    return "850 bytes"


def print_goals(goals, rss):
    def verdict(ok):
        return "met" if ok else "**not met**"

    def fmt(x):
        return f"{x:.2f}" if x is not None else "?"

    print("\n## Goals\n")
    bulk = [(k, goals.get(k)) for k in ("bulk-seal-signed", "bulk-seal-anon", "bulk-open-signed", "bulk-open-anon")]
    if all(v is not None for _, v in bulk):
        worst = max(v for _, v in bulk)
        print(f"- Bulk seal and open at least as fast as age (ratio ≤ 1.0, to /dev/null): {verdict(worst <= 1.0)}: "
              + ", ".join(f"{k.removeprefix('bulk-')} {fmt(v)}" for k, v in bulk))
    bulk_rss = {k: v for k, v in rss.items() if k.startswith(("seal-", "open-"))}
    if bulk_rss:
        top = max(bulk_rss, key=bulk_rss.get)
        print(f"- Peak memory at most 32 MiB: {verdict(bulk_rss[top] <= 32 * 1024)}: highest {bulk_rss[top] / 1024:.1f} MiB ({top})")
    one = [(k, goals.get(k)) for k in ("one-seal", "one-seal-anon", "one-open", "startup")]
    if all(v is not None for _, v in one):
        print(f"- One message per process no slower than age (ratio ≤ 1.0): {verdict(max(v for _, v in one) <= 1.0)}: "
              + ", ".join(f"{k} {fmt(v)}" for k, v in one))
    for kind, suffix in (("post-quantum", ""), ("X25519", "-classical")):
        seal, open_ = goals.get("many-seal" + suffix), goals.get("many-open" + suffix)
        if seal and open_ and seal[1] and open_[1]:
            print(f"- Many messages, {kind}: time per message (both cores) at most the one-core floor of the same library "
                  f"calls (ratio ≤ 1.0): {verdict(max(seal[1], open_[1]) <= 1.0)}: seal {seal[1]:.2f} ({seal[0]:,.0f}/s), "
                  f"open {open_[1]:.2f} ({open_[0]:,.0f}/s)")
    mailbox = [(k, goals.get(k)) for k in ("mailbox-send", "mailbox-recv", "mailbox-expire")]
    if all(v is not None for _, v in mailbox):
        print(f"- Mailbox at least half of raw SQLite (ratio ≤ 2.0): {verdict(max(v for _, v in mailbox) <= 2.0)}: "
              + ", ".join(f"{k.removeprefix('mailbox-')} {fmt(v)}" for k, v in mailbox))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "mailbox-sql":
        mailbox_sql(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif len(sys.argv) == 3 and sys.argv[1] == "table":
        table(sys.argv[2])
    else:
        sys.exit(__doc__)
