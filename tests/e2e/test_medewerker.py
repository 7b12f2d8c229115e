"""Medewerker: upload evidence to a check and submit it; register for a workshop and
download the calendar invitation."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def test_upload_evidence_to_a_check_and_submit_it(journey, ids):
    j = journey("medewerker")
    j.screenshot("start-medewerker")
    j.goto("/checks/mine/")
    expect(j.page.get_by_role("heading", name="Mijn controles")).to_be_visible()
    j.goto(f"/checks/{ids['employee_check']}/")
    expect(j.page.get_by_text("Nog geen bewijs.")).to_be_visible()

    j.page.get_by_label("Bestand").set_input_files(
        {"name": "patchrapport.txt", "mimeType": "text/plain", "buffer": b"Alle servers op patchniveau.\n"}
    )
    j.click(j.page.get_by_role("button", name="Toevoegen"))
    expect(j.page.get_by_role("link", name="patchrapport.txt")).to_be_visible()

    j.page.get_by_label("Resultaat").select_option(label="Effectief")
    j.page.get_by_label("Conclusie").fill("Alle servers zijn binnen de termijn gepatcht.")
    j.click(j.page.get_by_role("button", name="Indienen"))
    expect(j.page.get_by_text("Controle ingediend ter beoordeling.")).to_be_visible()
    expect(j.page.locator("dd", has_text="Ingediend")).to_be_visible()
    # submitted: no more evidence or a second submission from the submitter's page
    expect(j.page.get_by_role("button", name="Indienen")).to_have_count(0)


def test_register_for_a_workshop_and_download_the_invitation(journey):
    j = journey("medewerker", "/workshops/")
    row = j.page.locator("tr", has=j.page.get_by_role("button", name="Inschrijven")).first
    session = row.locator("th").inner_text()
    j.click(row.get_by_role("button", name="Inschrijven"))
    j.click(j.page.get_by_role("link", name="Mijn inschrijvingen"))
    expect(j.page.get_by_text(session).first).to_be_visible()
    with j.page.expect_download() as download_info:
        j.page.get_by_role("link", name="Agenda-uitnodiging (.ics)").first.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    ics = Path(download.path()).read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR")
    assert "BEGIN:VEVENT" in ics


def test_the_skip_link_is_the_first_tab_stop_and_focus_is_visible(journey):
    j = journey("medewerker")
    j.page.keyboard.press("Tab")
    focused = j.page.locator(":focus")
    expect(focused).to_have_text("Naar de inhoud")
    expect(focused).to_be_visible()
    outline = focused.evaluate("el => getComputedStyle(el).outlineStyle + ' ' + getComputedStyle(el).outlineWidth")
    assert not outline.startswith("none") and not outline.endswith(" 0px"), outline
    j.page.keyboard.press("Enter")
    assert j.page.evaluate("document.activeElement.id") == "main"
    # the next Tab stop is inside the content, past the header and its navigation
    j.page.keyboard.press("Tab")
    assert j.page.evaluate("document.activeElement.closest('main') !== null")
    # the page's language is set, and a link in the navigation shows its focus as well
    assert j.page.evaluate("document.documentElement.lang") == "nl"
    link = j.page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link").first
    link.focus()
    assert link.evaluate("el => getComputedStyle(el).outlineStyle") != "none"
