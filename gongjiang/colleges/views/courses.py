"""Course pages: create, derive from a competition event, edit, units."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gongjiang.core.actions import submit

from .. import services
from ..forms import (
    CourseForm,
    DeriveForm,
    UnitEditForm,
    UnitForm,
)
from ..models import Unit
from ..queries import (
    courses_for_user,
    manages,
)
from .base import NAV, _college, _course


@login_required
def course_create(request: HttpRequest, pk: int) -> HttpResponse:
    college = _college(request, pk, manage=True)
    form = CourseForm(request.POST or None)
    if done := submit(
        request,
        form,
        lambda: services.create_course(actor=request.user, scope=request.scope, college=college, **form.cleaned_data),
        success=_("Course created. Add its units."),
    ):
        return done
    context = {"form": form, "title": _("New course"), "back": college.get_absolute_url(), "nav": NAV}
    return render(request, "colleges/form.html", context)


@login_required
def course_derive(request: HttpRequest, pk: int) -> HttpResponse:
    """Competition standards become training standards: one action, one unit per criterion."""
    college = _college(request, pk, manage=True)
    form = DeriveForm(request.POST or None, college=college)
    if done := submit(
        request,
        form,
        lambda: services.derive_course(actor=request.user, scope=request.scope, college=college, **form.cleaned_data),
        success=_("Course derived from the marking scheme: one unit per criterion."),
    ):
        return done
    context = {
        "form": form,
        "title": _("Derive a course from a marking scheme"),
        "intro": _(
            "Competition standards become training standards: the new course has one unit per criterion of "
            "the event's marking scheme, and each unit cites its criterion."
        ),
        "back": college.get_absolute_url(),
        "nav": NAV,
    }
    return render(request, "colleges/form.html", context)


@login_required
def course_detail(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    is_manager = manages(request.scope, course.college)
    form = UnitForm(request.POST or None, course=course) if is_manager else None
    if request.method == "POST" and form is None:
        raise PermissionDenied
    if form is not None and (
        done := submit(
            request,
            form,
            lambda: services.add_unit(
                actor=request.user,
                scope=request.scope,
                course=course,
                title=form.cleaned_data["title"],
                hours=form.cleaned_data["hours"],
                event=form.cleaned_data["event"],
                criteria=form.cleaned_data["criterion_objects"],
            ),
            success=_("Unit added."),
            then=course,
        )
    ):
        return done
    units = course.units.select_related("event__competition").prefetch_related("criteria")
    return render(
        request,
        "colleges/course_detail.html",
        {
            "course": course,
            "college": course.college,
            "units": units,
            "total_hours": sum((u.hours for u in units), Decimal(0)),
            "cohorts": course.cohorts.all(),
            "manages": is_manager,
            "form": form,
            "nav": NAV,
        },
    )


@login_required
def course_edit(request: HttpRequest, pk: int) -> HttpResponse:
    course = _course(request, pk)
    if not manages(request.scope, course.college):
        raise PermissionDenied
    initial = {"title": course.title, "occupation": course.occupation_id, "description": course.description}
    form = CourseForm(request.POST or None, initial=initial)
    if done := submit(
        request,
        form,
        lambda: services.update_course(actor=request.user, scope=request.scope, course=course, **form.cleaned_data),
        success=_("Course saved."),
        then=course,
    ):
        return done
    context = {"form": form, "title": _("Edit course"), "back": course.get_absolute_url(), "nav": NAV}
    return render(request, "colleges/form.html", context)


def _managed_unit(request: HttpRequest, pk: int) -> Unit:
    unit = get_object_or_404(
        Unit.objects.filter(course__in=courses_for_user(request.scope)).select_related("course__college"), pk=pk
    )
    if not manages(request.scope, unit.course.college):
        raise PermissionDenied
    return unit


@login_required
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    form = UnitEditForm(request.POST or None, initial={"title": unit.title, "hours": unit.hours})
    if done := submit(
        request,
        form,
        lambda: services.update_unit(actor=request.user, scope=request.scope, unit=unit, **form.cleaned_data),
        success=_("Unit saved."),
        then=lambda _done: unit.course,
    ):
        return done
    context = {"form": form, "title": _("Edit unit"), "back": unit.course.get_absolute_url(), "nav": NAV}
    return render(request, "colleges/form.html", context)


@login_required
@require_POST
def unit_delete(request: HttpRequest, pk: int) -> HttpResponse:
    unit = _managed_unit(request, pk)
    course = unit.course
    services.remove_unit(actor=request.user, scope=request.scope, unit=unit)
    messages.success(request, _("Unit removed."))
    return redirect(course)
