"""Security officer: review and accept a check another officer submitted; register an incident
with an owner and close it by its buttons; escalate one to a calamity; import a takedown file
with a bad row (nothing stored, the row named) and a good one; register for a workshop."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

TAKEDOWN_HEADER = "url,kind,abused_brand,reported_at,outcome,taken_down_at,hosting_provider\n"


def test_start_page(journey):
    j = journey("security")
    j.screenshot("start-security-officer")
    expect(j.page.locator("h1")).to_be_visible()


def test_review_and_accept_a_check_another_officer_submitted(journey, ids):
    # from the start page: the line of checks waiting for review lists it
    j = journey("security")
    expect(j.page.get_by_role("link", name="Ingediende controles die op uw beoordeling wachten").first).to_be_visible()
    mine = j.page.locator(f'a[href="/checks/{ids["submitted_check"]}/"]')
    if mine.count():
        j.click(mine.first)
    else:  # further down the list than the start page shows
        j.goto(f"/checks/{ids['submitted_check']}/")
    expect(j.page.locator("dd", has_text="Ingediend")).to_be_visible()
    j.page.get_by_label("Toelichting van de beoordelaar").fill("Scanrapport bekeken, bevindingen klein.")
    j.click(j.page.get_by_role("button", name="Accepteren"))
    expect(j.page.locator("dd", has_text="Geaccepteerd")).to_be_visible()


def test_register_an_incident_with_an_owner_and_close_it_by_its_buttons(journey):
    j = journey("security")
    j.click(j.page.get_by_role("link", name="Open incidenten, ernstigste en oudste eerst").first)
    j.click(j.page.locator(".object-tools a.addlink"))
    now = timezone.localtime()
    j.page.get_by_label("Titel").fill("Storing DigiD-inlog (e2e)")
    j.page.locator("#id_category").select_option(index=1)
    j.page.locator("#id_detection_source").select_option(index=1)
    for field in ("started_at", "detected_at"):
        j.page.locator(f"#id_{field}_0").fill(now.strftime("%d-%m-%Y"))
        j.page.locator(f"#id_{field}_1").fill(now.strftime("%H:%M:%S"))
    _pick(j, "owner", "Sanne Jansen")
    j.click(j.page.get_by_role("button", name="Opslaan en opnieuw bewerken"))
    expect(j.page.locator(".messagelist .success")).to_be_visible()
    for step in ("Opvolging", "Opgelost", "Gesloten"):
        # each transition sets its own moment: no time to type
        j.click(j.page.locator("a.record-action", has_text=step))
        j.click(j.page.locator("#content-main input[type=submit]"))
        expect(j.page.locator(".messagelist .success")).to_be_visible()
    expect(j.page.locator(".messagelist .success")).to_contain_text("Gesloten")
    expect(j.page.locator("a.record-action", has_text=re.compile(r"^Naar "))).to_have_count(0)


def test_escalate_an_incident_to_a_calamity(journey):
    # from the start page: an open incident for which the system proposes a calamity
    j = journey("security")
    proposed = j.page.locator(".today-lines ul li", has_text="opschalen naar calamiteit voorgesteld").locator("a")
    if proposed.count():
        j.click(proposed.first)
    else:  # no proposal today: the incident of the journey above
        j.goto("/admin/incidents/incident/?q=Storing+DigiD-inlog+%28e2e%29")
        j.click(j.page.locator("#result_list tbody tr", has_text="Storing DigiD-inlog (e2e)").locator("th a").first)
    j.click(j.page.locator("a.record-action", has_text="Opschalen naar calamiteit"))
    expect(j.page.locator("#content-main")).to_contain_text("opschalen")  # the proposal, or why there is none
    j.page.locator("#id_level").select_option(index=0)
    j.page.locator("#id_reason").fill("Landelijke storing, veel burgers getroffen (e2e).")
    j.click(j.page.locator("#content-main input[type=submit]"))
    expect(j.page.locator(".messagelist .success")).to_contain_text("calamiteit")
    expect(j.page.locator("a.record-action", has_text="Calamiteit opschalen")).to_have_count(1)


def test_import_takedowns_a_bad_file_stores_nothing_and_a_good_one_is_stored(journey):
    j = journey("security", "/admin/incidents/phishingtakedown/?q=digid-e2e-journey")
    expect(j.page.locator("#result_list tbody tr")).to_have_count(0)
    j.click(j.page.get_by_role("link", name="Importeren"))

    bad = (
        TAKEDOWN_HEADER
        + "https://digid-e2e-journey-1.example/login,website,DigiD,2026-11-02,taken_offline,2026-11-03,Hoster A\n"
        + "https://digid-e2e-journey-2.example/login,boot,DigiD,2026-11-02,taken_offline,2026-11-03,Hoster B\n"
    )
    j.page.get_by_label("bestand (CSV of XLSX)").set_input_files(
        {"name": "takedowns-fout.csv", "mimeType": "text/csv", "buffer": bad.encode()}
    )
    j.click(j.page.get_by_role("button", name="Importeren"))
    expect(j.page.locator(".errornote")).to_contain_text("Niets geïmporteerd")
    errors = j.page.locator("#import-errors tbody tr")
    expect(errors).to_have_count(1)
    expect(errors.first.locator("td").first).to_have_text("3")  # the header is row 1

    j.goto("/admin/incidents/phishingtakedown/?q=digid-e2e-journey")
    expect(j.page.locator("#result_list tbody tr")).to_have_count(0)

    good = bad.replace(",boot,", ",website,")
    j.click(j.page.get_by_role("link", name="Importeren"))
    j.page.get_by_label("bestand (CSV of XLSX)").set_input_files(
        {"name": "takedowns.csv", "mimeType": "text/csv", "buffer": good.encode()}
    )
    j.click(j.page.get_by_role("button", name="Importeren"))
    expect(j.page.locator(".messagelist")).to_contain_text("2 regels geïmporteerd")
    j.goto("/admin/incidents/phishingtakedown/?q=digid-e2e-journey")
    expect(j.page.locator("#result_list tbody tr")).to_have_count(2)


def test_register_for_a_workshop(journey):
    j = journey("security")
    j.click(j.page.get_by_role("link", name="Workshops", exact=True).first)
    row = j.page.locator("tr", has=j.page.get_by_role("button", name="Inschrijven")).first
    j.click(row.get_by_role("button", name="Inschrijven"))
    j.click(j.page.get_by_role("link", name="Mijn inschrijvingen"))
    expect(j.page.get_by_role("button", name="Afmelden").first).to_be_visible()


def _pick(j, field: str, name: str) -> None:
    """Choose `name` in the admin's autocomplete (select2) picker of `field`."""
    j.page.locator(f".field-{field} .select2-selection").click()
    j.page.locator(".select2-dropdown .select2-search__field").fill(name.split()[0])
    j.page.locator(".select2-results__option", has_text=name).first.click()
