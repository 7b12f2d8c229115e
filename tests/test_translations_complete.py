"""Every English catalog is complete, and the main pages speak English when asked to.

Run `manage.py compile_translations` first: the .mo files are not in git."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.utils import timezone

CATALOGS = sorted(
    path
    for path in [
        *Path(settings.BASE_DIR).glob("*/locale/en/LC_MESSAGES/django.po"),
        *Path(settings.BASE_DIR).glob("locale/en/LC_MESSAGES/django.po"),
    ]
    if ".venv" not in path.parts
)

# Dutch words of the interface, each checked to have an English translation.
DUTCH = [
    "Jaarverslag",  # Annual report
    "Afmelden",  # Log out / Cancel
    "Beheer",  # Administration
    "Overzicht",  # Overview
    "Welkom",  # Welcome
    "Naar de inhoud",  # Skip to content
    "Mijn controles",  # My checks
    "Mijn inschrijvingen",  # My registrations
    "Taal",  # Language
    "Nederlands",  # Dutch
    "Workshopagenda",  # Workshop calendar
    "Komende sessies",  # Upcoming sessions
    "Inschrijven",  # Register
    "Vrije plaatsen",  # Seats left
    "Cijfers",  # Figures
    "Verwerkingen",
    "Datalekken",  # Data breaches
    "Periodieke controles",  # Periodic checks
    "Bekijken",  # View
]


def test_there_is_a_catalog_per_app_and_one_for_the_project():
    names = {path.relative_to(settings.BASE_DIR).parts[0] for path in CATALOGS}
    assert names == {"locale", "compliance", "incidents", "privacy", "reports"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    catalog = polib.pofile(str(path))
    entries = [entry for entry in catalog if not entry.obsolete]
    assert entries
    untranslated = [entry.msgid for entry in entries if not entry.translated() and "fuzzy" not in entry.flags]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    empty_plurals = [entry.msgid for entry in entries if entry.msgid_plural and not all(entry.msgstr_plural.values())]
    assert untranslated == []
    assert fuzzy == []
    assert empty_plurals == []


def _english_page(client, url: str) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["Content-Language"] == "en"
    return response.content.decode()


def _no_dutch(html: str) -> None:
    assert [word for word in DUTCH if word in html] == []


def test_the_home_page_speaks_english(client_as, auditor):
    html = _english_page(client_as(auditor), "/")
    assert "Welcome to Waarborg" in html and "Log out" in html and "Annual report" in html
    _no_dutch(html)


def test_the_admin_index_speaks_english(client_as, auditor):
    html = _english_page(client_as(auditor), "/admin/")
    assert "Periodic checks" in html and "Data breaches" in html
    _no_dutch(html)


def test_the_annual_report_speaks_english(client_as, auditor):
    html = _english_page(client_as(auditor), "/reports/annual/2021/")
    assert "Annual report on information security and privacy 2021" in html
    _no_dutch(html)


def test_the_workshop_calendar_speaks_english(client_as, employee, make_user):
    from privacy.models import WorkshopSeries, WorkshopSession

    starts_at = timezone.now() + timedelta(days=10)
    series = WorkshopSeries.objects.create(
        name="Onboarding",
        slug="onboarding",
        kind=WorkshopSeries.Kind.ONBOARDING,
        first_start=starts_at,
        recurrence="",
        duration_minutes=180,
        location="Room 4.12",
        capacity=12,
        organizer=make_user(None),
    )
    WorkshopSession.objects.create(
        series=series, starts_at=starts_at, ends_at=starts_at + timedelta(hours=3), capacity=12, location="Room 4.12"
    )
    html = _english_page(client_as(employee), "/workshops/")
    assert "Workshop calendar" in html and "12 of 12" in html and "Register" in html
    _no_dutch(html)
