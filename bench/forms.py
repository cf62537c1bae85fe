"""Server time and size of the pages whose pick lists issue 17 bounded: each form page as the demo's
province admin ``sheng`` (who reaches every union, employer and studio) and the Harbin city admin
``haerbin``.

    nice -n 10 .venv/bin/python bench/forms.py \
        --database-url postgres://postgres@127.0.0.1:5432/forms17b_small [--requests 10] [--only 联盟]

Django's test client (no network), ``settings.DEBUG`` off, two warm-up requests, then ``--requests``
timed requests per page (wall time of ``client.get``: the view, its queries and the template). For
each page: the median and the slowest time, the HTML's size and how many ``<option>``s it holds.
"""

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (label, user, url); {alliance}: the alliance of the province with the fewest members.
PAGES = (
    ("联盟表单 alliance form", "sheng", "/studios/alliances/new/"),
    ("联盟表单 alliance form, city admin", "haerbin", "/studios/alliances/new/"),
    ("联盟页 alliance page (add member)", "sheng", "/studios/alliances/{alliance}/"),
    ("工作室表单 studio form", "sheng", "/studios/new/"),
    ("立项申报 application form", "sheng", "/projects/apply/"),
    ("职工表单 worker form", "sheng", "/people/workers/new/"),
    ("用人单位表单 employer form", "sheng", "/orgs/employers/new/"),
    ("竞赛表单 competition form", "sheng", "/competitions/new/"),
    ("院校表单 college form", "sheng", "/colleges/new/"),
)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--only", help="time only the pages whose label holds this")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db.models import Count
    from signin import signed_in

    from gongjiang.studios.models import Alliance

    settings.DEBUG = False
    alliance = Alliance.objects.annotate(n=Count("memberships")).order_by("n", "pk").values_list("pk", flat=True)[0]
    clients: dict[str, object] = {}
    print(f"{'page':44} {'median':>8} {'max':>8} {'KB':>8} {'options':>8}")
    for label, user, path in PAGES:
        if args.only and args.only not in label:
            continue
        if user not in clients:
            clients[user] = signed_in(user)
        client = clients[user]
        url = path.format(alliance=alliance)
        for _ in range(2):
            response = client.get(url)  # type: ignore[attr-defined]
        if response.status_code != 200:
            print(f"{label:44} HTTP {response.status_code} {url}")
            continue
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url)  # type: ignore[attr-defined]
            times.append(time.perf_counter() - started)
        html = response.content
        options = len(re.findall(rb"<option ", html))
        print(
            f"{label:44} {statistics.median(times) * 1000:7.0f}ms {max(times) * 1000:7.0f}ms "
            f"{len(html) / 1024:8.1f} {options:8d}"
        )


if __name__ == "__main__":
    main()
