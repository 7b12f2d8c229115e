"""Workshopcoördinator: schedule a session, see its registrations, record attendance after
the session started."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_schedule_a_session(journey):
    j = journey("workshops")
    j.screenshot("start-workshopcoordinator")
    j.click(j.page.locator("ul.tiles").get_by_role("link", name="Beheeromgeving"))
    j.click(j.page.locator('a[href="/admin/privacy/workshopsession/add/"]').first)
    starts = timezone.localtime() + timedelta(days=45)
    j.page.locator(".field-series .select2-selection").click()
    j.page.locator(".select2-search__field").fill("AVG")
    j.page.locator(".select2-results__option", has_text="AVG").first.click()
    j.page.locator("#id_starts_at_0").fill(starts.strftime("%d-%m-%Y"))
    j.page.locator("#id_starts_at_1").fill("09:30:00")
    j.page.locator("#id_ends_at_0").fill(starts.strftime("%d-%m-%Y"))
    j.page.locator("#id_ends_at_1").fill("12:00:00")
    j.page.get_by_label("Locatie").fill("Utrecht, zaal e2e")
    j.page.get_by_label("Plaatsen").fill("15")
    j.click(j.page.get_by_role("button", name="Opslaan", exact=True))
    expect(j.page.locator(".messagelist .success")).to_be_visible()

    j.goto("/workshops/")
    expect(j.page.get_by_text("Utrecht, zaal e2e")).to_be_visible()


def test_see_registrations_and_record_attendance_after_the_start(journey, ids):
    # from the start page: the session that started an hour ago waits for its attendance
    j = journey("workshops")
    session = f"/admin/privacy/workshopsession/{ids['started_session']}/change/"
    j.click(j.page.locator(f'.today-lines a[href="{session}"]').first)
    expect(j.page.get_by_text("Ahmed Yilmaz").or_(j.page.get_by_text("teamleider")).first).to_be_visible()

    j.goto(f"/admin/privacy/registration/?session__id__exact={ids['started_session']}")
    rows = j.page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    j.page.locator("#action-toggle").check()
    j.page.locator("select[name=action]").select_option(label="Markeer als aanwezig")
    j.click(j.page.get_by_role("button", name="Uitvoeren"))
    expect(j.page.locator(".messagelist")).to_contain_text("2 inschrijvingen bijgewerkt.")
    expect(j.page.locator("#result_list tbody td.field-attendance", has_text="aanwezig")).to_have_count(2)


def test_attendance_for_a_session_that_has_not_started_is_refused(journey, ids):
    j = journey("workshops", f"/admin/privacy/registration/?session__id__exact={ids['upcoming_session']}")
    # teamleider, and whoever registered in the journeys before (the first session with seats)
    expect(j.page.locator("#result_list tbody tr", has_text="Ahmed Yilmaz")).to_have_count(1)
    j.page.locator("#action-toggle").check()
    j.page.locator("select[name=action]").select_option(label="Markeer als aanwezig")
    j.click(j.page.get_by_role("button", name="Uitvoeren"))
    expect(j.page.locator(".messagelist .error")).to_be_visible()
    expect(j.page.locator("#result_list tbody td.field-attendance", has_text="aanwezig")).to_have_count(0)
