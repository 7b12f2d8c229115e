"""The anchors of the history chain outside the database, the key, and the deploy checks.

Every seal run writes the head of the chain to the configured anchors; verify_history compares
the database with them. The S3 anchor is tested against moto's in-process S3 (object lock
included), the e-mail anchor with Django's locmem backend.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import boto3
import moto
import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from core.anchors import AnchorFailed
from core.checks import check_history_anchors, check_secrets
from core.models import HistorySeal
from core.seal import audit_history, seal_history
from organisation.models import Service

KEY = "test-history-key-that-only-the-application-holds"


def write_history(n: int = 3, start: int = 0) -> None:
    for i in range(start, start + n):
        Service.objects.create(name=f"Dienst {i}", slug=f"dienst-{i}", domain="toegang")


def cut_off_newest() -> None:
    newest = HistorySeal.objects.order_by("-sequence").first()
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {HistorySeal._meta.db_table} WHERE id = %s", [newest.pk])


def findings() -> str:
    report = audit_history()
    return "\n".join([report.broken.reason if report.broken else "", *report.findings])


@pytest.fixture
def keyed(settings):
    settings.HISTORY_KEY = KEY
    return settings


@pytest.fixture
def anchor_file(keyed, tmp_path):
    keyed.HISTORY_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    return tmp_path / "anchors.jsonl"


# --- file ----------------------------------------------------------------------------------


def test_every_seal_run_appends_the_head_to_the_anchor_file(db, anchor_file):
    anchor_file.write_text('{"note": "written by the operator before"}\n')
    write_history()
    seal_history()
    seal_history()  # nothing new: the unchanged head is anchored again, with its time
    lines = anchor_file.read_text().splitlines()
    assert lines[0] == '{"note": "written by the operator before"}'  # appended, never rewritten
    head = HistorySeal.objects.order_by("-sequence").first()
    records = [json.loads(line) for line in lines[1:]]
    assert len(records) == 2
    assert {(r["sequence"], r["hash"]) for r in records} == {(head.sequence, head.hash)}
    assert set(records[0]) == {"sequence", "hash", "sealed_at", "anchored_at"}


def test_a_damaged_anchor_file_is_reported(db, anchor_file):
    write_history()
    seal_history()
    with anchor_file.open("a") as handle:
        handle.write("{not json\n")
    assert re.search(r"anchor file anchors.jsonl, line 2 cannot be read", findings())


def test_an_anchor_that_cannot_be_written_fails_the_run_but_keeps_the_seals(db, keyed, tmp_path, anchor_file):
    keyed.HISTORY_ANCHOR_FILE = str(tmp_path / "no-such-volume" / "anchors.jsonl")
    write_history()
    with pytest.raises(AnchorFailed, match="file"):
        seal_history()
    assert HistorySeal.objects.exists()
    keyed.HISTORY_ANCHOR_FILE = str(anchor_file)
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        # sealed eleven minutes ago and still in no anchor
        assert re.search(r"Seals 1 to \d+ are not anchored", findings())
        seal_history()  # the volume is back: the next run anchors the head
        assert audit_history().intact


def test_anchors_configured_later_cover_the_whole_chain_from_the_first_run(db, keyed, tmp_path):
    write_history()
    seal_history()  # no anchor configured yet
    keyed.HISTORY_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    with time_machine.travel(timezone.now() + timedelta(minutes=11)):
        assert "are not anchored" in findings()
        seal_history()
        assert audit_history().intact


# --- e-mail --------------------------------------------------------------------------------


def mailed_anchor(message: mail.EmailMessage) -> str:
    match = re.search(r"--anchor (\d+:[0-9a-f]{64})", message.body)
    assert match, message.body
    return match[1]


def test_the_head_is_mailed_and_the_mail_finds_a_cut_off_tail(db, keyed):
    keyed.HISTORY_ANCHOR_EMAIL = ["archief@waarborg.example"]
    write_history()
    seal_history()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    head = HistorySeal.objects.order_by("-sequence").first()
    assert message.to == ["archief@waarborg.example"]
    assert mailed_anchor(message) == f"{head.sequence}:{head.hash}"
    assert f"verzegeling {head.sequence}" in message.subject

    cut_off_newest()
    call_command("verify_history")  # the database alone looks whole
    with pytest.raises(CommandError):
        call_command("verify_history", "--anchor", mailed_anchor(message))
    report = audit_history(extra_anchors=[])
    assert report.intact


def test_the_mail_goes_out_when_the_head_moved_at_most_once_per_interval(db, keyed):
    keyed.HISTORY_ANCHOR_EMAIL = ["archief@waarborg.example"]
    keyed.HISTORY_ANCHOR_EMAIL_MINUTES = 60
    write_history()
    seal_history()
    seal_history()  # same head: no second mail
    write_history(start=10)
    seal_history()  # moved, but within the hour
    assert len(mail.outbox) == 1
    with time_machine.travel(timezone.now() + timedelta(minutes=61)):
        seal_history()
    assert len(mail.outbox) == 2
    head = HistorySeal.objects.order_by("-sequence").first()
    assert mailed_anchor(mail.outbox[1]) == f"{head.sequence}:{head.hash}"


@pytest.mark.parametrize("value", ["12", "12:abc", "x:" + "0" * 64, "12:" + "g" * 64])
def test_a_malformed_anchor_argument_is_refused_before_anything_is_sealed(db, keyed, value):
    write_history()
    with pytest.raises(CommandError, match=r"--anchor: expected SEQUENCE:HASH"):
        call_command("verify_history", "--seal", "--anchor", value)
    assert not HistorySeal.objects.exists()


# --- S3 with object lock (moto, in process) ------------------------------------------------


@pytest.fixture
def bucket(keyed, monkeypatch):
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "eu-west-1",
    }.items():
        monkeypatch.setenv(name, value)
    with moto.mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        location = {"LocationConstraint": "eu-west-1"}
        client.create_bucket(Bucket="anchors", CreateBucketConfiguration=location, ObjectLockEnabledForBucket=True)
        client.create_bucket(Bucket="unlocked", CreateBucketConfiguration=location)
        keyed.HISTORY_ANCHOR_S3_BUCKET = "anchors"
        keyed.HISTORY_ANCHOR_S3_REGION = "eu-west-1"
        yield client


def test_the_head_goes_to_the_bucket_under_object_lock(db, bucket):
    write_history()
    seal_history()
    head = HistorySeal.objects.order_by("-sequence").first()
    objects = bucket.list_objects_v2(Bucket="anchors")["Contents"]
    assert len(objects) == 1
    key = objects[0]["Key"]
    assert key.startswith(f"waarborg/history-anchors/{head.sequence:020d}-{head.hash}-")
    stored = bucket.get_object(Bucket="anchors", Key=key)
    assert stored["ObjectLockMode"] == "COMPLIANCE"
    assert stored["ObjectLockRetainUntilDate"] > timezone.now() + timedelta(days=7 * 365)
    assert json.loads(stored["Body"].read())["hash"] == head.hash
    assert audit_history().intact


def test_the_bucket_finds_a_cut_off_tail(db, bucket):
    write_history()
    seal_history()
    cut_off_newest()
    assert "truncated tail" in findings()


def test_a_bucket_without_object_lock_is_refused(db, bucket, keyed):
    keyed.HISTORY_ANCHOR_S3_BUCKET = "unlocked"
    write_history()
    with pytest.raises(AnchorFailed, match="s3"):
        seal_history()
    assert "KeyCount" in bucket.list_objects_v2(Bucket="unlocked")
    assert bucket.list_objects_v2(Bucket="unlocked")["KeyCount"] == 0


def test_an_unreadable_bucket_is_reported(db, bucket, keyed):
    write_history()
    seal_history()
    keyed.HISTORY_ANCHOR_S3_BUCKET = "gone"
    assert "anchor bucket gone cannot be read" in findings()


# --- the key -------------------------------------------------------------------------------


def test_the_chain_does_not_verify_under_another_key(db, keyed):
    write_history()
    seal_history()
    assert audit_history().intact
    keyed.HISTORY_KEY = "another-key-that-an-attacker-might-try-0123456789"
    report = audit_history()
    assert report.broken is not None
    assert (report.broken.sequence, report.checked) == (1, 0)


def test_the_key_can_come_from_a_file(monkeypatch, tmp_path):
    from config.settings import env

    secret = tmp_path / "history-key"
    secret.write_text("key-from-a-secret-file-0123456789abcdef\n")
    monkeypatch.setenv("HISTORY_KEY", "ignored")
    monkeypatch.setenv("HISTORY_KEY_FILE", str(secret))
    assert env("HISTORY_KEY", "default") == "key-from-a-secret-file-0123456789abcdef"


def ids(messages) -> set[str]:
    return {message.id for message in messages}


def test_deploy_check_refuses_the_development_key(settings):
    settings.HISTORY_KEY = "insecure-development-history-key"
    assert "waarborg.E003" in ids(check_secrets(None))


@pytest.mark.parametrize("key", ["short-key", "same-as-pseudonym-key-0123456789abcdef"])
def test_deploy_check_refuses_a_weak_or_shared_key(settings, key):
    settings.PSEUDONYM_KEY = "same-as-pseudonym-key-0123456789abcdef"
    settings.HISTORY_KEY = key
    assert "waarborg.E004" in ids(check_secrets(None))


def test_deploy_check_accepts_a_proper_key(settings):
    settings.HISTORY_KEY = KEY
    assert not ids(check_secrets(None)) & {"waarborg.E003", "waarborg.E004"}


def test_deploy_check_warns_without_an_anchor(settings, tmp_path):
    settings.HISTORY_ANCHOR_FILE = ""
    settings.HISTORY_ANCHOR_S3_BUCKET = ""
    settings.HISTORY_ANCHOR_EMAIL = []
    assert ids(check_history_anchors(None)) == {"waarborg.W001"}
    settings.HISTORY_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    assert check_history_anchors(None) == []


def test_deploy_check_refuses_a_bucket_without_boto3(settings, monkeypatch):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "boto3" else real(name, *a))
    settings.HISTORY_ANCHOR_S3_BUCKET = "anchors"
    assert ids(check_history_anchors(None)) == {"waarborg.E005"}
