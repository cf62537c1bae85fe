"""Server time and size of the pages whose pick lists issue 17 bounded: each form page as the demo's
province admin ``sheng`` (who reaches every union, employer and studio) and the Harbin city admin
``haerbin``.

    nice -n 10 .venv/bin/python bench/forms.py \
        --database-url postgres://postgres@127.0.0.1:5432/forms17b_small [--requests 10] [--only '联盟|揭榜']

    # the shared province, read only (no session, no last log-in, no device written; any write fails)
    nice -n 5 .venv/bin/python bench/forms.py --read-only \
        --database-url postgres://postgres@127.0.0.1:5432/province --only 创新

    # a database of your own: first add 5,000 judges to the province's pool and open a problem to
    # every alliance (the worst case of the event page's judges and the problem page's claim form)
    .venv/bin/python bench/forms.py --database-url postgres://postgres@127.0.0.1:5432/h_me_small --prepare 5000

Django's test client (no network), ``settings.DEBUG`` off, two warm-up requests, then ``--requests``
timed requests per page (wall time of ``client.get``: the view, its queries and the template). For
each page: the median and the slowest time, the HTML's size, how many ``<option>``s it holds and the
drop-down holding most of them.

``--read-only`` opens every transaction read only (``default_transaction_read_only``) and keeps the
session in a signed cookie; a user who must have a second factor and has no device on that database is
let through (the gate's check is switched off for the run), so nothing is written to it.
"""

import argparse
import os
import re
import statistics
import sys
import time
from importlib import import_module
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# (label, user, url[, the drop-down to count]; a url ending in " htmx" is asked as htmx asks); {alliance}: the alliance of the province with the fewest members; {employer}:
# the employer (in the user's reach) that took part in the most competitions among the largest ones;
# {problem}: an open problem, one open to every alliance first; {event}: an event the user's union
# organises whose judges may still change.
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
    ("创新表单 innovation form (busiest employer)", "sheng", "/innovations/new/?employer={employer}", "competition"),
    ("创新表单 innovation form, city admin", "haerbin", "/innovations/new/?employer={employer}", "competition"),
    ("揭榜 problem page (claim form)", "sheng", "/studios/problems/{problem}/", "studio"),
    ("揭榜 problem page (claim form), city admin", "haerbin", "/studios/problems/{problem}/", "studio"),
    ("赛项页 event page (judges)", "sheng", "/competitions/events/{event}/", "judge"),
    ("赛项页 event page (judges), city admin", "haerbin", "/competitions/events/{event}/", "judge"),
    # what a find box asks as one types (htmx: the drop-down alone, or the page for the innovation form)
    (
        "创新表单 find a competition (htmx)",
        "sheng",
        "/innovations/new/?employer={employer}&competition_q=2024 htmx",
        "competition",
    ),
    ("揭榜 find a studio (htmx)", "sheng", "/studios/problems/{problem}/?studio_q=创新 htmx", "studio"),
    ("赛项页 find a judge (htmx)", "sheng", "/competitions/events/{event}/?judge_q=裁判 htmx", "judge"),
)


def read_only_client(username: str) -> Any:
    """A client signed in as ``username`` without a write: the session lives in a signed cookie."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from gongjiang.core.models import User
    from gongjiang.orgs import middleware

    user = User.objects.get(username=username)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    else:  # no device on this database and none may be made: let the gate through
        middleware.two_factor_required = lambda *args: False  # type: ignore[assignment]
    session[middleware.AccountGateMiddleware.NO_DEVICE_KEY] = True
    session.save()
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session.session_key
    return client


def prepare(judges: int) -> None:
    """On a database of one's own: ``judges`` more active judges in the province's pool (any occupation
    of the demo's, named 测试裁判00001…), and the first open problem opened to every alliance."""
    from django.db import transaction

    from gongjiang.competitions.models import Judge
    from gongjiang.orgs.models import Union
    from gongjiang.people.models import Occupation
    from gongjiang.studios.models import Problem

    province = Union.objects.get(parent=None, kind="province") if judges else None
    occupations = list(Occupation.objects.order_by("pk").values_list("pk", flat=True)[:20])
    with transaction.atomic():
        made = Judge.objects.bulk_create(
            Judge(pool=province, name=f"测试裁判{i:05d}", region_code=province.region_id, active=True)  # type: ignore[union-attr]
            for i in range(1, judges + 1)
        )
        through = Judge.occupations.through
        through.objects.bulk_create(
            through(judge_id=j.pk, occupation_id=occupations[i % len(occupations)]) for i, j in enumerate(made)
        )
        problem = Problem.objects.filter(state="open").order_by("pk").first()
        if problem is not None:
            Problem.objects.filter(pk=problem.pk).update(open_to_all=True)
    print(f"{len(made)} judges added; problem {problem and problem.pk} open to every alliance")


def targets(user: Any) -> dict[str, int]:
    """The objects the pages are opened on, for ``user``."""
    from django.db.models import Count, Q

    from gongjiang.competitions.models import Entry, Event
    from gongjiang.competitions.services import JUDGING_STATES
    from gongjiang.labour.models import Unit
    from gongjiang.orgs.models import Role
    from gongjiang.people.models import Worker
    from gongjiang.studios.models import Alliance, Problem

    union = Role.objects.filter(user=user).order_by("pk").values_list("union_id", flat=True)[0]
    alliance = Alliance.objects.annotate(n=Count("memberships")).order_by("n", "pk").values_list("pk", flat=True)[0]
    largest = list(
        Worker.objects.filter(employer__union__ancestor_links__ancestor_id=union)
        .values("employer_id")
        .annotate(n=Count("pk"))
        .order_by("-n")
        .values_list("employer_id", flat=True)[:5]
    )
    history = {
        pk: Entry.objects.filter(employer_id=pk).values("event__competition_id").distinct().count()
        + Unit.objects.filter(employer_id=pk).count()
        for pk in largest
    }
    employer = max(history, key=lambda pk: history[pk]) if history else 0
    problem = (
        Problem.objects.filter(state__in=("open", "in_progress"))
        .order_by("-open_to_all", "pk")
        .values_list("pk", flat=True)
    )[:1]
    judging = Event.objects.filter(competition__state__in=JUDGING_STATES)
    event = (
        judging.filter(competition__organiser_id=union).order_by("pk").values_list("pk", flat=True)[:1]
        or judging.filter(Q(competition__organiser__ancestor_links__ancestor_id=union))
        .order_by("pk")
        .values_list("pk", flat=True)[:1]
    )
    return {
        "alliance": alliance,
        "employer": employer,
        "problem": problem[0] if problem else 0,
        "event": event[0] if event else 0,
    }


def selects(html: bytes, name: str = "") -> str:
    """How many options the drop-down ``name`` holds; without a name, the one with the most options."""
    counts = {
        m[1].decode(): m[2].count(b"<option ")
        for m in re.finditer(rb'<select[^>]*? name="([^"]+)"[^>]*>(.*?)</select>', html, re.S)
    }
    name = name or max(counts, key=lambda k: counts[k], default="")
    return f"{name}: {counts.get(name, 0)}" if name else ""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--requests", type=int, default=10)
    parser.add_argument("--only", help="time only the pages whose label matches this (a regular expression)")
    parser.add_argument("--read-only", action="store_true", help="write nothing (a shared database)")
    parser.add_argument("--prepare", type=int, metavar="JUDGES", help="write the worst cases first (own database)")
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.db import connections

    settings.DEBUG = False
    if args.prepare is not None:
        if args.read_only or args.database_url.rstrip("/").rsplit("/", 1)[-1] == "province":
            sys.exit("--prepare writes: use a database of your own, never the shared province")
        prepare(args.prepare)
        return
    if args.read_only:
        connections["default"].settings_dict.setdefault("OPTIONS", {})["options"] = (
            "-c default_transaction_read_only=on"
        )
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.signed_cookies"
        sign_in = read_only_client
    else:
        from signin import signed_in as sign_in

    from gongjiang.core.models import User

    clients: dict[str, Any] = {}
    found: dict[str, dict[str, int]] = {}
    print(f"{'page':48} {'median':>8} {'max':>8} {'KB':>8} {'options':>8}")
    for label, user, path, *watched in PAGES:
        if args.only and not re.search(args.only, label):
            continue
        if user not in clients:
            clients[user] = sign_in(user)
            found[user] = targets(User.objects.get(username=user))
        client = clients[user]
        url = path.format(**found[user])
        url, htmx = url.removesuffix(" htmx"), url.endswith(" htmx")
        headers = {"HX-Request": "true"} if htmx else {}
        for _ in range(2):
            response = client.get(url, headers=headers)
        if response.status_code != 200:
            print(f"{label:48} HTTP {response.status_code} {url}")
            continue
        times = []
        for _ in range(args.requests):
            started = time.perf_counter()
            response = client.get(url, headers=headers)
            times.append(time.perf_counter() - started)
        html = response.content
        options = len(re.findall(rb"<option ", html))
        print(
            f"{label:48} {statistics.median(times) * 1000:7.0f}ms {max(times) * 1000:7.0f}ms "
            f"{len(html) / 1024:8.1f} {options:8d}  {url}  {selects(html, *watched)}"
        )


if __name__ == "__main__":
    main()
