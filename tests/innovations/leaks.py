"""The innovations entries of the leak test (tests/test_leaks.py). Harbin's innovation (authored by the
Harbin worker, from Harbin's competition and studio project, with an attachment and an open objection)
is built with the rest of the leak test's world, so every list and export is checked with a Harbin row
that could leak."""

import datetime as dt
from decimal import Decimal


def _harbin(o):
    if getattr(o, "harbin_innovation", None) is None:
        from django.core.files.base import ContentFile

        from gongjiang.innovations import services
        from gongjiang.innovations.models import Attachment
        from gongjiang.orgs.scope import Scope

        from . import factories

        alice = o.users.alice
        i = factories.confirmed(
            alice, o.harbin_employer, [(o.harbin_worker, Decimal(100))], Decimal("880000"),
            competition=o.harbin_comp, studio=o.harbin_studio, project=o.harbin_project,
        )  # fmt: skip
        Attachment.objects.create(
            innovation=i, name="harbin.pdf", file=ContentFile(b"%PDF-1.4 harbin", name="h.pdf"), uploaded_by=alice
        )
        i = services.publish_notice(
            actor=alice, scope=Scope(alice), innovation=i, until=dt.date.today() + dt.timedelta(days=7)
        )
        o.harbin_objection_i = services.object_to(actor=alice, scope=Scope(alice), innovation=i, text="异议")
        o.harbin_innovation = i
    return o.harbin_innovation


def build(o) -> None:
    _harbin(o)


def _pk(o):
    return {"pk": _harbin(o).pk}


PAGES = {
    "innovations:list": ("list", lambda o: (_harbin(o), {})[1]),
    "innovations:create": ("form", lambda o: (_harbin(o), {})[1]),
    "innovations:decide_many": ("bulk", lambda o: {"objects": [_harbin(o)]}),
    "innovations:detail": ("object", _pk),
    "innovations:check": ("object", _pk),
    "innovations:appraise": ("object", _pk),
    "innovations:calculate": ("object", _pk),
    "innovations:confirm": ("object", _pk),
    "innovations:send_back": ("object", _pk),
    "innovations:notice": ("object", _pk),
    "innovations:object": ("object", _pk),
    "innovations:recognise": ("object", _pk),
    "innovations:reject": ("object", _pk),
    "innovations:rewards": ("object", _pk),
    "innovations:attachments_add": ("object", _pk),
    "innovations:attachment": ("object", lambda o: {"pk": _harbin(o).attachments.get().pk}),
    "innovations:objection_resolve": ("object", lambda o: (_harbin(o), {"pk": o.harbin_objection_i.pk})[1]),
}

API = {
    ("GET", "/api/innovations"): ("list", lambda o: (_harbin(o), {})[1]),
    ("GET", "/api/innovations/{innovation_id}"): ("object", lambda o: {"innovation_id": _harbin(o).pk}),
    # recording one for Harbin's employer and worker (payload: tests/test_leaks.py POST_PAYLOADS)
    ("POST", "/api/innovations"): ("object", lambda o: {}),
}
