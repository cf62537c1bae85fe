"""The ledger pages of ``main`` and of this tree with the rollup (awards 0011), interleaved at both
scales, on copies without the migration (the shared ones take no new table).

Four resident processes speak ``bench/pages.py``'s ``--serve`` protocol: ``main``'s own
``bench/pages.py --serve`` on each scale, and this tree's, which first opens a transaction that it
never commits and makes and fills the rollup table in it (as ``bench/line_totals_read.py`` does, no
triggers): its requests read the rollup, no other session sees it, and it is gone when the process
ends. For every page the four take turns, ``--batch`` requests at a time (the order turned each
round), until each has had ``--requests``.

    .venv/bin/python bench/line_totals_pages.py --main /work/main \
        --demo postgres://postgres@127.0.0.1:5432/bench_demo \
        --province postgres://postgres@127.0.0.1:5432/province --only "payout ledger,award decisions" --requests 30

``main`` is started first and has signed its users in before this tree's processes start (the
county official ``bench/pages.py`` makes would otherwise wait on this tree's uncommitted one).
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def serve_with_rollup(url: str, only: str | None) -> None:
    """``pages.serve`` inside a transaction holding the rollup table, filled."""
    import pages

    setup = pages.setup

    def setup_and_rollup(database_url: str) -> None:
        setup(database_url)
        from django.db import transaction
        from line_totals_read import make_rollup

        transaction.atomic().__enter__()  # never left: the process's end rolls it back
        make_rollup(with_triggers=False)

    pages.setup = setup_and_rollup
    pages.serve(url, only)


def start(argv_by_key: dict[str, list[str]]) -> tuple[dict[str, subprocess.Popen], dict[str, dict]]:
    """The processes, each ready (its head line read) before the next starts."""
    workers: dict[str, subprocess.Popen] = {}
    heads = {}
    for key, argv in argv_by_key.items():
        workers[key] = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=HERE.parent)
        heads[key] = ask(workers, key)
    return workers, heads


def ask(workers: dict[str, subprocess.Popen], key: str, command: dict | None = None) -> dict:
    worker = workers[key]
    if command is not None:
        worker.stdin.write(json.dumps(command, ensure_ascii=False) + "\n")
        worker.stdin.flush()
    line = worker.stdout.readline()
    while line and not line.startswith("{"):
        line = worker.stdout.readline()
    if not line:
        raise SystemExit(f"the {key} process ended (exit code {worker.wait()})")
    return json.loads(line)


def print_table(out: dict, labels: list[str]) -> None:
    print(
        "| page | demo main | demo rollup | province main | province rollup | p95 ratio main → rollup "
        "| median ratio main → rollup | queries main / rollup (province) |"
    )
    print("|---|---:|---:|---:|---:|---|---|---|")
    for label in labels:
        r = {key: out[key]["pages"][label] for key in out}
        cell = {key: f"{v['median']:.0f} / {v['p95']:.0f}" for key, v in r.items()}
        p95 = [r[f"{t} province"]["p95"] / r[f"{t} demo"]["p95"] for t in ("main", "rollup")]
        med = [r[f"{t} province"]["median"] / r[f"{t} demo"]["median"] for t in ("main", "rollup")]
        print(
            f"| {label} | {cell['main demo']} | {cell['rollup demo']} | {cell['main province']} "
            f"| {cell['rollup province']} | {p95[0]:.2f} → {p95[1]:.2f} | {med[0]:.2f} → {med[1]:.2f} "
            f"| {r['main province']['queries']} / {r['rollup province']['queries']} |"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--main", default="/work/main", help="a checkout of main (its .venv and bench/pages.py, the same protocol)"
    )
    parser.add_argument("--demo", default="postgres://postgres@127.0.0.1:5432/bench_demo")
    parser.add_argument("--province", default="postgres://postgres@127.0.0.1:5432/province")
    parser.add_argument("--only", default="payout ledger")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--batch", type=int, default=5)
    parser.add_argument("--serve-rollup", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_rollup:
        serve_with_rollup(args.serve_rollup, args.only)
        return
    import pages

    tree = Path(args.main)
    scales = {"demo": args.demo, "province": args.province}
    argv = {
        f"main {scale}": [
            str(tree / ".venv/bin/python"),
            str(tree / "bench/pages.py"),
            "--serve",
            url,
            "--only",
            args.only,
        ]
        for scale, url in scales.items()
    }
    for scale, url in scales.items():
        argv[f"rollup {scale}"] = [sys.executable, __file__, "--serve-rollup", url, "--only", args.only]
    workers, heads = start(argv)
    out = {key: {**head, "pages": {}} for key, head in heads.items()}
    labels = [label for label, *_ in pages.selected(args.only)]
    try:
        for label in labels:
            warm = {key: ask(workers, key, {"do": "warm", "label": label}) for key in workers}
            for key, answer in warm.items():
                if "url" not in answer:
                    raise SystemExit(f"{key}: {answer}")
            times: dict[str, list[float]] = {key: [] for key in workers}
            order = list(workers)
            done = 0
            while done < args.requests:
                step = min(args.batch, args.requests - done)
                for key in order:
                    times[key].extend(ask(workers, key, {"do": "time", "label": label, "requests": step})["page"])
                order.reverse()
                done += step
            for key in workers:
                out[key]["pages"][label] = pages.summary(warm[key], times[key], [])
    finally:
        for worker in workers.values():
            worker.stdin.close()
            worker.wait()
    print_table(out, labels)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    main()
