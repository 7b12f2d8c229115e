"""The change history is tamper-evident: a hash chain that breaks where a record was edited."""

import pytest
from auditlog.models import LogEntry
from django.core.management import CommandError, call_command
from django.db import connection

from core.models import HistorySeal
from core.seal import seal_history, verify_history
from organisation.models import Service


@pytest.fixture
def history(db):
    """Five records (plus whatever the migrations wrote), all sealed; returns the count."""
    for n in range(5):
        Service.objects.create(name=f"Dienst {n}", slug=f"dienst-{n}", domain="toegang")
    total = LogEntry.objects.count()
    assert total >= 5
    assert seal_history() == total
    return total


def test_an_untouched_history_verifies(history):
    assert verify_history() == (history, None)


def test_sealing_twice_seals_nothing_twice(history):
    assert seal_history() == 0
    assert HistorySeal.objects.count() == history


def test_records_written_later_join_the_end_of_the_chain(history):
    Service.objects.create(name="Laat", slug="laat", domain="toegang")
    assert seal_history() == 1
    assert HistorySeal.objects.order_by("-sequence").first().sequence == history + 1
    assert verify_history() == (history + 1, None)


def test_a_record_edited_in_the_database_is_found(history):
    third = HistorySeal.objects.get(sequence=3).entry
    with connection.cursor() as cursor:
        cursor.execute("UPDATE auditlog_logentry SET object_repr = %s WHERE id = %s", ["vervalst", third.pk])
    checked, broken = verify_history()
    assert checked == 2
    assert (broken.sequence, broken.entry_id) == (3, third.pk)
    assert "changed" in broken.reason


def test_a_removed_seal_is_found(history):
    HistorySeal.objects.filter(sequence=4).delete()
    checked, broken = verify_history()
    assert (checked, broken.sequence, broken.reason) == (3, 4, "a seal is missing")


def test_the_command_names_the_first_broken_link(history):
    entry = HistorySeal.objects.get(sequence=2).entry
    LogEntry.objects.filter(pk=entry.pk).update(changes={"name": ["x", "y"]})
    with pytest.raises(CommandError, match="seal 2"):
        call_command("verify_history")


def test_the_command_reports_an_intact_chain(history, capsys):
    call_command("verify_history")
    assert f"{history} links checked" in capsys.readouterr().out
