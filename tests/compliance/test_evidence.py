import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import Workbook

from accounts import roles
from compliance.controls import accept_check, submit_check
from compliance.evidence import add_evidence
from compliance.models import Evidence

from .conftest import PDF_BYTES, PNG_BYTES, stored_files, upload


def _xlsx_bytes() -> bytes:
    workbook = Workbook()
    workbook.active.append(["account", "rechten"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.mark.parametrize(
    "name, content",
    [
        ("rapport.pdf", PDF_BYTES),
        ("scherm.png", PNG_BYTES),
        ("review.xlsx", _xlsx_bytes()),
        ("notitie.txt", b"Gecontroleerd door het team, geen bijzonderheden.\n"),
        ("accounts.csv", b"account,rol\nabc,beheer\n"),
    ],
)
def test_an_allowed_file_is_stored_privately_with_its_sha256(open_check, employee, _private_media, name, content):
    evidence = add_evidence(open_check, employee, upload=upload(name, content))

    assert evidence.kind == Evidence.Kind.FILE and evidence.version == 1
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert evidence.original_name == name and evidence.size == len(content)
    [stored] = stored_files(_private_media)
    assert stored.read_bytes() == content
    assert name not in stored.name  # a random name on disk


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("programma.exe", b"MZ\x90\x00" + b"\x00" * 60, "niet toegestaan"),
        ("rapport.pdf", b"Dit is gewoon tekst, geen PDF.", "past niet bij de extensie"),
        ("scherm.png", PDF_BYTES, "past niet bij de extensie"),
        ("notitie.txt", b"\x00\x01\x02binary", "past niet bij de extensie"),
        ("leeg.txt", b"", "leeg"),
        ("zonder-extensie", b"tekst", "niet toegestaan"),
    ],
)
def test_a_refused_upload_leaves_no_file_on_disk(open_check, employee, _private_media, name, content, reason):
    with pytest.raises(ValidationError, match=reason):
        add_evidence(open_check, employee, upload=upload(name, content))
    assert stored_files(_private_media) == []
    assert not Evidence.objects.exists()


def test_an_oversized_file_is_refused_and_nothing_stored(open_check, employee, _private_media, settings):
    settings.EVIDENCE_MAX_BYTES = 100
    with pytest.raises(ValidationError, match="te groot"):
        add_evidence(open_check, employee, upload=upload("groot.txt", b"a" * 101))
    assert stored_files(_private_media) == [] and not Evidence.objects.exists()


def test_a_file_is_removed_again_when_the_row_cannot_be_stored(open_check, employee, _private_media, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(Evidence, "save", fail)
    with pytest.raises(RuntimeError):
        add_evidence(open_check, employee, upload=upload("rapport.pdf", PDF_BYTES))
    assert stored_files(_private_media) == []


def test_links_and_notes_are_evidence_too_but_one_at_a_time(open_check, employee):
    link = add_evidence(open_check, employee, url="https://intranet.example/review-2021")
    note = add_evidence(open_check, employee, note="Besproken in het MT van 3 maart.")
    assert (link.kind, note.kind) == (Evidence.Kind.LINK, Evidence.Kind.NOTE)
    with pytest.raises(ValidationError, match="één van"):
        add_evidence(open_check, employee, url="https://x.example", note="ook")


def test_a_new_version_supersedes_and_never_overwrites(open_check, employee, _private_media):
    first = add_evidence(open_check, employee, upload=upload("lijst.csv", b"a,b\n1,2\n"))
    second = add_evidence(open_check, employee, upload=upload("lijst.csv", b"a,b\n1,3\n"), supersedes=first)

    assert second.version == 2 and second.supersedes == first
    assert len(stored_files(_private_media)) == 2
    assert list(Evidence.objects.current()) == [second]
    with pytest.raises(ValidationError, match="laatste versie"):
        add_evidence(open_check, employee, note="nog een", supersedes=first)
    first.note = "veranderd"
    with pytest.raises(ValidationError):
        first.save()


def test_evidence_of_an_accepted_check_cannot_be_added_changed_or_deleted(open_check, employee, security_officer):
    evidence = add_evidence(open_check, employee, note="Bewijs")
    accept_check(submit_check(open_check, employee, "effective", "ok"), security_officer)
    open_check.refresh_from_db()
    with pytest.raises(ValidationError, match="alleen-lezen"):
        add_evidence(open_check, employee, note="Later bewijs")
    with pytest.raises(ValidationError):
        Evidence.objects.get(pk=evidence.pk).delete()
    assert Evidence.objects.count() == 1


def test_only_someone_assigned_or_the_security_officer_adds_evidence(open_check, make_user, auditor, security_officer):
    with pytest.raises(PermissionDenied):
        add_evidence(open_check, make_user(roles.EMPLOYEE), note="x")
    with pytest.raises(PermissionDenied):
        add_evidence(open_check, auditor, note="x")
    assert add_evidence(open_check, security_officer, note="x").pk


@pytest.mark.parametrize(
    "who, status",
    [
        ("security_officer", 200),
        ("auditor", 200),
        ("owner", 200),
        ("privacy_officer", 403),
        ("workshop_coordinator", 403),
        ("other_employee", 403),
        ("administrator", 403),
        ("outsider", 403),
    ],
)
def test_evidence_files_download_only_through_the_permission_checked_view(
    request, open_check, employee, make_user, client_as, who, status
):
    evidence = add_evidence(open_check, employee, upload=upload("rapport.pdf", PDF_BYTES))
    user = {"owner": employee, "other_employee": make_user(roles.EMPLOYEE)}.get(who) or request.getfixturevalue(who)

    response = client_as(user).get(evidence.get_absolute_url())

    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF_BYTES
        assert response["Content-Disposition"].startswith("attachment")


def test_anonymous_users_are_sent_to_the_login_page(open_check, employee, client):
    evidence = add_evidence(open_check, employee, note="x")
    assert client.get(evidence.get_absolute_url()).status_code == 302


def test_media_files_have_no_public_url(open_check, employee, client_as, security_officer):
    evidence = add_evidence(open_check, employee, upload=upload("rapport.pdf", PDF_BYTES))
    assert client_as(security_officer).get("/media/" + evidence.file.name).status_code == 404
