import threading
import uuid
from collections import Counter
from datetime import date, datetime, timedelta
from smtplib import SMTPException
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.db import connection

from compliance.models import FollowUpAction, Policy
from core import reminders
from core.models import Reminder
from core.reminders import collect, sweep

AMS = ZoneInfo("Europe/Amsterdam")


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=AMS)


@pytest.fixture(autouse=True)
def _only_the_core_sources(monkeypatch):
    """These tests count what the core's own sources send; the apps above register duties
    (workshops, breaches) that would remind the same test users. They have their own tests."""
    core = {name: source for name, source in reminders.sources().items() if name.startswith("compliance.")}
    monkeypatch.setattr(reminders, "_sources", core)


@pytest.fixture
def manager(make_user):
    return make_user(username="manager", first_name="Mira", last_name="Manager")


@pytest.fixture
def owner(make_user, manager):
    return make_user(username="eigenaar", first_name="Olaf", last_name="Eigenaar", manager=manager)


def action_for(user, due: date, title: str = "Herstel logging") -> FollowUpAction:
    return FollowUpAction.objects.create(title=title, owner=user, due_date=due)


def sent_stages(user) -> list[str]:
    return list(
        Reminder.objects.filter(recipient=user, sent_at__isnull=False)
        .order_by("due", "created_at")
        .values_list("stage", flat=True)
    )


def test_each_stage_goes_out_once_then_weekly_and_escalates_to_the_manager(owner, manager, settings):
    settings.REMINDER_DAYS_BEFORE = [14, 7, 1]
    settings.REMINDER_DAYS_OVERDUE = [1, 7]
    settings.REMINDER_ESCALATE_AFTER_DAYS = 7
    due = date(2021, 6, 30)
    action_for(owner, due)

    day = date(2021, 6, 1)
    while day <= date(2021, 7, 31):
        for hour in (8, 16):  # two sweeps a day send nothing twice
            sweep(at(day, hour))
        day += timedelta(days=1)

    assert sent_stages(owner) == [
        "before-14",
        "before-7",
        "before-1",
        "due",
        "overdue-1",
        "overdue-7",
        "overdue-14",
        "overdue-21",
        "overdue-28",
    ]
    assert sent_stages(manager) == ["escalate"]
    per_person = Counter(message.to[0] for message in mail.outbox)
    assert per_person == {owner.email: 9, manager.email: 1}


def test_an_item_created_late_gets_only_its_latest_stage(owner):
    action_for(owner, date(2021, 6, 30))
    assert sweep(at(date(2021, 6, 29))) == 1
    assert list(Reminder.objects.values_list("stage", flat=True)) == ["before-1"]


def test_one_digest_per_person_lists_every_item_grouped_in_dutch_with_absolute_links(owner, settings):
    settings.SITE_URL = "https://waarborg.example"
    first = action_for(owner, date(2021, 6, 30), "Herstel logging")
    action_for(owner, date(2021, 7, 2), "Vernieuw certificaat")
    Policy.objects.create(title="Informatiebeveiligingsbeleid", owner=owner, next_review=date(2021, 7, 1))

    assert sweep(at(date(2021, 6, 29))) == 1

    [message] = mail.outbox
    assert message.to == [owner.email]
    assert message.subject == "Waarborg: 3 herinneringen"
    text = message.body
    for title in ("Herstel logging", "Vernieuw certificaat", "Beoordeling van Informatiebeveiligingsbeleid"):
        assert title in text
    assert "Actiepunten" in text and "Beleidsbeoordelingen" in text and "Beste Olaf Eigenaar" in text
    assert f"https://waarborg.example{first.get_absolute_url()}" in text
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html" and 'href="https://waarborg.example/admin/' in html


def test_an_item_overdue_long_enough_is_escalated_to_the_manager_as_its_own_stage(owner, manager):
    action_for(owner, date(2021, 6, 1), "Pentest-bevindingen oplossen")

    sweep(at(date(2021, 6, 9)))

    assert sent_stages(owner) == ["overdue-7"]
    escalation = Reminder.objects.get(recipient=manager)
    assert escalation.stage == "escalate" and escalation.escalation
    assert "Olaf Eigenaar" in escalation.title
    manager_mail = next(m for m in mail.outbox if m.to == [manager.email])
    assert "Escalaties" in manager_mail.body


def test_a_recipient_without_an_email_address_is_skipped(make_user):
    nobody = make_user(email="")
    action_for(nobody, date(2021, 6, 30))
    assert sweep(at(date(2021, 6, 30))) == 0
    assert not Reminder.objects.exists()


def test_an_smtp_failure_keeps_the_reminder_and_retries_with_back_off(owner, settings, monkeypatch):
    settings.REMINDER_RETRY_BASE_SECONDS = 300
    action_for(owner, date(2021, 6, 30))
    now = at(date(2021, 6, 30))

    def smtp_down(self, messages):
        raise SMTPException("421 service not available")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", smtp_down)
        assert sweep(now) == 0
        row = Reminder.objects.get()
        assert row.sent_at is None and row.attempts == 1 and "421" in row.last_error
        assert row.next_attempt_at == now + timedelta(seconds=300)
        assert row.claimed_at is None
        assert sweep(now + timedelta(seconds=400)) == 0  # still down: second attempt
        row.refresh_from_db()
        assert row.attempts == 2 and row.next_attempt_at == now + timedelta(seconds=400 + 600)

    assert sweep(now + timedelta(seconds=500)) == 0  # up again, but the back-off has not passed
    assert sweep(now + timedelta(seconds=1000)) == 1
    row.refresh_from_db()
    assert row.sent_at is not None and len(mail.outbox) == 1


def test_rows_claimed_by_a_worker_that_died_are_sent_once_the_claim_expires(owner, settings):
    settings.REMINDER_CLAIM_EXPIRY_SECONDS = 600
    action_for(owner, date(2021, 6, 30))
    now = at(date(2021, 6, 30))
    collect(now)
    # A worker claimed the row and was killed before sending.
    Reminder.objects.update(claimed_at=now, claim_token=uuid.uuid4())

    assert sweep(now) == 0  # the claim is fresh: someone may still be sending it
    assert sweep(now + timedelta(minutes=9)) == 0
    assert sweep(now + timedelta(minutes=11)) == 1
    assert Reminder.objects.get().sent_at is not None
    assert sweep(now + timedelta(minutes=30)) == 0


def test_the_command_and_the_beat_task_run_the_same_sweep(owner, capsys):
    action_for(owner, date(2021, 6, 30))
    with time_machine.travel(at(date(2021, 6, 30)), tick=False):
        call_command("send_reminders")
        assert "1 e-mails sent." in capsys.readouterr().out
        action_for(owner, date(2021, 6, 30), "Tweede actie")
        from core.tasks import send_reminders

        assert send_reminders.delay().get() == 1
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2


def _people_with_actions(make_user, count: int, due: date) -> None:
    for n in range(count):
        action_for(make_user(), due, f"Actie {n}")


def test_a_sweep_costs_a_fixed_number_of_queries_plus_one_update_per_email(make_user, django_assert_num_queries):
    due = date(2021, 6, 30)
    _people_with_actions(make_user, 3, due)
    sweep(at(due - timedelta(days=20)))  # warm the content-type cache; nothing is due yet
    # 3 sources: checks (their people, their controls, the checks as tuples), actions, policies
    # + per chunk of 1000 candidates: the insert-or-ignore (no pre-check of recorded keys; its
    #   row count is what this sweep recorded, no count query afterwards)
    # + per batch of recipients: distinct recipients, claim UPDATE, claimed rows (tuples),
    #   their users (one in_bulk)
    # + per e-mail: the UPDATE marking its rows sent (right after the send, so that a
    #   worker killed mid-batch does not send the batch's earlier digests again)
    # + the final distinct-recipients query that finds nothing
    # (On PostgreSQL the insert and the marks turn off the wait for the WAL flush inside the
    # statement itself: no extra statements.)
    fixed, per_email = 5 + 1 + 4 + 1, 1
    with django_assert_num_queries(fixed + 3 * per_email):
        assert sweep(at(due)) == 3
    _people_with_actions(make_user, 27, due + timedelta(days=1))
    with django_assert_num_queries(fixed + 30 * per_email):
        assert sweep(at(due + timedelta(days=1))) == 30


class Killed(BaseException):
    """SIGKILL, as seen from inside: nothing after it runs, no `except Exception` catches it."""


def test_a_worker_killed_mid_batch_does_not_send_the_digests_it_already_sent_again(make_user, settings, monkeypatch):
    settings.REMINDER_BATCH_RECIPIENTS = 10
    settings.REMINDER_CLAIM_EXPIRY_SECONDS = 600
    due = date(2021, 6, 30)
    _people_with_actions(make_user, 5, due)
    now = at(due)
    original = mail.backends.locmem.EmailBackend.send_messages

    def killed_at_the_third(self, messages):
        if len(mail.outbox) == 2:
            raise Killed
        return original(self, messages)

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.backends.locmem.EmailBackend.send_messages", killed_at_the_third)
        with pytest.raises(Killed):
            sweep(now)
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 2  # recorded as they went out
    assert Reminder.objects.filter(sent_at__isnull=True, claim_token__isnull=False).count() == 3

    assert sweep(now + timedelta(minutes=11)) == 3  # after the claim expired: only the other three
    assert Counter(m.to[0] for m in mail.outbox) == Counter(Reminder.objects.values_list("recipient__email", flat=True))
    assert len(mail.outbox) == 5 and not Reminder.objects.filter(sent_at__isnull=True).exists()


def _two_sweeps_at_once(now: datetime, monkeypatch, claim=None) -> None:
    """Run two sweeps in two threads (two database connections) that meet right after
    their first claim: `claim(now, meet)` replaces the engine's claim for the test."""
    barrier = threading.Barrier(2)
    first_call = threading.local()

    def meet():
        if not getattr(first_call, "done", False):
            first_call.done = True
            barrier.wait(timeout=30)

    real_claim = reminders._claim

    def claim_then_meet(at, *after):
        claimed = claim(at, meet) if claim else real_claim(at, *after)
        meet()
        return claimed

    def run():
        try:
            sweep(now)
        finally:
            connection.close()

    monkeypatch.setattr(reminders, "_claim", claim_then_meet)
    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()


def _claim_without_a_conditional_update(now, meet):
    """What a sweep without the claim does: read the unsent rows, and only then mark them
    as its own, so that both sweeps read the same rows before either marks them."""
    rows = list(Reminder.objects.filter(reminders._claimable(now)).select_related("recipient"))
    if not rows:
        return None
    meet()
    token = uuid.uuid4()
    Reminder.objects.filter(pk__in=[r.pk for r in rows]).update(claimed_at=now, claim_token=token)
    return token, rows


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_reminder_exactly_once(make_user, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    due = date(2021, 6, 30)
    _people_with_actions(make_user, 20, due)

    _two_sweeps_at_once(at(due), monkeypatch)

    assert Reminder.objects.count() == 20
    assert Reminder.objects.filter(sent_at__isnull=True).count() == 0
    assert sorted(m.to[0] for m in mail.outbox) == sorted(Reminder.objects.values_list("recipient__email", flat=True))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_without_the_claim_two_concurrent_sweeps_send_twice(make_user, monkeypatch):
    """The race the claim prevents: both sweeps read the unsent rows before either marks them."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    due = date(2021, 6, 30)
    _people_with_actions(make_user, 20, due)

    _two_sweeps_at_once(at(due), monkeypatch, claim=_claim_without_a_conditional_update)

    assert len(mail.outbox) == 40


def test_a_long_digest_lists_the_first_items_and_counts_the_rest(owner, settings):
    settings.REMINDER_DIGEST_MAX_ITEMS = 2
    for n in range(5):
        action_for(owner, date(2021, 6, 30), f"Actie {n}")

    assert sweep(at(date(2021, 6, 30))) == 1

    body = mail.outbox[0].body
    assert "Actie 0" in body and "Actie 1" in body and "Actie 4" not in body
    assert "… en nog 3 andere" in body and "/checks/mine/" in body
    assert mail.outbox[0].subject == "Waarborg: 5 herinneringen"


@pytest.mark.postgres
def test_on_postgresql_the_marks_do_not_wait_for_the_wal_flush_unless_asked(make_user, settings):
    """The mark's own statement turns synchronous_commit off for its transaction (here the
    test's transaction, so it can be read back); REMINDER_SYNCHRONOUS_COMMIT keeps the wait."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    due = date(2021, 6, 30)

    def synchronous_commit() -> str:
        with connection.cursor() as cursor:
            cursor.execute("SHOW synchronous_commit")
            return cursor.fetchone()[0]

    settings.REMINDER_SYNCHRONOUS_COMMIT = True
    _people_with_actions(make_user, 2, due)
    assert sweep(at(due)) == 2 and synchronous_commit() == "on"
    assert not Reminder.objects.filter(sent_at__isnull=True).exists()

    settings.REMINDER_SYNCHRONOUS_COMMIT = False
    _people_with_actions(make_user, 2, due)
    assert sweep(at(due, hour=10)) == 2 and synchronous_commit() == "off"  # the first two: nothing new
    assert Reminder.objects.filter(sent_at__isnull=False).count() == 4


def test_the_digest_shows_a_time_only_for_a_moment_that_is_not_midnight(owner):
    from core.reminders import render_digest

    rows = [
        Reminder(title="Op de dag", kind="Actiepunten", due=at(date(2021, 6, 30), hour=0), url="/a/"),
        Reminder(title="Op het uur", kind="Actiepunten", due=at(date(2021, 7, 1), hour=14), url="/b/"),
    ]
    message = render_digest(owner, rows)
    assert "Op de dag — uiterlijk 30 juni 2021\n" in message.body
    assert "Op het uur — uiterlijk 1 juli 2021 14:00\n" in message.body
    html = message.alternatives[0][0]
    assert "uiterlijk 30 juni 2021</li>" in html and "uiterlijk 1 juli 2021 14:00</li>" in html
