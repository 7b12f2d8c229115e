"""Accessibility findings (axe-core, WCAG 2.1 A and AA) that the pages have today, each with
its reason. A finding that matches no line here fails the journey that found it; remove a line
as soon as its pages are fixed (issue 13).

Each entry: (rule id, regular expression over the element's CSS selector, regular expression
over the page's path with ids as <id>, reason)."""

from __future__ import annotations

import re

ADMIN = r"^/admin/"

EXCEPTIONS: list[tuple[str, str, str, str]] = [
    (
        "aria-input-field-name",
        r"select2",
        ADMIN,
        "the admin's autocomplete (select2) renders its box as role=combobox/textbox without a name",
    ),
    (
        "list",
        r"\.select2-selection--multiple > \.select2-selection__rendered",
        ADMIN,
        "the admin's autocomplete for many (select2, e.g. an incident's services) renders its chosen "
        "items in a <ul> with children that are not <li>",
    ),
    (
        "label",
        r"\.select2-search__field",
        ADMIN,
        "the search box inside an open autocomplete (select2) has no label",
    ),
    (
        "label",
        r"^#id_\w+_[01]$",
        ADMIN,
        "the admin's split date/time widget labels the pair, not its date and time inputs",
    ),
    (
        "aria-prohibited-attr",
        r"help-tooltip",
        ADMIN,
        "the admin's filter_horizontal search icon carries aria-label on a <span> without a role",
    ),
    (
        "meta-refresh",
        r'^meta\[http-equiv="refresh"\]$',
        r"^/reports/exports/<id>/$",
        "the export job page reloads itself every five seconds until the file is ready (WCAG 2.2.1: "
        "the user cannot stop or extend it); Waarborg's own page, to be replaced by a polling link",
    ),
    (
        "select-name",
        r"^#id_registrations-\d+-attendance$",
        ADMIN,
        "the attendance select of the registrations inline (tabular) has only a column header",
    ),
]


def reason_for(rule: str, target: str, page: str) -> str | None:
    for rule_id, selector, page_pattern, reason in EXCEPTIONS:
        if rule_id == rule and re.search(selector, target) and re.search(page_pattern, page):
            return reason
    return None
