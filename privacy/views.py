"""Pages for employees: the workshop calendar, my registrations, register and cancel.
Thin: every decision is made in privacy.workshops."""

from __future__ import annotations

from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from . import invitations, workshops
from .filters import WorkshopSessionFilter
from .models import Registration, WorkshopSeries, WorkshopSession

PER_PAGE = 50  # rows per page of a long list


def permission_required(perm: str) -> Any:
    """Logged in (else to the login page) and holding `perm` (else 403)."""

    def decorator(view: Any) -> Any:
        @login_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.has_perm(perm):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def employee_required(view: Any) -> Any:
    """Logged in (else to the login page) and an employee (else 403): every role's own
    workshop duty, whatever the role's permissions on the workshop records."""

    @login_required
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not workshops.takes_part(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@employee_required
def calendar(request: HttpRequest) -> HttpResponse:
    sessions = WorkshopSessionFilter(request.GET, queryset=workshops.upcoming_sessions())
    page = Paginator(sessions.qs, PER_PAGE).get_page(request.GET.get("page"))
    mine = dict(
        Registration.objects.filter(user=request.user, session__in=[session.pk for session in page])
        .exclude(status=Registration.Status.CANCELLED)
        .values_list("session_id", "status")
    )
    context = {
        "filter": sessions,
        "page_obj": page,
        "sessions": [(session, mine.get(session.pk)) for session in page],
        "series": WorkshopSeries.objects.filter(active=True),
        "can_register": True,
        "Status": Registration.Status,
    }
    return render(request, "privacy/calendar.html", context)


@require_GET
@employee_required
def my_registrations(request: HttpRequest) -> HttpResponse:
    upcoming, past = workshops.my_registrations(request.user)
    page = Paginator(past, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "upcoming": upcoming,
        "past": page,
        "page_obj": page,
        "Status": Registration.Status,
    }
    return render(request, "privacy/my_registrations.html", context)


def _act(request: HttpRequest, func: Any, *args: Any, success: str) -> HttpResponse:
    try:
        func(*args, actor=request.user)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(request.POST.get("next") or "privacy:calendar")


@require_POST
@employee_required
def register(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(WorkshopSession, pk=pk)
    text = _("U bent ingeschreven voor %(s)s. De uitnodiging voor uw agenda komt per e-mail.") % {"s": session}
    return _act(request, workshops.register, session, request.user, success=text)


@require_POST
@employee_required
def join_waiting_list(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(WorkshopSession, pk=pk)
    text = _("U staat op de wachtlijst voor %(s)s. Komt er een plaats vrij, dan krijgt u de uitnodiging.") % {
        "s": session
    }
    return _act(request, workshops.join_waiting_list, session, request.user, success=text)


@require_POST
@employee_required
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(Registration, pk=pk, user=request.user)
    text = _("U bent afgemeld voor %(s)s.") % {"s": registration.session}
    return _act(request, workshops.cancel, registration, success=text)


@require_GET
@employee_required
def invitation(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_object_or_404(
        Registration.objects.select_related("session__series__organizer", "user"),
        pk=pk,
        user=request.user,
        status=Registration.Status.REGISTERED,
    )
    response = HttpResponse(invitations.invitation(registration), content_type="text/calendar; method=REQUEST")
    response["Content-Disposition"] = 'attachment; filename="uitnodiging.ics"'
    return response


@require_GET
def series_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The .ics feed of a series; the unguessable token in the URL is the key."""
    series = get_object_or_404(WorkshopSeries.objects.select_related("organizer"), feed_token=token)
    response = HttpResponse(invitations.series_feed(series), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{series.slug}.ics"'
    return response


@require_GET
@permission_required("privacy.view_all_registrations")
def completion(request: HttpRequest) -> HttpResponse:
    page = Paginator(workshops.overdue(), PER_PAGE).get_page(request.GET.get("page"))
    context = {"rows": workshops.completion_per_department(), "overdue": page, "page_obj": page}
    return render(request, "privacy/completion.html", context)
