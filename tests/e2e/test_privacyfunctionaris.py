"""Privacyfunctionaris: add a processing registration with an owner chosen in the picker; run
a self-assessment; start a DPIA and take it to advice; register a breach, see the countdown,
report it to the AP."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def _pick(j, field: str, name: str) -> None:
    j.page.locator(f".field-{field} .select2-selection").click()
    j.page.locator(".select2-dropdown .select2-search__field").fill(name.split()[0])
    j.page.locator(".select2-results__option", has_text=name).first.click()


def _pick_first(j, field: str) -> None:
    """Choose the first entry the picker of `field` offers."""
    j.page.locator(f".field-{field} .select2-selection").click()
    j.page.locator(".select2-results__option:not(.loading-results)").first.click()


def test_start_page(journey):
    j = journey("privacy")
    j.screenshot("start-privacyfunctionaris")
    expect(j.page.locator("h1")).to_be_visible()


def _record_action(j, button: str) -> None:
    """A workflow step on the record's own page: its button, then the step's small form."""
    j.click(j.page.locator("a.record-action", has_text=button))
    j.click(j.page.locator("#content-main input[type=submit]"))
    expect(j.page.locator(".messagelist .success")).to_be_visible()


def test_add_a_processing_registration_with_an_owner_from_the_picker(journey):
    # from the start page: the register's line leads to the register, its add button to the form
    j = journey("privacy")
    j.click(j.page.get_by_role("link", name="Registraties voorbij hun herbeoordelingsdatum").first)
    j.click(j.page.locator(".object-tools a.addlink"))
    j.page.locator("#id_code").fill("VR-E2E-01")
    j.page.locator("#id_name").fill("Klanttevredenheidsonderzoek DigiD")
    _pick(j, "owner", "Pieter Bakker")
    j.page.locator("#id_controller_contact").fill("Logius, Wilhelmina van Pruisenweg 52, Den Haag")
    j.page.locator("#id_dpo_contact").fill("fg@logius.example")
    j.page.locator(".field-registered_on").get_by_role("link", name="Vandaag").click()
    j.click(j.page.get_by_role("button", name="Opslaan", exact=True))
    expect(j.page.locator(".messagelist .success")).to_be_visible()


def test_run_a_self_assessment(journey):
    j = journey("privacy")
    j.click(j.page.get_by_role("link", name="Self-assessments in uitvoering").first)
    j.click(j.page.locator(".object-tools a.addlink"))
    j.page.locator("#id_questionnaire").select_option(index=1)
    _pick_first(j, "activity")  # a self-assessment is of a processing activity or a service
    _pick(j, "assessor", "Pieter Bakker")
    j.page.locator(".field-started_on").get_by_role("link", name="Vandaag").click()
    j.click(j.page.get_by_role("button", name="Opslaan en opnieuw bewerken"))
    expect(j.page.locator(".messagelist .success")).to_be_visible()


def test_start_a_dpia_and_take_it_to_advice(journey):
    j = journey("privacy")
    j.click(j.page.get_by_role("link", name="DPIA's die wachten op uw advies").first)
    j.click(j.page.locator(".object-tools a.addlink"))
    j.page.get_by_label("Titel").fill("DPIA gezichtsherkenning DigiD-app (e2e)")
    _pick_first(j, "activity")
    _pick(j, "owner", "Pieter Bakker")
    j.click(j.page.get_by_role("button", name="Opslaan en opnieuw bewerken"))
    expect(j.page.locator(".messagelist .success")).to_be_visible()
    _record_action(j, "Ter beoordeling aanbieden")
    j.click(j.page.locator("a.record-action", has_text="Advies FG vastleggen"))
    j.page.get_by_label("Advies FG").fill("Doorgaan met maatregelen: dataminimalisatie en een bewaartermijn.")
    j.click(j.page.locator("#content-main input[type=submit]"))
    expect(j.page.locator(".messagelist .success")).to_contain_text("advies van de FG")
    expect(j.page.locator(".field-status .readonly")).to_have_text("advies FG")


def _register_breach(j, reference: str) -> None:
    """Register a breach the privacy officer learnt of an hour ago; lands on its change page."""
    aware = timezone.localtime() - timedelta(hours=1)
    j.goto("/admin/privacy/databreach/add/")
    j.page.locator("#id_reference").fill(reference)
    j.page.locator("#id_title").fill("Brief met BSN naar verkeerd adres")
    j.page.locator("#id_aware_at_0").fill(aware.strftime("%d-%m-%Y"))
    j.page.locator("#id_aware_at_1").fill(aware.strftime("%H:%M:%S"))
    j.page.locator("#id_nature").fill("Een brief met een BSN is naar een verkeerd adres gestuurd.")
    j.click(j.page.get_by_role("button", name="Opslaan en opnieuw bewerken"))
    expect(j.page.locator(".messagelist .success")).to_be_visible()


def test_register_a_breach_and_see_the_72_hour_countdown(journey):
    j = journey("privacy")
    _register_breach(j, "dl-e2e-countdown")
    # aware an hour ago: 71 hours and some minutes left
    expect(j.page.locator(".field-clock .readonly")).to_have_text(re.compile(r"^nog (70|71) u \d\d min$"))
    j.goto("/admin/privacy/databreach/?q=dl-e2e-countdown")
    expect(j.page.locator("#result_list tbody td.field-clock")).to_have_text(re.compile(r"^nog (70|71) u"))


def test_report_a_breach_to_the_ap_from_its_page(journey):
    j = journey("privacy")
    _register_breach(j, "dl-e2e-ap")
    j.click(j.page.locator("a.record-action", has_text="Melden bij de AP"))
    expect(j.page.locator("#content-main")).to_contain_text("Uiterste meldtermijn")
    j.page.get_by_label("Meldnummer AP").fill("AP-2026-000123")
    j.click(j.page.locator("#content-main input[type=submit]"))
    expect(j.page.locator(".messagelist .success")).to_contain_text("melding bij de AP")
    expect(j.page.locator("a.record-action", has_text="Melden bij de AP")).to_have_count(0)
