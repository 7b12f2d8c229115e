"""The breach's deadline on its admin pages: local and formatted, never ISO, never "None"."""

from datetime import UTC, datetime

from django.utils import timezone

from core.formatting import moment


def test_the_deadline_on_the_change_page_is_local_and_formatted(client_as, privacy_officer, make_breach):
    aware = datetime(2026, 11, 28, 7, 38, tzinfo=UTC)
    breach = make_breach(aware_at=aware)
    html = client_as(privacy_officer).get(f"/admin/privacy/databreach/{breach.pk}/change/").content.decode()
    assert moment(breach.deadline) in html  # "1 december 2026 08:38"
    assert "+00:00" not in html and "None" not in html
    assert timezone.localtime(breach.deadline).strftime("%Y-%m-%d %H:%M") not in html


def test_the_add_form_shows_no_none(client_as, privacy_officer):
    html = client_as(privacy_officer).get("/admin/privacy/databreach/add/").content.decode()
    assert ">None<" not in html and "None" not in html
