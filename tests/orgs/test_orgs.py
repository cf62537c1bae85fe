from gongjiang.core.audit import history
from gongjiang.core.fakeids import make_uscc
from gongjiang.core.models import User
from gongjiang.orgs.models import Employer, Role, UnionAncestor
from gongjiang.orgs.scope import Scope


def test_closure_includes_both_parents(org):
    ancestors = set(
        UnionAncestor.objects.filter(descendant=org.harbin_employer.union).values_list("ancestor__name", flat=True)
    )
    assert ancestors == {
        "哈尔滨锅炉厂有限责任公司工会",
        "哈尔滨市道里区总工会",
        "哈尔滨市总工会",
        "黑龙江省总工会",
        "黑龙江省机械冶金建材工会",
    }


def test_scope_covers(org):
    alice = Scope(org.users.alice)
    assert alice.covers("view_workers", org.harbin_employer.union_id)
    assert not alice.covers("view_workers", org.qiqihar_employer.union_id)
    assert not alice.covers("view_workers", org.province.pk)
    assert not Scope(org.users.judge).has("view_workers")


def test_register_employer_validates_the_credit_code(org, as_user):
    client = as_user(org.users.alice)
    form = {"name": "哈尔滨新松机器人有限公司", "region": "230102", "parent_union": org.daoli.pk, "industry": "机器人"}
    response = client.post("/orgs/employers/new/", dict(form, uscc="91230102000000001X"))
    assert response.status_code == 200
    assert response.context["form"].errors["uscc"] == ["统一社会信用代码的校验码错误。"]
    assert response.context["form"].errors["uscc"]
    # Alice may not hang an employer under Qiqihar's union
    response = client.post(
        "/orgs/employers/new/", dict(form, uscc=make_uscc("230102", 77), parent_union=org.longsha.pk)
    )
    assert "parent_union" in response.context["form"].errors
    response = client.post("/orgs/employers/new/", dict(form, uscc=make_uscc("230102", 77)))
    employer = Employer.objects.get(name="哈尔滨新松机器人有限公司")
    assert response["Location"] == f"/orgs/employers/{employer.pk}/"
    assert employer.union.parent == org.daoli
    assert Scope(org.users.alice).covers("view_workers", employer.union_id)
    assert history(employer).get().actor == org.users.alice


def test_edit_employer_is_audited(org, as_user):
    client = as_user(org.users.alice)
    employer = org.harbin_employer
    client.post(
        f"/orgs/employers/{employer.pk}/edit/", {"name": "哈尔滨锅炉厂", "region": "230102", "industry": "锅炉"}
    )
    change = history(employer).first()
    assert change.changes == {"name": ["哈尔滨锅炉厂有限责任公司", "哈尔滨锅炉厂"], "industry": ["锅炉制造", "锅炉"]}
    assert as_user(org.users.bob).post(f"/orgs/employers/{employer.pk}/edit/", {"name": "x"}).status_code == 404


def test_accounts_inside_the_subtree(org, as_user):
    client = as_user(org.users.alice)
    data = {
        "username": "daoli-staff",
        "display_name": "道里区干事",
        "password": "a-long-password",
        "union": org.daoli.pk,
        "kind": "union_admin",
    }
    response = client.post("/orgs/accounts/", data)
    assert response.status_code == 302
    user = User.objects.get(username="daoli-staff")
    assert list(user.roles.values_list("union__name", "kind")) == [("哈尔滨市道里区总工会", "union_admin")]
    # not a province admin, not outside Harbin
    response = client.post("/orgs/accounts/", dict(data, username="x1", kind="province_admin"))
    assert "kind" in response.context["form"].errors
    response = client.post("/orgs/accounts/", dict(data, username="x2", union=org.longsha.pk))
    assert "union" in response.context["form"].errors
    assert not User.objects.filter(username__in=["x1", "x2"]).exists()
    # the list shows Harbin's roles only
    listed = {r.user.username for r in client.get("/orgs/accounts/").context["page"]}
    assert listed == {"alice", "staff", "daoli-staff"}


def test_revoke_role(org, as_user):
    client = as_user(org.users.alice)
    staff_role = org.users.staff.roles.get()
    client.post(f"/orgs/roles/{staff_role.pk}/revoke/")
    assert not Role.objects.filter(pk=staff_role.pk).exists()
    own = org.users.alice.roles.get()
    client.post(f"/orgs/roles/{own.pk}/revoke/")
    assert Role.objects.filter(pk=own.pk).exists()


def test_geographic_chains_walk_the_parents_only_in_one_query(org, django_assert_num_queries):
    """The one walk up the tree (``cities_of``, the catalogue's approvers and the statistics' breadcrumb
    use it): the union itself, then its geographic parents; the enterprise union's industrial union, an
    ancestor in the closure table too, is not on its chain."""
    from gongjiang.orgs.queries import cities_of, geographic_chains

    enterprise = org.harbin_employer.union
    with django_assert_num_queries(1):
        chains = geographic_chains([enterprise.pk, org.machinery.pk, org.province.pk, 10**9])
    assert {pk: [u.pk for u in chain] for pk, chain in chains.items()} == {
        enterprise.pk: [enterprise.pk, org.daoli.pk, org.harbin.pk, org.province.pk],
        org.machinery.pk: [org.machinery.pk, org.province.pk],
        org.province.pk: [org.province.pk],
    }
    assert geographic_chains([]) == {}
    with django_assert_num_queries(1):
        cities = cities_of([enterprise.pk, org.daoli.pk, org.harbin.pk, org.machinery.pk, org.province.pk, 10**9])
    assert cities == {
        enterprise.pk: org.harbin.pk,
        org.daoli.pk: org.harbin.pk,
        org.harbin.pk: org.harbin.pk,
        org.machinery.pk: org.machinery.pk,
        org.province.pk: org.province.pk,
    }
