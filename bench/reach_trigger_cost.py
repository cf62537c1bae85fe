"""What the reach triggers (people 0009) cost a write: the newest N workers written again (each with a
new ID hash) with the insert trigger on, off (``ALTER TABLE … DISABLE TRIGGER``), and on again.

    .venv/bin/python bench/reach_trigger_cost.py postgres://postgres@127.0.0.1:5432/<copy> --rows 2000
    .venv/bin/python bench/reach_trigger_cost.py postgres://postgres@127.0.0.1:5432/<copy> --rows 20000 --batch 1000

``--batch 1`` (the default) writes one row a statement (executemany), ``--batch 1000`` as the importer
writes. Run it on a copy: it adds 3 × N workers and leaves the trigger enabled.
"""

import argparse
import secrets
import time

import psycopg

TRIGGER = "people_reach_newest_insert"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--rows", type=int, default=2000)
    parser.add_argument("--batch", type=int, default=1)
    args = parser.parse_args()
    with psycopg.connect(args.database_url) as conn:
        cur = conn.cursor()
        cur.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = 'people_worker' "
            "AND column_name <> 'id' ORDER BY ordinal_position"
        )
        cols = [r[0] for r in cur.fetchall()]
        cur.execute(f"SELECT {', '.join(cols)} FROM people_worker ORDER BY id DESC LIMIT %s", [args.rows])  # noqa: S608
        rows = cur.fetchall()
        unique, user = cols.index("id_number_hash"), cols.index("user_id")  # unique columns: a new hash, no log-in
        one = "(" + ", ".join(["%s"] * len(cols)) + ")"
        steps = (
            ("trigger on", None),
            ("trigger off", f"ALTER TABLE people_worker DISABLE TRIGGER {TRIGGER}"),
            ("trigger on again", f"ALTER TABLE people_worker ENABLE TRIGGER {TRIGGER}"),
        )
        try:
            for label, ddl in steps:
                if ddl:
                    cur.execute(ddl)
                fresh = [
                    tuple(secrets.token_hex(32) if i == unique else None if i == user else v for i, v in enumerate(r))
                    for r in rows
                ]
                started = time.perf_counter()
                for k in range(0, len(fresh), args.batch):
                    part = fresh[k : k + args.batch]
                    sql = f"INSERT INTO people_worker ({', '.join(cols)}) VALUES " + ", ".join([one] * len(part))  # noqa: S608
                    if args.batch == 1:
                        cur.executemany(sql, fresh)
                        break
                    cur.execute(sql, [v for r in part for v in r])
                conn.commit()
                print(f"{label}: {len(fresh)} rows, {args.batch} a statement: {time.perf_counter() - started:.2f} s")
        finally:
            conn.rollback()
            cur.execute(f"ALTER TABLE people_worker ENABLE TRIGGER {TRIGGER}")
            conn.commit()


if __name__ == "__main__":
    main()
