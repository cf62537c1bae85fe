"""One innovation reached from a competition, a studio and a problem-board project is one result with
one benefit: each page's total, the province's indicator and every union's sum count it once."""

import datetime as dt
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongjiang.competitions.models import Competition
from gongjiang.innovations.enums import BENEFIT_STATES, State
from gongjiang.innovations.models import Innovation
from gongjiang.innovations.queries import benefit_of
from gongjiang.orgs.models import UnionAncestor
from gongjiang.stats import fill
from gongjiang.stats.queries import year_values
from gongjiang.studios.models import Studio
from gongjiang.studios.queries import alliance_totals, studio_totals

from . import factories as f

BENEFIT = Decimal("1234567.89")


def _province_figure(org, year: int) -> Decimal:
    fill.update_stats(since=fill.EPOCH)
    fen = year_values(["economic_benefit"], [org.province.pk], [year]).get(
        ("economic_benefit", org.province.pk, year), 0
    )
    return Decimal(fen) / 100


def test_linked_three_ways_it_counts_once_everywhere(inno, as_user):
    before = _province_figure(inno, dt.date.today().year)
    i = f.confirmed(inno.users.alice, inno.harbin_employer, inno.authors, BENEFIT,
                    competition=inno.labour, studio=inno.studio, project=inno.project)  # fmt: skip
    # the project's lead studio is also a participant: still once
    assert inno.project.participants.filter(pk=inno.studio.pk).exists()
    assert benefit_of(competition_id=inno.labour.pk) == BENEFIT
    assert benefit_of(studio_id=inno.studio.pk) == BENEFIT
    assert benefit_of(project_id=inno.project.pk) == BENEFIT
    assert studio_totals(inno.studio).economic_value == BENEFIT
    assert benefit_of(union_id=inno.province.pk) == BENEFIT
    assert _province_figure(inno, dt.date.today().year) - before == BENEFIT
    # and the pages say so: the competition's, the studio's and the project's panel
    client = as_user(inno.users.alice)
    for url, panel in (
        (f"/competitions/{inno.labour.pk}/", "competition-innovations"),
        (f"/studios/{inno.studio.pk}/", "studio-innovations"),
        (f"/studios/projects/{inno.project.pk}/", "project-innovations"),
    ):
        body = client.get(url).content.decode()
        assert f'id="{panel}-summary"' in body and "1,234,567.89" in body, url
        assert body.count(i.get_absolute_url()) == 1, url


def test_unconfirmed_and_rejected_benefits_do_not_count(inno):
    alice = inno.users.alice
    f.advance(f.submitted(alice, inno.harbin_employer, inno.authors, studio=inno.studio), State.CALCULATED, admin=alice)
    assert benefit_of(studio_id=inno.studio.pk) == Decimal("0.00")
    assert studio_totals(inno.studio).economic_value == Decimal("0.00")


def test_an_alliance_reads_its_joint_projects_innovations(inno):
    from gongjiang.orgs.scope import Scope
    from gongjiang.studios import services as studio_services
    from tests.studios import factories as sf

    alice = inno.users.alice
    other = sf.studio(alice, inno.harbin_employer, "管道检测创新工作室", "管道检测")
    alliance = studio_services.create_alliance(
        actor=alice, scope=Scope(alice),
        data=studio_services.AllianceData(name="联盟", level="city", lead_union=inno.harbin,
                                          founded_on=dt.date(2025, 1, 1), founding_document="文"),
        studios=[inno.studio, other],
    )  # fmt: skip
    problem = studio_services.post_problem(
        actor=alice, scope=Scope(alice), alliance=alliance, studio=inno.studio,
        data=studio_services.ProblemData(title="难题", field="焊接", description="x",
                                         deadline=dt.date.today() + dt.timedelta(days=9)),
    )  # fmt: skip
    claim = studio_services.claim_problem(actor=alice, scope=Scope(alice), problem=problem, studio=other, plan="y")
    joint = studio_services.accept_claim(actor=alice, scope=Scope(alice), claim=claim)
    f.confirmed(alice, inno.harbin_employer, inno.authors, Decimal(500), studio=other, project=joint)
    assert alliance_totals(alliance).economic_value == Decimal(500)
    assert studio_totals(inno.studio).economic_value == Decimal(500)  # it leads the joint project
    assert studio_totals(other).economic_value == Decimal(500)


_row = st.tuples(
    st.sampled_from(["harbin", "qiqihar"]),
    st.sampled_from(State.values),
    st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False),
    st.booleans(),  # confirmed on a day
    st.sets(st.sampled_from(["competition", "studio", "project"])),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_row, max_size=12))
def test_every_unions_benefit_is_the_sum_of_its_confirmed_innovations_each_once(inno, rows):
    Innovation.objects.all().delete()
    employers = {"harbin": inno.harbin_employer, "qiqihar": inno.qiqihar_employer}
    comp = Competition.objects.get(pk=inno.labour.pk)
    studio = Studio.objects.get(pk=inno.studio.pk)
    made = []
    for n, (where, state, benefit, on, links) in enumerate(rows):
        employer = employers[where]
        made.append(
            Innovation.objects.create(
                title=f"创新{n}",
                kind="renovation",
                description="x",
                employer=employer,
                union_id=employer.union_id,
                region_code=employer.region_id,
                state=state,
                benefit=benefit,
                confirmed_on=dt.date(2026, 6, 1) if on else None,
                submitted_by=inno.users.prov,
                competition=comp if "competition" in links else None,
                studio=studio if "studio" in links else None,
                project=inno.project if "project" in links else None,
            )
        )

    def counts(i: Innovation) -> bool:
        return i.state in BENEFIT_STATES and i.confirmed_on is not None

    for union in (inno.province, inno.harbin, inno.qiqihar, inno.daoli, inno.machinery, inno.harbin_employer.union):
        below = set(UnionAncestor.objects.filter(ancestor=union).values_list("descendant_id", flat=True))
        expected = sum((i.benefit for i in made if counts(i) and i.union_id in below), Decimal("0.00"))
        assert benefit_of(union_id=union.pk) == expected, union
    expected_studio = sum((i.benefit for i in made if counts(i) and (i.studio_id or i.project_id)), Decimal("0.00"))
    assert benefit_of(studio_id=studio.pk) == expected_studio
    expected_comp = sum((i.benefit for i in made if counts(i) and i.competition_id), Decimal("0.00"))
    assert benefit_of(competition_id=comp.pk) == expected_comp
