from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from gongjiang.core.actions import submit
from gongjiang.core.http import is_htmx
from gongjiang.core.pagination import CappedPaginator
from gongjiang.core.todolist import narrow

from .exports import ImportErrorExporter, TemplateExporter
from .forms import UploadForm
from .models import ImportJob
from .registry import importer, may_import
from .services import expire_lapsed_jobs
from .tasks import start_import
from .todos import TODOS


def _importer(request: HttpRequest, kind: str) -> type:
    importer_cls = importer(kind)
    if importer_cls is None:
        raise Http404
    if not may_import(request.scope, kind):
        raise PermissionDenied
    return importer_cls


def _jobs(request: HttpRequest):
    """A user sees the imports they started."""
    return ImportJob.objects.filter(created_by=request.user)


@login_required
def import_list(request: HttpRequest, kind: str = "workers") -> HttpResponse:
    importer_cls = _importer(request, kind)
    expire_lapsed_jobs()
    form = UploadForm(request.POST or None, request.FILES or None)
    # what the file is for: an event (entries, theory scores), a training class or a labour round
    context = {key: int(request.GET[key]) for key in ("event", "cohort", "round") if request.GET.get(key, "").isdigit()}
    if done := submit(
        request,
        form,
        lambda: start_import(
            actor=request.user, scope=request.scope, kind=kind, upload=form.cleaned_data["file"], context=context
        ),
        success=None,
        field="file",
    ):
        return done
    jobs = narrow(request, _jobs(request).filter(kind=kind), TODOS)
    page = CappedPaginator(jobs, 20).get_page(request.GET.get("page"))
    return render(
        request,
        "imports/import_list.html",
        {
            "form": form,
            "kind": kind,
            "importer": importer_cls,
            "jobs": page.object_list,
            "page": page,
            "event_id": request.GET.get("event", "") or request.GET.get("cohort", "") or request.GET.get("round", ""),
            "target": importer_cls(actor=request.user, scope=request.scope, context=context).target(),
            "nav": "imports",
        },
    )


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    importer_cls = _importer(request, kind)
    return TemplateExporter(importer_cls).response([], request.GET.get("fmt", "xlsx"))


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    expire_lapsed_jobs()  # a job whose worker died ends here, and the page stops polling
    job = get_object_or_404(_jobs(request), pk=pk)
    template = "imports/job.html#status" if is_htmx(request) else "imports/job.html"
    return render(request, template, {"job": job, "nav": "imports"})


@login_required
def job_errors(request: HttpRequest, pk: int) -> HttpResponse:
    job = get_object_or_404(_jobs(request), pk=pk)
    return ImportErrorExporter().response(job.errors, request.GET.get("fmt", "xlsx"))
