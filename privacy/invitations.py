"""iCalendar invitations (RFC 5545/5546) and the .ics feed of a series."""

from __future__ import annotations

from email.mime.base import MIMEBase
from email.mime.text import MIMEText

from celery import shared_task
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Registration, WorkshopSeries, WorkshopSession
from .models.workshops import AMSTERDAM

PRODID = "-//Waarborg//AVG-workshops//NL"


def _calendar(method: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    return calendar


def _organizer(series: WorkshopSeries) -> vCalAddress:
    user = series.organizer
    address = vCalAddress(f"mailto:{user.email or settings.DEFAULT_FROM_EMAIL}")
    address.params["cn"] = vText(user.get_full_name() or user.get_username())
    return address


def _event(session: WorkshopSession, uid: str, sequence: int, cancelled: bool) -> Event:
    event = Event()
    event.add("uid", uid)
    event.add("dtstamp", timezone.now())
    event.add("sequence", sequence)
    event.add("dtstart", timezone.localtime(session.starts_at, AMSTERDAM))
    event.add("dtend", timezone.localtime(session.ends_at, AMSTERDAM))
    event.add("summary", session.series.name)
    if session.series.description:
        event.add("description", session.series.description)
    if session.location:
        event.add("location", session.location)
    event.add("organizer", _organizer(session.series))
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    return event


def invitation(registration: Registration, method: str = "REQUEST") -> bytes:
    """A VCALENDAR with one VEVENT for this registration (METHOD:REQUEST or CANCEL)."""
    calendar = _calendar(method)
    event = _event(registration.session, registration.ical_uid, registration.sequence, method == "CANCEL")
    user = registration.user
    attendee = vCalAddress(f"mailto:{user.email}")
    attendee.params["cn"] = vText(user.get_full_name() or user.get_username())
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return calendar.to_ical()


def series_feed(series: WorkshopSeries) -> bytes:
    """Every session of the series, for calendar apps that subscribe (METHOD:PUBLISH)."""
    calendar = _calendar("PUBLISH")
    calendar.add("x-wr-calname", series.name)
    for session in series.sessions.select_related("series__organizer"):
        calendar.add_component(_event(session, session.uid, session.sequence, session.cancelled))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def _ics_part(content: bytes, method: str) -> MIMEBase:
    part = MIMEText(content.decode("utf-8"), "calendar", "utf-8")
    part.set_param("method", method)
    part.add_header("Content-Disposition", "attachment", filename="uitnodiging.ics")
    return part


def send(registration: Registration, method: str) -> int:
    """E-mail the invitation (or its cancellation) with the .ics attached."""
    user = registration.user
    if not user.email:
        return 0
    name = "cancellation" if method == "CANCEL" else "invitation"
    context = {
        "registration": registration,
        "session": registration.session,
        "series": registration.session.series,
        "starts_at": timezone.localtime(registration.session.starts_at, AMSTERDAM),
        "ends_at": timezone.localtime(registration.session.ends_at, AMSTERDAM),
        "site_url": settings.SITE_URL,
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"privacy/email/{name}_subject.txt", context).strip()
        body = render_to_string(f"privacy/email/{name}.txt", context)
        html = render_to_string(f"privacy/email/{name}.html", context)
    message = EmailMultiAlternatives(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    message.attach_alternative(html, "text/html")
    message.attach(_ics_part(invitation(registration, method), method))
    return message.send()


@shared_task(acks_late=True, name="privacy.tasks.send_invitation")
def send_invitation(registration_id: int, method: str = "REQUEST") -> int:
    """E-mail the invitation (REQUEST) or its cancellation (CANCEL) for one registration.
    Sent once the status matches, so a late retry after a later change sends nothing stale."""
    registration = (
        Registration.objects.select_related("session__series__organizer", "user").filter(pk=registration_id).first()
    )
    if registration is None:
        return 0
    # A cancellation goes out for a cancelled registration or a cancelled session.
    cancelled = registration.status == Registration.Status.CANCELLED or registration.session.cancelled
    if (method == "CANCEL") != cancelled or registration.status == Registration.Status.WAITING:
        return 0
    return send(registration, method)
