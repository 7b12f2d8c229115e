"""The weekly re-verification of stored evidence, on local disk and on the S3 server: a file
changed or removed after upload is reported to the security officers (e-mail and the event
`evidence.verification_failed`); an intact set reports nothing; files are read in chunks."""

from __future__ import annotations

import hashlib

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts import roles
from compliance import tasks
from compliance.evidence import add_evidence, attach_document
from compliance.models import Policy
from compliance.verification import CHANGED, EVENT, MISSING, verify_and_report, verify_stored_files
from core import storage as stored_files
from core.models import Event
from tests.compliance.conftest import PDF_BYTES, PNG_BYTES, upload

STORAGES = ["local", pytest.param("s3", marks=pytest.mark.s3)]


@pytest.fixture(params=STORAGES)
def media(request, _private_media):  # type: ignore[no-untyped-def]
    """The folder or the bucket prefix where this test's files are stored."""
    return _private_media


@pytest.fixture
def stored(open_check, employee, security_officer):  # type: ignore[no-untyped-def]
    """Three evidence files and a policy document, all intact."""
    files = [
        add_evidence(open_check, employee, upload=upload("rapport.pdf", PDF_BYTES)),
        add_evidence(open_check, employee, upload=upload("scherm.png", PNG_BYTES)),
        add_evidence(open_check, employee, upload=upload("lijst.csv", b"account,rol\nabc,beheer\n")),
    ]
    add_evidence(open_check, employee, note="Een notitie heeft geen bestand")
    policy = Policy(title="Informatiebeveiligingsbeleid", owner=security_officer)
    attach_document(policy, upload("beleid.pdf", PDF_BYTES + b"% beleid\n"))
    policy.save()
    return files, policy


def test_an_intact_set_reports_nothing(media, stored):
    report = verify_and_report()

    assert report.checked == 4 and report.findings == []
    assert mail.outbox == []
    assert not Event.objects.filter(name=EVENT).exists()


def test_an_evidence_file_changed_after_upload_is_reported(media, stored, security_officer, make_user):
    other_officer = make_user(roles.SECURITY_OFFICER, email="tweede@waarborg.example")
    make_user(roles.SECURITY_OFFICER, email="weg@waarborg.example", is_active=False)
    make_user(roles.AUDITOR, email="auditor@waarborg.example")
    files, _ = stored
    tampered = files[1]
    # an insider with access to the disk or the bucket replaces the file: same size, other content
    (media / tampered.file.name).write_bytes(PNG_BYTES[:-1] + b"\x01")

    report = verify_and_report()

    assert [(f.obj, f.problem) for f in report.findings] == [(tampered, CHANGED)]
    assert report.findings[0].actual_sha256 == hashlib.sha256(PNG_BYTES[:-1] + b"\x01").hexdigest()
    [message] = mail.outbox
    assert sorted(message.to) == sorted([security_officer.email, other_officer.email])
    assert "1 bewijsbestand(en) gewijzigd of ontbrekend" in message.subject
    assert "GEWIJZIGD" in message.body and tampered.sha256 in message.body
    assert settings.SITE_URL + tampered.check_obj.get_absolute_url() in message.body
    # personal data minimised: who uploaded it is not in the mail
    assert tampered.uploaded_by.get_username() not in message.body
    assert tampered.uploaded_by.email not in message.body
    [event] = Event.objects.filter(name=EVENT)
    assert event.object_id == tampered.pk and event.data["problem"] == CHANGED
    assert event.data["recorded_sha256"] == tampered.sha256


def test_a_missing_file_is_reported(media, stored):
    files, _ = stored
    (media / files[0].file.name).unlink()

    report = verify_and_report()

    assert [(f.obj, f.problem) for f in report.findings] == [(files[0], MISSING)]
    [message] = mail.outbox
    assert "ONTBREEKT" in message.body and "Ontbrekend: 1" in message.body
    assert Event.objects.get(name=EVENT).data["problem"] == MISSING


def test_a_changed_policy_document_is_reported(media, stored):
    _, policy = stored
    (media / policy.document.name).write_bytes(PDF_BYTES + b"% ander beleid\n")

    report = verify_and_report()

    assert [(f.obj, f.problem) for f in report.findings] == [(policy, CHANGED)]
    assert "Beleidsdocument" in mail.outbox[0].body
    assert Event.objects.get(name=EVENT).object_repr == str(policy)


def test_files_are_hashed_in_chunks(media, stored, monkeypatch):
    """A file is never read whole: no read asks for more than a chunk."""
    monkeypatch.setattr(stored_files, "CHUNK", 16)
    asked: list[int] = []
    opened = stored_files.open_stream

    class Counting:
        def __init__(self, stream):  # type: ignore[no-untyped-def]
            self.stream = stream

        def read(self, amount=-1):  # type: ignore[no-untyped-def]
            asked.append(amount)
            return self.stream.read(amount)

        def close(self) -> None:
            self.stream.close()

    def counting(storage, name):  # type: ignore[no-untyped-def]
        return Counting(opened(storage, name))

    monkeypatch.setattr(stored_files, "open_stream", counting)

    assert verify_stored_files().findings == []
    assert asked and set(asked) == {16}


def test_the_command_fails_and_reports_and_can_only_print(media, stored, capsys):
    files, _ = stored
    (media / files[2].file.name).unlink()

    with pytest.raises(CommandError, match="1 of 4 stored files changed or missing"):
        call_command("verify_evidence", "--no-report")
    assert "MISSING: compliance.Evidence" in capsys.readouterr().err
    assert mail.outbox == [] and not Event.objects.filter(name=EVENT).exists()

    with pytest.raises(CommandError, match="security officers have been told"):
        call_command("verify_evidence")
    assert len(mail.outbox) == 1 and Event.objects.filter(name=EVENT).count() == 1


def test_the_command_says_so_when_all_is_well(media, stored, capsys):
    call_command("verify_evidence")
    assert "4 stored files checked: all match" in capsys.readouterr().out


def test_the_weekly_job_is_scheduled_and_reports(media, stored):
    schedule = settings.CELERY_BEAT_SCHEDULE["verify-evidence"]
    assert schedule["task"] == "compliance.tasks.verify_evidence"
    assert schedule["schedule"].day_of_week == {0}  # Sunday, once a week
    files, _ = stored
    (media / files[0].file.name).write_bytes(b"%PDF-1.4 vervangen")

    result = tasks.verify_evidence.delay().get()

    assert result == {"checked": 4, "changed": 1, "missing": 0}
    assert len(mail.outbox) == 1
