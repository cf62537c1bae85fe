"""Is a seeded demo the same demo? Row counts and content hashes of every table, ordered by primary key.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_a .venv/bin/python bench/demo_fingerprint.py \
        --seed --out var/t/a.json
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/h_b .venv/bin/python bench/demo_fingerprint.py \
        --seed --out var/t/b.json --against var/t/a.json

``--seed`` first runs ``seed_demo`` on the (migrated, empty) database with the services' own secure
randomness drawn from one fixed stream: competitor numbers and the judges drawn (``secrets.SystemRandom``),
certificate codes (``secrets.choice``), codes of new subsidy programmes (``secrets.token_hex``), salts, and
an empty upload directory (so no stored file name gets a random suffix). The demo's own ``rng`` is seeded
anyway; the services' draws are not, by design, so two plain ``seed_demo`` runs differ (the competitor
numbers order the entries the demo marks, and so on down to the awards and the rollups).

For each table of the database: its row count, a hash of each column (the column's values in primary-key
order) and a hash of the whole rows without the volatile columns. ``--against`` compares with an earlier
fingerprint of the same kind of database (PostgreSQL with PostgreSQL, SQLite with SQLite: the drivers give
values their own types) and prints every table and column that differs; the exit status is 1 if any does.

Volatile columns differ between two seeds of the same code and are compared by count and by null-ness
only: the moment a row was written (``auto_now``/``auto_now_add`` and other clock readings), the
ciphertexts of encrypted fields (Fernet: a fresh IV and the time in each token), password hashes (a random
salt), random tokens and secrets. Which columns those are was found by seeding twice with the same code and
fingerprinting both with ``--all-columns`` (then every column is hashed as it is).
"""

import argparse
import hashlib
import json
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# table -> columns that differ between two seeds of the same code, found by seeding twice with --seed and
# comparing with --all-columns (on PostgreSQL, 6 December 2026): clock readings, Fernet ciphertexts
VOLATILE: dict[str, set[str]] = {
    "awards_decision": {"created_at", "reviewed_at"},
    "awards_honourcycle": {"created_at"},
    "awards_ledgerline": {"approved_at", "paid_at", "proposed_at"},
    "awards_nomination": {"decided_at", "nominated_at"},
    "awards_review": {"created_at"},
    "catalogue_application": {"approved_at", "created_at"},
    "catalogue_commendation": {"proposed_at", "reviewed_at"},
    "catalogue_quota": {"set_at"},
    "catalogue_stageattachment": {"uploaded_at"},
    "catalogue_stagereport": {"submitted_at"},
    "catalogue_step": {"at"},
    "colleges_cohort": {"created_at"},
    "colleges_college": {"created_at"},
    "colleges_collegestaff": {"added_at"},
    "colleges_completioncertificate": {"issued_at"},
    "colleges_course": {"created_at"},
    "colleges_enrolment": {"queued_at"},
    "colleges_session": {"taken_at"},
    "competitions_assignment": {"assigned_at"},
    "competitions_certificate": {"issued_at"},
    "competitions_competition": {"created_at"},
    "competitions_entry": {"registered_at"},
    "competitions_event": {"signed_off_at"},
    "competitions_mark": {"updated_at"},
    "competitions_result": {"published_at"},
    "core_auditentry": {"at"},
    "core_user": {"date_joined", "last_login"},
    "innovations_innovation": {"submitted_at"},
    "labour_evidence": {"uploaded_at"},
    "labour_figure": {"reported_at"},
    "labour_unit": {"entered_at"},
    "labour_veto": {"recorded_at"},
    "orgs_role": {"granted_at"},
    "otp_totp_totpdevice": {"created_at"},
    "people_honour": {"created_at"},
    "people_skillgrade": {"created_at"},
    "people_worker": {"created_at", "updated_at", "id_number_enc", "phone_enc"},
    "policy_policydocument": {"created_at", "updated_at"},
    "policy_rule": {"created_at"},
    "stats_fillstate": {"done_at", "last_modified"},
    "studios_alliance": {"created_at"},
    "studios_claim": {"claimed_at"},
    "studios_evaluation": {"scored_at"},
    "studios_problem": {"posted_at"},
    "studios_studio": {"created_at"},
}
# an audit row's changes name the clock readings it wrote (a sign-off's time): compared without them
CLOCK = re.compile(r"\d{4}-\d\d-\d\d[T ]\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)?")
NORMALISED = {("core_auditentry", "changes")}
# rollup rows: no row refers to them and every fill deletes and inserts them again, so the sequence
# values they get depend on what earlier fills and drains consumed; compared by their order (row number)
RENUMBERED = {"stats_count": "id", "stats_seen": "id"}


ALL_COLUMNS = False  # --all-columns: compare the volatile columns too (to find them)


def volatile(table: str, column: str) -> bool:
    if ALL_COLUMNS:
        return False
    return column in VOLATILE.get(table, set())


def _value(value: object) -> str:
    if isinstance(value, memoryview | bytes | bytearray):
        return bytes(value).hex()
    return repr(value)


def seed_fixed(stream: int = 14) -> None:
    """``seed_demo`` with the secure randomness of the services drawn from a seeded stream (see above)."""
    import random
    import secrets
    import tempfile

    from django.conf import settings
    from django.core.management import call_command

    rng = random.Random(stream)
    secrets.SystemRandom = lambda: rng  # type: ignore[assignment,misc]
    secrets.choice = rng.choice
    secrets.token_hex = lambda n=32: rng.randbytes(n).hex()
    secrets.token_bytes = rng.randbytes
    with tempfile.TemporaryDirectory() as media:
        settings.MEDIA_ROOT = media
        call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115


def fingerprint() -> dict[str, dict]:
    from django.db import connection

    result: dict[str, dict] = {}
    with connection.cursor() as cursor:
        tables = sorted(connection.introspection.table_names(cursor))
        for table in tables:
            columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
            pk = connection.introspection.get_primary_key_columns(cursor, table) or columns
            quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
            order = ", ".join(connection.ops.quote_name(c) for c in pk)
            cursor.execute(f"SELECT {quoted} FROM {connection.ops.quote_name(table)} ORDER BY {order}")  # noqa: S608
            per_column = [hashlib.sha256() for _ in columns]
            rows_hash = hashlib.sha256()
            count = 0
            stable = [i for i, c in enumerate(columns) if not volatile(table, c)]
            clocked = [i for i, c in enumerate(columns) if (table, c) in NORMALISED and not ALL_COLUMNS]
            renumbered = [i for i, c in enumerate(columns) if RENUMBERED.get(table) == c and not ALL_COLUMNS]
            while batch := cursor.fetchmany(5000):
                for row in batch:
                    count += 1
                    if clocked or renumbered:
                        row = list(row)  # noqa: PLW2901
                        for i in clocked:
                            row[i] = CLOCK.sub("<clock>", str(row[i]))
                        for i in renumbered:
                            row[i] = count
                    for i, value in enumerate(row):
                        shown = _value(value) if i in stable else repr(value is None)
                        per_column[i].update(shown.encode() + b"\x1f")
                    rows_hash.update("\x1e".join(_value(row[i]) for i in stable).encode() + b"\x1d")
            result[table] = {
                "rows": count,
                "hash": rows_hash.hexdigest(),
                "columns": {c: h.hexdigest()[:16] for c, h in zip(columns, per_column, strict=True)},
            }
    return result


def differences(a: dict[str, dict], b: dict[str, dict]) -> list[str]:
    out = []
    for table in sorted(set(a) | set(b)):
        if table not in a or table not in b:
            out.append(f"{table}: only in {'the new' if table in b else 'the old'} fingerprint")
            continue
        ta, tb = a[table], b[table]
        if ta["rows"] != tb["rows"]:
            out.append(f"{table}: rows {ta['rows']} -> {tb['rows']}")
        changed = [c for c in ta["columns"] if ta["columns"][c] != tb["columns"].get(c)]
        if changed or ta["hash"] != tb["hash"]:
            out.append(f"{table}: content differs in {', '.join(changed) or '(rows)'}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seed", action="store_true", help="run seed_demo first, its secure draws fixed")
    parser.add_argument("--out", help="write the fingerprint here (JSON)")
    parser.add_argument("--against", help="compare with this earlier fingerprint")
    parser.add_argument("--all-columns", action="store_true", help="hash the volatile columns too (to find them)")
    args = parser.parse_args()
    global ALL_COLUMNS  # noqa: PLW0603
    ALL_COLUMNS = args.all_columns
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    import django

    django.setup()
    if args.seed:
        seed_fixed()
    fp = fingerprint()
    if args.out:
        Path(args.out).write_text(json.dumps(fp, indent=1, sort_keys=True))
    tables = len(fp)
    rows = sum(t["rows"] for t in fp.values())
    print(f"{tables} tables, {rows:,} rows")
    if args.against:
        diffs = differences(json.loads(Path(args.against).read_text()), fp)
        for line in diffs:
            print(line)
        print("same demo" if not diffs else f"{len(diffs)} tables differ")
        return 1 if diffs else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
