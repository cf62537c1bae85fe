"""A plausible province on PostgreSQL, written through COPY (issue 17).

    nice -n 10 .venv/bin/python bench/province.py --scale 1 \
        --database-url postgres://postgres@127.0.0.1:5432/province

The database is dropped, created, migrated and seeded with the demo (``seed_demo``: the real
union tree of Heilongjiang, the demo log-ins, 3,000 workers through the importer, the demo
competitions, studios, awards and colleges). On top of that, at ``--scale 1``:

- ~50,000 employers, each with its enterprise union under a county union (40 % also under an
  industrial union), and their closure rows;
- 3.96 million workers with valid ID numbers (``core.fakeids``), Fernet-encrypted ID numbers and
  phones and the keyed hash, exactly as the importer writes them (every ciphertext is real: Fernet
  costs about 8 µs a value, about a minute in all); employer sizes follow a Pareto law;
- grade histories (about 0.8 certificates per worker) and worker–occupation links;
- 51,000 competitions (province, industrial, city, county and enterprise organisers, 2021–2026)
  with their events and 19 million entries, results for every finished one (ranks and awards as
  ``scoring.award`` gives them);
- honours, studios and their members, alliances, reward ledger lines, college classes and enrolments.

Marks are not generated (results carry the scores). Big tables are loaded without their secondary
indexes and foreign keys, which are created again afterwards (what a restore does); every sequence
is moved past the ids written. ``--scale 0.01`` makes a 1 % province for development; each count
can be set on its own (``--workers``, ``--entries`` …). Statistics work (issue 14) reuses it.
"""

import argparse
import bisect
import datetime as dt
import itertools
import os
import random
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

FULL = {
    "workers": 3_960_000,
    "employers": 50_000,
    "competitions": 51_000,
    "entries": 19_000_000,
    "honours": 60_000,
    "studios": 4_000,
    "alliances": 120,
    "ledger": 300_000,
    "classes": 6_000,
}
TODAY = dt.date(2026, 12, 5)
NULL = "\\N"  # COPY text format
BIG_TABLES = (
    "orgs_union",
    "orgs_unionancestor",
    "orgs_employer",
    "people_worker",
    "people_skillgrade",
    "people_worker_occupations",
    "people_honour",
    "competitions_competition",
    "competitions_event",
    "competitions_entry",
    "competitions_result",
)
WORDS = [
    "宏达",
    "华信",
    "龙江",
    "北方",
    "兴安",
    "金泰",
    "鑫源",
    "恒通",
    "东方",
    "华盛",
    "天成",
    "永丰",
    "长城",
    "新华",
    "万达",
    "松江",
    "嫩江",
    "三江",
    "北疆",
    "寒地",
    "冰城",
    "鹤城",
    "龙腾",
    "昌盛",
    "瑞丰",
    "盛达",
    "和平",
    "红星",
    "前进",
    "胜利",
    "友谊",
    "建设",
    "光明",
    "黎明",
    "创新",
    "卓越",
    "精工",
    "博远",
    "远航",
    "中兴",
]
SUFFIXES = (
    ("机械制造有限公司", "machinery", "机械制造"),
    ("建设集团有限公司", None, "建筑"),
    ("食品有限公司", "farming", "食品加工"),
    ("电力工程有限公司", "power", "电力工程"),
    ("化工有限公司", "petroleum", "化工"),
    ("装备有限公司", "machinery", "装备制造"),
    ("煤业有限责任公司", "coal", "煤炭开采"),
    ("林业有限公司", "forestry", "林业"),
    ("运输有限公司", "transport", "交通运输"),
    ("汽车零部件有限公司", "machinery", "汽车零部件"),
    ("物流有限公司", "transport", "物流"),
    ("农业发展有限公司", "farming", "现代农业"),
)
INDUSTRY_NAMES = {
    "黑龙江省森林工业工会": "forestry",
    "黑龙江省农林水利工会": "farming",
    "黑龙江省能源化学地质工会": "coal",
    "黑龙江省电力工会": "power",
    "黑龙江省机械冶金建材工会": "machinery",
    "黑龙江省交通运输工会": "transport",
    "黑龙江省教育工会": "education",
    "黑龙江省科教文卫工会": "health",
    "黑龙江省石油化工工会": "petroleum",
}
STUDIO_FIELDS = (
    "数控加工 精密零件",
    "焊接 结构件",
    "设备维修 机电一体化",
    "输变电 带电作业",
    "采油 井下作业",
    "煤矿机电 综采",
    "林木育苗 病虫害防治",
    "现代农业 农机",
    "铁路车辆 转向架",
    "化工工艺 安全生产",
)
HONOURS = (
    ("黑龙江省劳动模范", "model_worker", 3),
    ("龙江工匠", "craftsman", 3),
    ("龙江技术能手", "technical_expert", 3),
    ("市级劳动模范", "model_worker", 2),
    ("市级技术能手", "technical_expert", 2),
    ("企业首席技师", "other", 1),
    ("企业技术标兵", "other", 1),
)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S', time.gmtime())}] {message}", flush=True)


def counts(args: argparse.Namespace) -> dict[str, int]:
    out = {}
    for key, full in FULL.items():
        given = getattr(args, key)
        out[key] = given if given is not None else max(1, round(full * args.scale))
    return out


def setup_database(url: str, demo_workers: int, *, reseed: bool) -> None:
    """Drop and create the database from a seeded template (``<name>_seed``: migrated, demo loaded),
    building the template first when it is missing or ``reseed`` is given."""
    import psycopg

    name = url.rsplit("/", 1)[1]
    seed = f"{name}_seed"
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    os.environ["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + seed
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [seed]).fetchone()
        if reseed or not exists:
            conn.execute(f'DROP DATABASE IF EXISTS "{seed}"')
            conn.execute(f'CREATE DATABASE "{seed}"')
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    if reseed or not exists:
        log(f"seeding {seed} (migrate, seed_demo --workers {demo_workers})")
        call_command("migrate", verbosity=0)
        with open(os.devnull, "w") as devnull:
            call_command("seed_demo", workers=demo_workers, verbosity=0, stdout=devnull)
    else:
        call_command("migrate", verbosity=0)  # new migrations reach the template too
    connections.close_all()
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{seed}"')
    connection.settings_dict["NAME"] = name


class Loader:
    """COPY text into tables whose secondary indexes and constraints are dropped while loading."""

    def __init__(self, conn: "object") -> None:
        self.conn = conn
        self.saved: dict[str, tuple[list[tuple[str, str]], list[tuple[str, str]]]] = {}
        self.rows: dict[str, int] = {}

    def execute(self, sql: str, params: Iterable[object] = ()) -> list[tuple]:
        with self.conn.cursor() as cur:
            cur.execute(sql, tuple(params))
            return cur.fetchall() if cur.description else []

    def strip(self, table: str) -> None:
        cons = self.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC",
            [table],
        )
        idx = self.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname NOT IN "
            "(SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        for name, _ in cons:
            self.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
        for name, _ in idx:
            self.execute(f'DROP INDEX "{name}"')
        self.saved[table] = (idx, cons)

    def restore(self, table: str) -> None:
        idx, cons = self.saved.pop(table)
        for _, definition in idx:
            self.execute(definition)
        for name, definition in cons:  # unique before foreign keys (ORDER BY contype DESC)
            self.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')

    def copy(self, table: str, columns: str, lines: Iterable[str]) -> int:
        n = 0
        buf: list[str] = []
        with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for line in lines:
                buf.append(line)
                if len(buf) >= 20_000:
                    copy.write("".join(buf))
                    n += len(buf)
                    buf.clear()
            if buf:
                copy.write("".join(buf))
                n += len(buf)
        self.rows[table] = self.rows.get(table, 0) + n
        return n

    def next_id(self, table: str) -> int:
        return self.execute(f"SELECT coalesce(max(id), 0) + 1 FROM {table}")[0][0]  # noqa: S608 (our table names)

    def reset_sequence(self, table: str) -> None:
        self.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"  # noqa: S608
        )


def pareto_sizes(rng: random.Random, n: int, total: int, *, alpha: float, least: int, most: int) -> list[int]:
    raw = [rng.paretovariate(alpha) for _ in range(n)]
    factor = total / sum(raw)
    sizes = [min(most, max(least, int(r * factor))) for r in raw]
    # Spread what rounding and the bounds left over (or took) over the employers one by one.
    diff = total - sum(sizes)
    i = 0
    while diff:
        j = i % n
        if diff > 0 and sizes[j] < most:
            sizes[j] += 1
            diff -= 1
        elif diff < 0 and sizes[j] > least:
            sizes[j] -= 1
            diff += 1
        i += 1
    return sizes


class Province:
    def __init__(self, loader: Loader, rng: random.Random, n: dict[str, int]) -> None:
        self.db = loader
        self.rng = rng
        self.n = n
        self.now = dt.datetime(2026, 12, 5, 8, 0, tzinfo=dt.UTC).isoformat()

    # --- unions and employers ---------------------------------------------------------------
    def load_tree(self) -> None:
        rows = self.db.execute("SELECT id, name, kind, region_id, parent_id FROM orgs_union")
        self.province_id = next(r[0] for r in rows if r[2] == "province")
        self.cities = {r[0]: r for r in rows if r[2] == "city"}
        self.counties = [r for r in rows if r[2] == "county"]
        self.industries = {INDUSTRY_NAMES.get(r[1], r[1]): r[0] for r in rows if r[2] == "industry"}
        self.region_names = dict(self.db.execute("SELECT code, name FROM orgs_region"))
        self.occupations = self.db.execute("SELECT id, name FROM people_occupation ORDER BY id")
        self.sheng = self.db.execute("SELECT id FROM core_user WHERE username = 'sheng'")[0][0]

    def build_employers(self) -> None:
        rng = self.rng
        n = self.n["employers"]
        # Bigger cities have more employers: weight each county by its city's weight.
        city_weight = {
            cid: (6.0 if self.region_names[c[3]].startswith("哈尔滨") else 1.0) for cid, c in self.cities.items()
        }
        weights = [city_weight.get(c[4], 1.0) * rng.uniform(0.3, 1.7) for c in self.counties]
        counties = rng.choices(self.counties, weights, k=n)
        counties.sort(key=lambda c: (c[4], c[3]))  # by city, then county: workers come out contiguous
        sizes = pareto_sizes(rng, n, self.n["workers"], alpha=1.16, least=3, most=60_000)
        union_id = self.db.next_id("orgs_union")
        employer_id = self.db.next_id("orgs_employer")
        self.employers = []  # (employer id, union id, county region code, city union id, county union id, industry)
        unions, links, employers = [], [], []
        for i, county in enumerate(counties):
            suffix, industry, trade = SUFFIXES[rng.randrange(len(SUFFIXES))]
            industry = industry if rng.random() < 0.4 else None
            industry_union = self.industries.get(industry) if industry else None
            city_name = self.region_names[self.cities[county[4]][3]].removesuffix("市").removesuffix("地区")
            name = f"{city_name}{rng.choice(WORDS)}{rng.choice(WORDS)}{suffix}"
            uid, eid = union_id + i, employer_id + i
            region = county[3]
            unions.append(f"{uid}\t{name}工会\tgrassroots\t{region}\t{county[0]}\t{industry_union or NULL}\n")
            ancestors = {uid, county[0], county[4], self.province_id}
            if industry_union:
                ancestors.add(industry_union)
            links.extend(f"{uid}\t{a}\n" for a in ancestors)
            from gongjiang.core.fakeids import make_uscc

            employers.append(
                f"{eid}\t{name}\t{make_uscc(region, 100_000 + i)}\t{trade}\t{region}\t{uid}\t{county[4]}\n"
            )
            self.employers.append((eid, uid, region, county[4], county[0], industry, sizes[i], name))
        self.db.copy("orgs_union", "id, name, kind, region_id, parent_id, industry_parent_id", unions)
        self.db.copy("orgs_unionancestor", "descendant_id, ancestor_id", links)
        self.db.copy("orgs_employer", "id, name, uscc, industry, region_id, union_id, city_id", employers)

    # --- workers ----------------------------------------------------------------------------
    def existing_id_numbers(self) -> set[str]:
        from gongjiang.core import crypto

        return {crypto.decrypt(t) for (t,) in self.db.execute("SELECT id_number_enc FROM people_worker")}

    def worker_lines(self) -> Iterator[str]:  # noqa: PLR0915
        from gongjiang.core import crypto
        from gongjiang.core.validators import id_check_char
        from gongjiang.people.samples import GIVEN, SURNAMES

        rng = self.rng
        taken = self.taken  # read before the COPY: the connection is busy during it
        encrypt, keyed_hash = crypto.encrypt, crypto.keyed_hash
        wid = self.w0
        self.w_employer: list[int] = []
        self.w_union: list[int] = []
        self.w_region: list[str] = []
        self.w_occupation: list[int] = []
        self.emp_range: list[tuple[int, int]] = []
        self.grades: list[str] = []
        self.links: list[str] = []
        base = dt.date(1966, 1, 1).toordinal()
        span = dt.date(2006, 12, 31).toordinal() - base
        surnames, given = SURNAMES, GIVEN
        occupations = self.occupations
        now = self.now
        cert = 0
        for eid, uid, region, city, _county, _industry, size, _name in self.employers:
            start = wid
            favourite = [rng.choice(occupations) for _ in range(3)]  # an employer's trades
            for _ in range(size):
                while True:
                    birth = dt.date.fromordinal(base + rng.randrange(span))
                    male = rng.random() < 0.7
                    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(500) * 2 + male:03d}"
                    number = first17 + id_check_char(first17)
                    if number not in taken:
                        taken.add(number)
                        break
                name = rng.choice(surnames) + rng.choice(given) + (rng.choice(given) if rng.random() < 0.6 else "")
                if rng.random() < 0.8:
                    phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
                    phone_cols = f"{encrypt(phone)}\t{phone[:3]}****{phone[-4:]}"
                else:
                    phone_cols = "\t"
                r = rng.random()
                status = "employed" if r < 0.93 else ("retired" if r < 0.97 else "left")
                occupation = rng.choice(favourite) if rng.random() < 0.8 else rng.choice(occupations)
                top = "\\N"
                if rng.random() < 0.7:
                    grade = rng.choices((2, 3, 4, 5, 6), (20, 30, 30, 15, 5))[0]
                    history = [grade]
                    if grade > 2 and rng.random() < 0.25:
                        history.insert(0, grade - 1)
                    year = rng.randint(min(max(birth.year + 18, 2000), 2025), 2025)
                    for g in history:
                        cert += 1
                        self.grades.append(
                            f"{g}\tevaluation\tGEN{cert:09d}\t{year}-{rng.randint(1, 12):02d}-01\t"
                            f"黑龙江省职业技能鉴定指导中心\t{now}\t{occupation[0]}\t{wid}\t\n"
                        )
                        year = min(2026, year + rng.randint(2, 5))
                    top = str(history[-1])
                    self.links.append(f"{wid}\t{occupation[0]}\n")
                elif rng.random() < 0.5:
                    self.links.append(f"{wid}\t{occupation[0]}\n")
                yield (
                    f"{wid}\t{name}\t{encrypt(number)}\t{keyed_hash(number)}\t{number[:6]}********{number[-4:]}\t"
                    f"{number[-4:]}\t{'M' if male else 'F'}\t{birth.isoformat()}\t{phone_cols}\t{region}\t{status}\t"
                    f"{top}\t{now}\t{now}\t{eid}\t{uid}\t{city}\n"
                )
                self.w_employer.append(eid)
                self.w_union.append(uid)
                self.w_region.append(region)
                self.w_occupation.append(occupation[0])
                wid += 1
            self.emp_range.append((start, wid))

    def build_workers(self) -> None:
        self.taken = self.existing_id_numbers()
        self.w0 = self.db.next_id("people_worker")
        self.db.copy(
            "people_worker",
            "id, name, id_number_enc, id_number_hash, id_number_masked, id_last4, sex, birth_date, phone_enc, "
            "phone_masked, region_code, status, top_grade, created_at, updated_at, employer_id, union_id, city_id",
            self.worker_lines(),
        )
        self.db.copy(
            "people_skillgrade",
            "grade, source, certificate_no, awarded_on, issuer, created_at, occupation_id, worker_id, reason",
            self.grades,
        )
        self.db.copy("people_worker_occupations", "worker_id, occupation_id", self.links)
        self.grades, self.links = [], []

    def build_honours(self) -> None:
        rng = self.rng
        picked = rng.sample(range(len(self.w_employer)), min(self.n["honours"], len(self.w_employer)))
        lines = []
        for k in picked:
            title, kind, level = rng.choice(HONOURS)
            year = rng.randint(2005, 2025)
            lines.append(f"{self.w0 + k}\t{title}\t{kind}\t{level}\t{year}\t黑龙江省总工会\t{self.now}\n")
        self.db.copy("people_honour", "worker_id, title, kind, level, year, conferred_by, created_at", lines)

    # --- competitions ------------------------------------------------------------------------
    def plan_competitions(self) -> list[tuple]:
        """(organiser union, tier, region, pool, events, weight per event) for each competition."""
        rng = self.rng
        by_city: dict[int, list[int]] = {}
        by_county: dict[int, list[int]] = {}
        by_industry: dict[str, list[int]] = {}
        for k, emp in enumerate(self.employers):
            by_city.setdefault(emp[3], []).append(k)
            by_county.setdefault(emp[4], []).append(k)
            if emp[5]:
                by_industry.setdefault(emp[5], []).append(k)
        every = list(range(len(self.employers)))
        emp_cum = list(itertools.accumulate(min(e[6], 2000) for e in self.employers))  # computed once
        county_region = {c[0]: c[3] for c in self.counties}
        plans = []
        for _ in range(self.n["competitions"]):
            r = rng.random()
            if r < 0.004:
                plans.append((self.province_id, "provincial_1", "230000", every, rng.randint(5, 12), 3000))
            elif r < 0.012:
                key = rng.choice([k for k in self.industries if k in by_industry] or [None])
                if key is None:
                    continue
                plans.append((self.industries[key], "provincial_2", "230000", by_industry[key], rng.randint(3, 8), 600))
            elif r < 0.06:
                city = rng.choice(list(self.cities))
                if city not in by_city:
                    continue
                plans.append((city, "city", self.cities[city][3], by_city[city], rng.randint(3, 8), 400))
            elif r < 0.22:
                county = rng.choice(list(by_county))
                plans.append((county, "city", county_region[county], by_county[county], rng.randint(2, 5), 120))
            else:
                k = rng.choices(every, cum_weights=emp_cum)[0]
                emp = self.employers[k]
                plans.append((emp[1], "enterprise", emp[2], [k], rng.randint(1, 4), min(emp[6] * 0.4, 300)))
        return plans

    def pool_size(self, pool: list[int]) -> int:
        if len(pool) == len(self.employers):
            return len(self.w_employer)
        return sum(self.employers[k][6] for k in pool)

    def build_competitions(self) -> None:
        rng = self.rng
        plans = self.plan_competitions()
        pool_sizes = {id(p[3]): self.pool_size(p[3]) for p in plans}
        wanted = sum(p[4] * min(p[5], pool_sizes[id(p[3])] * 0.5) for p in plans)
        factor = self.n["entries"] / wanted
        cid, eid = self.db.next_id("competitions_competition"), self.db.next_id("competitions_event")
        comps, events = [], []
        union_name = dict(self.db.execute("SELECT id, name FROM orgs_union"))
        start_span = (dt.date(2026, 12, 31) - dt.date(2021, 1, 1)).days
        sheng, now = self.sheng, self.now
        events_plan = []
        for organiser, tier, region, pool, n_events, weight in plans:
            starts = dt.date(2021, 1, 1) + dt.timedelta(days=rng.randrange(start_span))
            ends = starts + dt.timedelta(days=2)
            if ends < dt.date(2026, 10, 15):
                state = "archived" if starts.year < 2023 and rng.random() < 0.5 else "final"
            elif starts > TODAY:
                state = "registration"
            else:
                state = rng.choice(("in_progress", "marking", "notice"))
            final = state in {"final", "archived"}
            notice_end = ends + dt.timedelta(days=12) if state in {"final", "archived", "notice"} else None
            finalised = ends + dt.timedelta(days=20) if final else None
            occupation = rng.choice(self.occupations)
            short = union_name[organiser].removesuffix("工会").removesuffix("总")
            name = f"{starts.year}年{short}{occupation[1]}职业技能竞赛"
            comps.append(
                f"{cid}\t{name}\t{tier}\tskills\t{short}职工技能竞赛组委会\t\t\t\t"
                f"{starts - dt.timedelta(days=20)}\t{starts}\t{ends}\t{state}\tf\t5\tf\tf\t3\t50\t"
                f"{notice_end or NULL}\t{finalised or NULL}\t{region}\t{now}\t{organiser}\n"
            )
            size = pool_sizes[id(pool)]
            per_event = max(1, min(int(size * 0.5), round(min(weight, size * 0.5) * factor)))
            chosen = rng.sample(self.occupations, min(n_events, len(self.occupations)))
            chosen[0] = occupation
            registered = f"{starts - dt.timedelta(days=25)}T09:00:00+08:00"
            for occ in chosen:
                signed = f"{ends}T18:00:00+08:00" if final or state == "notice" else "\\N"
                events.append(
                    f"{eid}\t{cid}\t{occ[1]}\t\\N\t\\N\tindividual\t1\t30\t70\t\\N\t18\t60\temployed\t{signed}\t"
                    f"{occ[0]}\t{sheng if signed != NULL else NULL}\n"
                )
                k = max(1, int(per_event * rng.uniform(0.5, 1.5)))
                events_plan.append(
                    (eid, final, state != "registration", pool, min(k, int(size * 0.8) or 1), registered)
                )
                eid += 1
            cid += 1
        self.db.copy(
            "competitions_competition",
            "id, name, tier, kind, committee, co_organisers, host, series, registration_closes_on, starts_on, "
            "ends_on, state, avoid_same_region, notice_working_days, trimmed_mean, use_ws700, medal_count, "
            "merit_percent, notice_ends_on, finalised_on, region_code, created_at, organiser_id",
            comps,
        )
        self.db.copy(
            "competitions_event",
            "id, competition_id, name, grade_min, grade_max, mode, team_size, theory_weight, practical_weight, "
            "capacity, min_age, max_age, audience, signed_off_at, occupation_id, signed_off_by_id",
            events,
        )
        self.entries_and_results(events_plan)

    def entries_and_results(self, events_plan: list[tuple]) -> None:
        """Entries on this connection and, at the same time, results on a second one."""
        import psycopg
        from django.conf import settings

        from gongjiang.competitions.scoring import award

        rng, now, sheng = self.rng, self.now, self.sheng
        entry_id, result_id = self.db.next_id("competitions_entry"), self.db.next_id("competitions_result")
        cum_cache: dict[int, list[int]] = {}
        db = settings.DATABASES["default"]
        other = psycopg.connect(
            dbname=db["NAME"], user=db["USER"], host=db["HOST"], port=db["PORT"] or 5432, autocommit=True
        )
        other.execute("SET synchronous_commit = off")
        entries = results = 0
        with (
            self.db.conn.cursor() as cur,
            cur.copy(
                "COPY competitions_entry (id, region_code, team, competitor_no, state, registered_at, "
                "withdrawn_reason, theory_score, time_used, employer_id, registered_by_id, union_id, worker_id, "
                "event_id) FROM STDIN"
            ) as entry_copy,
            other.cursor() as cur2,
            cur2.copy(
                "COPY competitions_result (id, rank, theory, practical, total, award, scaled, published_at, "
                "entry_id, event_id) FROM STDIN"
            ) as result_copy,
        ):
            ebuf: list[str] = []
            rbuf: list[str] = []
            w_region, w_employer, w_union, w0 = self.w_region, self.w_employer, self.w_union, self.w0
            for e_id, final, drawn, pool, k, registered in events_plan:
                scored = []
                for no, w in enumerate(self.sample(pool, k, cum_cache), 1):
                    j = w - w0
                    withdrawn = final and rng.random() < 0.02
                    theory = f"{rng.uniform(40, 100):.2f}" if drawn else NULL
                    ebuf.append(
                        f"{entry_id}\t{w_region[j]}\t\t{f'{no:04d}' if drawn else ''}\t"
                        f"{'withdrawn' if withdrawn else 'registered'}\t{registered}\t"
                        f"{'个人原因' if withdrawn else ''}\t{theory}\t{NULL}\t{w_employer[j]}\t{sheng}\t"
                        f"{w_union[j]}\t{w}\t{e_id}\n"
                    )
                    if final and not withdrawn:
                        practical = rng.uniform(35, 98)
                        total = round(0.3 * float(theory) + 0.7 * practical, 2)
                        scored.append((total, entry_id, f"{practical:.2f}", theory))
                    entry_id += 1
                scored.sort(reverse=True)
                field = len(scored)
                for rank, (total, entry, practical, theory) in enumerate(scored, 1):
                    rbuf.append(
                        f"{result_id}\t{rank}\t{theory}\t{practical}\t{total:.2f}\t{award(rank, field)}\t{NULL}\t"
                        f"{now}\t{entry}\t{e_id}\n"
                    )
                    result_id += 1
                if len(ebuf) >= 20_000:
                    entry_copy.write("".join(ebuf))
                    entries += len(ebuf)
                    ebuf.clear()
                if len(rbuf) >= 20_000:
                    result_copy.write("".join(rbuf))
                    results += len(rbuf)
                    rbuf.clear()
            entry_copy.write("".join(ebuf))
            result_copy.write("".join(rbuf))
            entries += len(ebuf)
            results += len(rbuf)
        other.close()
        self.db.rows["competitions_entry"] = entries
        self.db.rows["competitions_result"] = results

    # --- studios, alliances, rewards, college classes --------------------------------------
    # These read the workers back from the database (after the indexes are back), so they can also
    # run alone on an existing province (--extras-only).
    def _random_workers(self, k: int) -> dict[int, tuple]:
        """k random workers: id -> (employer, union, region, name, employer name, city union)."""
        lo, hi = self.db.execute("SELECT min(id), max(id) FROM people_worker")[0]
        ids = self.rng.sample(range(lo, hi + 1), min(k, hi - lo + 1))
        rows = self.db.execute(
            "SELECT w.id, w.employer_id, w.union_id, w.region_code, w.name, e.name, "
            "coalesce(county.parent_id, u.parent_id) FROM people_worker w "
            "JOIN orgs_employer e ON e.id = w.employer_id JOIN orgs_union u ON u.id = w.union_id "
            "LEFT JOIN orgs_union county ON county.id = u.parent_id WHERE w.id = ANY(%s)",
            [ids],
        )
        return {r[0]: r[1:] for r in rows}

    def build_studios(self) -> None:
        rng, now = self.rng, self.now
        sid = self.db.next_id("studios_studio")
        studios, members = [], []
        studio_ids = []
        leads = self._random_workers(self.n["studios"])
        for lead, (employer, union, region, _name, employer_name, city) in leads.items():
            field = rng.choice(STUDIO_FIELDS)
            level = rng.choices(("city", "provincial", "national", "enterprise"), (60, 20, 3, 17))[0]
            founded = dt.date(2012, 1, 1) + dt.timedelta(days=rng.randrange(4700))
            named = founded + dt.timedelta(days=rng.randint(60, 400))
            short = employer_name.removesuffix("有限公司").removesuffix("有限责任公司")
            studios.append(
                f"{sid}\t{short}{field.split()[0]}创新工作室\t{level}\tnamed\t{region}\t{field}\t\t{founded}\tt\tt\t"
                f"{named}\t\t{NULL}\t\t{now}\t{employer}\t{lead}\t{city or NULL}\t{union}\n"
            )
            members.append(f"领衔人\t{founded}\t{sid}\t{lead}\n")
            coworkers = self.db.execute(
                "SELECT id FROM people_worker WHERE employer_id = %s AND id <> %s LIMIT %s",
                [employer, lead, rng.randint(3, 9)],
            )
            members.extend(
                f"骨干\t{founded + dt.timedelta(days=rng.randrange(900))}\t{sid}\t{w}\n" for (w,) in coworkers
            )
            studio_ids.append(sid)
            sid += 1
        self.db.copy(
            "studios_studio",
            "id, name, level, state, region_code, field, description, founded_on, has_place_and_funds, has_rules, "
            "named_on, decision_note, closed_on, closure_reason, created_at, employer_id, lead_id, named_by_id, "
            "union_id",
            studios,
        )
        self.db.copy("studios_studiomember", "role, joined_on, studio_id, worker_id", members)

    def build_alliances(self) -> None:
        """Alliances of the studios already written (a step of its own, so that a run stopped after
        the studios can go on with ``--extras-only --from-alliances``)."""
        rng, now = self.rng, self.now
        studio_ids = [pk for (pk,) in self.db.execute("SELECT id FROM studios_studio ORDER BY id")]
        aid = self.db.next_id("studios_alliance")
        alliances, memberships = [], []
        cities = self.db.execute("SELECT id, region_id FROM orgs_union WHERE kind = 'city' ORDER BY id")
        for k in range(self.n["alliances"]):
            city, region = rng.choice(cities)
            short = self.region_names[region].removesuffix("市").removesuffix("地区")
            field = rng.choice(STUDIO_FIELDS).split()[0]
            year = rng.randint(2018, 2025)
            alliances.append(
                f"{aid}\t{short}{field}创新工作室联盟（{k + 1}）\tcity\t{region}\t{year}-06-01\t"
                f"{short}工发〔{year}〕{k + 1}号\t\t60.00\tnamed\t{year}-06-01\t{city}\t\t12\t12\t{now}\t{city}\t{NULL}\n"
            )
            memberships.extend(
                f"\t\t\t\tactive\t{year}-07-01\t{NULL}\t\t{NULL}\t\t{aid}\t{studio}\n"
                for studio in rng.sample(studio_ids, min(len(studio_ids), rng.randint(8, 40)))
            )
            aid += 1
        self.db.copy(
            "studios_alliance",
            "id, name, level, region_code, founded_on, founding_document, description, bar, state, named_on, "
            "named_by_id, decision_note, inactive_months, waiting_months, created_at, lead_union_id, chair_id",
            alliances,
        )
        self.db.copy(
            "studios_membership",
            "external_name, external_employer, external_province, external_field, state, joined_on, warned_on, "
            "warning_reason, delisted_on, delisting_reason, alliance_id, studio_id",
            memberships,
        )

    def build_ledger(self) -> None:
        rng = self.rng
        users = dict(self.db.execute("SELECT username, id FROM core_user WHERE username IN ('sheng', 'caiwu')"))
        sheng, caiwu = users["sheng"], users["caiwu"]
        programme = self.db.execute("SELECT id FROM policy_programme WHERE kind = 'reward' ORDER BY id LIMIT 1")[0][0]
        # each line's city (awards.LedgerLine.city): the union one below the top on its parent chain
        parent = dict(self.db.execute("SELECT id, parent_id FROM orgs_union"))

        def city_of(union: int) -> int:
            chain = [union]
            while parent.get(chain[-1]) is not None:
                chain.append(parent[chain[-1]])
            return chain[-2] if len(chain) > 1 else chain[0]

        lines = []
        for serial, (w, (_e, union, _r, name, _en, _c)) in enumerate(self._random_workers(self.n["ledger"]).items()):
            year = rng.randint(2021, 2026)
            amount = rng.choice((2000, 3000, 5000, 10000, 20000))
            state = rng.choices(("paid", "approved", "proposed", "rejected"), (75, 10, 12, 3))[0]
            at = f"{year}-{rng.randint(1, 12):02d}-15T10:00:00+08:00"
            approved = at if state in {"paid", "approved"} else NULL
            paid = at if state == "paid" else NULL
            rejected = at if state == "rejected" else NULL
            lines.append(
                f"{year}\t{name}\t{amount}.00\t{state}\t竞赛奖励（生成的演示数据）\t\t{at}\t{approved}\t{paid}\t"
                f"{f'GEN{year}{serial:07d}' if paid != NULL else ''}\t{rejected}\t"
                f"{'材料不全' if rejected != NULL else ''}\t{caiwu if approved != NULL else NULL}\t{NULL}\t"
                f"{sheng if paid != NULL else NULL}\t{programme}\t{sheng}\t{NULL}\t{NULL}\t{NULL}\t"
                f"{union}\t{w}\t{NULL}\t{city_of(union)}\n"
            )
        self.db.copy(
            "awards_ledgerline",
            "year, payee, amount, state, reason, source, proposed_at, approved_at, paid_at, payment_ref, rejected_at, "
            "reject_reason, approved_by_id, decision_id, paid_by_id, programme_id, proposed_by_id, rejected_by_id, "
            "reverses_id, rule_id, union_id, worker_id, nomination_id, city_id",
            lines,
        )

    def build_classes(self) -> None:
        rng, now = self.rng, self.now
        courses = self.db.execute("SELECT id, title, college_id FROM colleges_course ORDER BY id")
        if not courses:
            return
        cid = self.db.next_id("colleges_cohort")
        plan = []
        for k in range(self.n["classes"]):
            course, title, college = rng.choice(courses)
            starts = dt.date(2021, 3, 1) + dt.timedelta(days=rng.randrange(2100))
            state = "finished" if starts < dt.date(2026, 10, 1) else ("running" if starts < TODAY else "open")
            capacity = rng.randint(20, 60)
            plan.append(
                (cid + k, k, course, title, college, starts, state, capacity, int(capacity * rng.uniform(0.5, 1)))
            )
        pool = list(self._random_workers(sum(p[-1] for p in plan)).items())
        cohorts, enrolments = [], []
        for cohort, k, course, title, college, starts, state, capacity, enrolled in plan:
            cohorts.append(
                f"{cohort}\t{title}（第{k + 10}期）\t{starts}\t{starts + dt.timedelta(days=10)}\t实训中心\t{capacity}\t"
                f"32.0\t60.00\t{state}\t{now}\t{college}\t{course}\n"
            )
            for w, info in pool[:enrolled]:
                score = f"{rng.uniform(50, 99):.2f}" if state == "finished" else NULL
                enrolments.append(
                    f"enrolled\t{starts - dt.timedelta(days=20)}T09:00:00+08:00\t{NULL}\t{NULL}\t\t{score}\t"
                    f"{cohort}\t{self.sheng}\t{info[1]}\t{w}\n"
                )
            del pool[:enrolled]
        self.db.copy(
            "colleges_cohort",
            "id, name, starts_on, ends_on, place, capacity, required_hours, pass_mark, state, created_at, "
            "college_id, course_id",
            cohorts,
        )
        self.db.copy(
            "colleges_enrolment",
            "status, queued_at, promoted_at, withdrawn_at, withdrawn_reason, score, cohort_id, enrolled_by_id, "
            "union_id, worker_id",
            enrolments,
        )

    def sample(self, pool: list[int], k: int, cum_cache: dict[int, list[int]]) -> list[int]:
        """k distinct worker ids from the employers in ``pool`` (indexes into self.employers)."""
        rng = self.rng
        if len(pool) == 1:
            lo, hi = self.emp_range[pool[0]]
            return rng.sample(range(lo, hi), min(k, hi - lo))
        if len(pool) == len(self.employers):
            return rng.sample(range(self.w0, self.w0 + len(self.w_employer)), k)
        first, last = self.emp_range[pool[0]], self.emp_range[pool[-1]]
        if pool[-1] - pool[0] + 1 == len(pool):  # employers of one city or county are contiguous
            return rng.sample(range(first[0], last[1]), min(k, last[1] - first[0]))
        cum = cum_cache.get(id(pool))
        if cum is None:
            cum = []
            total = 0
            for p in pool:
                total += self.employers[p][6]
                cum.append(total)
            cum_cache[id(pool)] = cum
        chosen: set[int] = set()
        total = cum[-1]
        k = min(k, total)
        while len(chosen) < k:
            x = rng.randrange(total)
            i = bisect.bisect_right(cum, x)
            offset = x - (cum[i - 1] if i else 0)
            chosen.add(self.emp_range[pool[i]][0] + offset)
        return list(chosen)


def build_extras(province: "Province", *, from_alliances: bool) -> None:
    extras = (
        ("studios", province.build_studios),
        ("alliances", province.build_alliances),
        ("reward ledger lines", province.build_ledger),
        ("college classes and enrolments", province.build_classes),
    )
    if from_alliances:  # the studios are there already (a run stopped after them)
        extras = extras[1:]
    for label, step in extras:
        t = time.monotonic()
        step()
        log(f"{label}: {time.monotonic() - t:.0f}s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/province")
    parser.add_argument("--scale", type=float, default=0.01, help="fraction of the full province (default 0.01)")
    for key, full in FULL.items():
        parser.add_argument(f"--{key}", type=int, default=None, help=f"override (full scale: {full:,})")
    parser.add_argument("--demo-workers", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--reseed", action="store_true", help="rebuild the seeded template database")
    parser.add_argument(
        "--extras-only", action="store_true", help="add studios, alliances, ledger lines and classes to a province"
    )
    parser.add_argument(
        "--from-alliances",
        action="store_true",
        help="with --extras-only: the studios are there, begin with the alliances",
    )
    args = parser.parse_args()
    n = counts(args)
    started = time.monotonic()
    if args.extras_only:
        os.environ["DATABASE_URL"] = args.database_url
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongjiang.settings")
        import django

        django.setup()
    else:
        log(f"setting up {args.database_url} (migrate, seed_demo) for {n}")
        setup_database(args.database_url, args.demo_workers, reseed=args.reseed)
    from django.db import connection

    connection.ensure_connection()
    conn = connection.connection
    conn.autocommit = True
    loader = Loader(conn)
    loader.execute("SET synchronous_commit = off")
    loader.execute("SET maintenance_work_mem = '512MB'")
    province = Province(loader, random.Random(args.seed), n)
    province.load_tree()
    if not args.extras_only:
        log("demo ready; dropping secondary indexes of the big tables")
        for table in BIG_TABLES:
            loader.strip(table)
        steps = (
            ("employers and unions", province.build_employers),
            ("workers, grades, occupations", province.build_workers),
            ("honours", province.build_honours),
            ("competitions, events, entries, results", province.build_competitions),
        )
        for label, step in steps:
            t = time.monotonic()
            step()
            log(f"{label}: {time.monotonic() - t:.0f}s")
        t = time.monotonic()
        for table in BIG_TABLES:
            loader.restore(table)
            loader.reset_sequence(table)
            log(f"  indexes and constraints of {table} back")
        log(f"indexes: {time.monotonic() - t:.0f}s")
    build_extras(province, from_alliances=args.from_alliances)
    # the extras are written with their ids too: move each table's sequence past them (an alliance
    # formed on a generated province took the id of the last one written and was refused)
    for table in list(loader.rows):
        loader.reset_sequence(table)
    t = time.monotonic()
    loader.execute("VACUUM ANALYZE")
    log(f"vacuum analyze: {time.monotonic() - t:.0f}s")
    for table, rows in loader.rows.items():
        log(f"  {table}: {rows:,} rows")
    size = loader.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")[0][0]
    log(f"done in {(time.monotonic() - started) / 60:.1f} min; database size {size}")


if __name__ == "__main__":
    main()
