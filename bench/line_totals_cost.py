"""What the ledger's rollup triggers (awards 0011, ``ReachLineTotal``) cost a write, alone and under
contention: ``--threads`` writers at once, each changing the state of its own lines (proposed ⇄
rejected, one line a transaction, as a payment's approval or refusal does), with the triggers on,
off (``ALTER TABLE … DISABLE TRIGGER``) and on again. Every state change of a line updates the rows of
each of its union's ancestors, the top union's included: with the triggers on, every writer updates
the same few rows of the top union (a hot row), held until it commits.

    .venv/bin/python bench/line_totals_cost.py postgres://postgres@127.0.0.1:5432/<own copy> \
        --threads 1,4,20 --seconds 5

Run it on a copy of one's own (it changes lines' states back and forth and leaves the triggers
enabled; each writer puts its lines back as they were when it stops). Prints, per setting, the
transactions a second, each transaction's median and 95th percentile (ms) and any error (a deadlock
would be one); the wait for the hot rows' locks is the gap between the settings at n writers.
"""

import argparse
import statistics
import threading
import time

import psycopg

TRIGGERS = ("awards_reach_line_total_update",)


def writer(url: str, ids: list[int], seconds: float, out: list[float], errors: list[str]) -> None:
    with psycopg.connect(url) as conn:
        cur = conn.cursor()
        stop = time.perf_counter() + seconds
        k = 0
        while time.perf_counter() < stop:
            line = ids[k % len(ids)]
            k += 1
            started = time.perf_counter()
            try:
                cur.execute(
                    "UPDATE awards_ledgerline SET state = CASE state WHEN 'proposed' THEN 'rejected' "
                    "ELSE 'proposed' END WHERE id = %s",
                    [line],
                )
                conn.commit()
            except psycopg.Error as exc:  # a deadlock would show here
                conn.rollback()
                errors.append(str(exc).splitlines()[0])
                continue
            out.append((time.perf_counter() - started) * 1000)
        # every line back as it was: an even number of flips each
        flipped = [ids[i % len(ids)] for i in range(k)]
        odd = [line for line in set(flipped) if flipped.count(line) % 2]
        if odd:
            cur.execute(
                "UPDATE awards_ledgerline SET state = CASE state WHEN 'proposed' THEN 'rejected' "
                "ELSE 'proposed' END WHERE id = ANY(%s)",
                [odd],
            )
            conn.commit()


def run(url: str, lines: list[int], threads: int, seconds: float) -> tuple[int, list[float], list[str]]:
    per = [lines[i::threads] for i in range(threads)]
    outs: list[list[float]] = [[] for _ in range(threads)]
    errors: list[str] = []
    workers = [threading.Thread(target=writer, args=(url, per[i], seconds, outs[i], errors)) for i in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    times = [t for out in outs for t in out]
    return len(times), times, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("database_url")
    parser.add_argument("--threads", default="1,4,20")
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        cur = conn.cursor()
        # Lines of the current year in states proposed or rejected, many unions (so that two writers
        # share only the ancestors' rows, the top union's first).
        cur.execute(
            "SELECT id FROM awards_ledgerline WHERE state IN ('proposed', 'rejected') AND year = "
            "(SELECT max(year) FROM awards_ledgerline) ORDER BY id DESC LIMIT 2000"
        )
        lines = [r[0] for r in cur.fetchall()]
        print(f"{len(lines)} lines to flip")
        settings = (("triggers on", "ENABLE"), ("triggers off", "DISABLE"), ("triggers on again", "ENABLE"))
        try:
            for label, toggle in settings:
                for name in TRIGGERS:
                    cur.execute(f"ALTER TABLE awards_ledgerline {toggle} TRIGGER {name}")
                for n in (int(t) for t in args.threads.split(",")):
                    count, times, errors = run(args.database_url, lines, n, args.seconds)
                    q = statistics.quantiles(times, n=20) if len(times) > 1 else times * 19
                    print(
                        f"{label:18} {n:3} writers: {count / args.seconds:7.0f} tx/s, "
                        f"median {statistics.median(times):6.2f} ms, p95 {q[18]:6.2f} ms, errors {len(errors)}"
                        + (f" ({errors[0]})" if errors else "")
                    )
        finally:
            for name in TRIGGERS:
                cur.execute(f"ALTER TABLE awards_ledgerline ENABLE TRIGGER {name}")


if __name__ == "__main__":
    main()
