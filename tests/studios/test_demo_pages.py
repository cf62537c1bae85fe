"""The demo's studios and alliances render for the log-ins that use them."""

import io

from django.core.management import call_command

from gongjiang.core.models import User
from gongjiang.studios.models import Alliance, Problem, Project, Studio


def test_demo_studio_pages(db, as_user):
    call_command("seed_demo", workers=300, stdout=io.StringIO())
    sheng, lead = User.objects.get(username="sheng"), User.objects.get(username="gongzuoshi")
    own = Studio.objects.get(lead__user=lead)
    cross = Alliance.objects.get(name="哈电集团哈尔滨电机跨行业创新工作室联盟")
    client = as_user(lead)
    assert own.name in client.get("/").content.decode()  # the home page links the lead's studio
    assert [s.pk for s in client.get("/studios/").context["page"]] == [own.pk]
    body = client.get(f"/studios/alliances/{cross.pk}/").content.decode()
    for text in (
        "一汽解放焊装创新工作室",
        "邯郸钢铁集团有限责任公司",
        "北京市",
        "中国长城铝业有限公司",
        "大型发电机定子线棒端部电晕",
    ):
        assert text in body, text
    assert client.get(f"/studios/{own.pk}/edit/").status_code == 200
    other = Studio.objects.exclude(pk=own.pk).first()
    assert client.get(f"/studios/{other.pk}/edit/").status_code == 403
    admin = as_user(sheng)
    for url in ("/studios/", "/studios/alliances/", "/studios/problems/", "/studios/targets/?year=2025"):
        assert admin.get(url).status_code == 200, url
    for alliance in Alliance.objects.all():
        assert admin.get(f"/studios/alliances/{alliance.pk}/").status_code == 200
    for problem in Problem.objects.all():
        assert admin.get(f"/studios/problems/{problem.pk}/").status_code == 200
    for project in Project.objects.filter(problem__isnull=False):
        assert admin.get(f"/studios/projects/{project.pk}/").status_code == 200
    rows = admin.get("/studios/targets/?year=2025").context["rows"]
    province = [r for r in rows if r.target.cumulative]
    assert [(r.target.alliances, r.achieved) for r in province] == [
        (50, Alliance.objects.filter(founded_on__year__lte=2025).count())
    ]
    pine = Problem.objects.get(title="红松球果螟危害加重")
    suggestions = admin.get(f"/studios/problems/{pine.pk}/").context["suggestions"]
    names = [s.studio.name for s in suggestions]
    # a pest on the pines goes first to the pest-control studio, then to the pine growers (issue 11 §5)
    assert names[:2] == ["森林病虫害防治创新工作室", "红松种植创新工作室"]
    assert "病虫害" in dict(suggestions[0].terms)
