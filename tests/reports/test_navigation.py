"""The home page and the menu link to what the user may open, and to nothing else."""

from __future__ import annotations

import html as html_module
import re

import pytest
from django.utils import timezone

ROLES = ["security_officer", "privacy_officer", "workshop_coordinator", "auditor", "employee", "administrator"]


@pytest.mark.parametrize("role", ROLES)
def test_every_link_on_the_home_page_opens_for_the_user(role, request, client_as):
    client = client_as(request.getfixturevalue(role))
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    # the address a browser follows: "&amp;" in the attribute is "&"
    links = {html_module.unescape(link) for link in re.findall(r'href="(/[^"#]*)"', html)}
    for link in links - {"/static/waarborg/site.css"}:
        if link.startswith("/static/"):
            continue
        assert client.get(link).status_code == 200, (role, link)


def test_the_auditor_finds_the_dashboard_the_reports_the_dossier_and_the_admin(client_as, auditor):
    html = client_as(auditor).get("/").content.decode()
    year = timezone.localdate().year
    for link in ["/dashboard/", f"/reports/annual/{year}/", "/reports/annual/2021/", "/controls/dossier/", "/admin/"]:
        assert f'href="{link}"' in html


def test_an_employee_sees_no_links_to_reports_or_the_dashboard(client_as, employee):
    html = client_as(employee).get("/").content.decode()
    assert "/dashboard/" not in html and "/reports/annual/" not in html and "/controls/dossier/" not in html
    assert 'href="/checks/mine/"' in html
