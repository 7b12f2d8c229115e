"""The journeys' guards can fail: an error status, a console error, a CSP violation and an
accessibility finding that is not listed each end up as a problem of the journey."""

from __future__ import annotations

import pytest

from tests.e2e import axe_exceptions, conftest


def test_an_exception_covers_only_its_rule_selector_and_page():
    rule, target, page = "label", "#id_starts_at_0", "/admin/privacy/workshopsession/add/"
    assert axe_exceptions.reason_for(rule, target, page)
    assert axe_exceptions.reason_for("color-contrast", target, page) is None  # another rule
    assert axe_exceptions.reason_for(rule, "#id_title", page) is None  # another element
    assert axe_exceptions.reason_for(rule, target, "/workshops/") is None  # Waarborg's own pages
    assert all(reason.strip() for *_rest, reason in axe_exceptions.EXCEPTIONS)


@pytest.mark.e2e
def test_guards_catch_statuses_console_errors_csp_violations_and_unlisted_findings(journey):
    j = journey(None, "/account/login/")
    assert j.problems == [] and j.new_violations == []

    j.page.goto(j.url("/bestaat-niet/"))
    assert any("HTTP 404 on GET /bestaat-niet/" in problem for problem in j.problems)

    j.goto("/account/login/")
    j.problems.clear()
    j.page.evaluate("console.error('kapot')")
    assert any("kapot" in problem for problem in j.problems)

    j.problems.clear()
    j.page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<p style=\"color: red\">x</p>')")
    j.page.wait_for_timeout(200)
    assert any("Content Security Policy" in problem for problem in j.problems)

    j.page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<input id=\"e2e-unlabelled\">')")
    j.scanned.clear()
    j.axe()
    assert any("#e2e-unlabelled" in violation for violation in j.new_violations)

    # what the guards found here was put there on purpose: keep it out of the journey and the report
    j.problems.clear()
    j.new_violations.clear()
    conftest._AXE_FINDINGS[:] = [f for f in conftest._AXE_FINDINGS if f["journey"] != j.name]
