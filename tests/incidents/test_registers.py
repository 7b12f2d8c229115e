from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from compliance.models import FollowUpAction
from incidents import services
from incidents.choices import CalamityLevel, FraudReason, TakedownOutcome
from incidents.models import (
    DDoSAttack,
    Exercise,
    FraudAccountRemoval,
    Lesson,
    MisuseInvestigation,
    PhishingTakedown,
)
from incidents.normalise import normalise_url
from incidents.pseudonyms import pseudonymise_account

from .conftest import T0


@pytest.mark.parametrize(
    "url",
    [
        "https://digid-login.example.com/inloggen",
        "http://WWW.digid-login.example.com/inloggen/",
        "digid-login.example.com/inloggen",
        "https://digid-login.example.com:443/inloggen#top",
    ],
)
def test_the_same_site_written_differently_normalises_to_one_url(url):
    assert normalise_url(url) == "digid-login.example.com/inloggen"


@pytest.mark.parametrize("url", ["", "geen url", "ftp://digid.example.com/x", "https://", "http://localhost"])
def test_a_takedown_url_that_is_not_a_url_is_refused(url):
    with pytest.raises(ValidationError):
        normalise_url(url)


def test_a_takedown_with_an_invalid_url_is_refused_by_the_model_and_nothing_is_stored(db):
    takedown = PhishingTakedown(url="geen url", reported_at=T0)
    with pytest.raises(ValidationError) as refused:
        takedown.full_clean()
    assert "url" in refused.value.message_dict
    with pytest.raises(ValidationError):
        takedown.save()
    assert not PhishingTakedown.objects.exists()


def test_a_takedown_of_a_known_site_is_recognised_as_a_duplicate(db):
    PhishingTakedown.objects.create(url="https://digid-x.example.com/a", reported_at=T0)
    again = PhishingTakedown(url="http://www.digid-x.example.com/a/", reported_at=T0 + timedelta(days=1))
    with pytest.raises(ValidationError) as refused:
        again.full_clean()
    assert "al gemeld" in str(refused.value)
    with pytest.raises(IntegrityError), transaction.atomic():
        again.save()
    assert PhishingTakedown.objects.count() == 1


@pytest.mark.parametrize(
    ("outcome", "taken_down", "completed"),
    [
        (TakedownOutcome.TAKEN_OFFLINE, T0 + timedelta(hours=5), T0 + timedelta(hours=5)),
        (TakedownOutcome.NEVER_VISIBLE, None, T0),
        (TakedownOutcome.STILL_ONLINE, None, None),
    ],
)
def test_a_takedown_counts_as_completed_when_offline_or_never_visible(db, outcome, taken_down, completed):
    takedown = PhishingTakedown.objects.create(
        url="https://digid-y.example.com", reported_at=T0, outcome=outcome, taken_down_at=taken_down
    )
    assert takedown.completed_at == completed


def test_a_takedown_taken_offline_needs_the_time_it_went_offline(db):
    takedown = PhishingTakedown(
        url="https://digid-z.example.com", reported_at=T0, outcome=TakedownOutcome.TAKEN_OFFLINE
    )
    with pytest.raises(ValidationError) as refused:
        takedown.full_clean()
    assert "taken_down_at" in refused.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        takedown.save()


def test_a_misuse_investigation_closes_after_it_opens_and_with_an_outcome(db):
    investigation = MisuseInvestigation(
        chain_partner="UWV", partner_reference="UWV-1", subject="Verdachte inlog", opened_on=date(2021, 5, 1)
    )
    investigation.closed_on = date(2021, 4, 30)
    with pytest.raises(ValidationError):
        investigation.full_clean()
    investigation.closed_on = date(2021, 5, 3)
    with pytest.raises(ValidationError) as refused:
        investigation.full_clean()
    assert "outcome" in refused.value.message_dict
    investigation.outcome = "information_provided"
    investigation.full_clean()
    investigation.save()
    duplicate = MisuseInvestigation(
        chain_partner="UWV", partner_reference="UWV-1", subject="x", opened_on=date(2021, 6, 1)
    )
    with pytest.raises(ValidationError):
        duplicate.full_clean()


def test_the_same_account_always_gives_the_same_pseudonym_and_another_key_another(settings):
    first = pseudonymise_account("123 456 789")
    assert first == pseudonymise_account("123456789")
    assert len(first) == 64 and "123456789" not in first
    assert first != pseudonymise_account("123456780")
    settings.PSEUDONYM_KEY = "another-key"
    assert pseudonymise_account("123456789") != first


@pytest.mark.parametrize("number", ["", "12345", "12345678901234", "12a456789"])
def test_an_account_number_that_is_not_6_to_12_digits_is_refused(number):
    with pytest.raises(ValueError):
        pseudonymise_account(number)


def test_the_database_refuses_a_removal_whose_pseudonym_is_not_an_hmac(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        FraudAccountRemoval.objects.create(pseudonym="123456789", reason=FraudReason.OTHER, removed_at=T0)


def test_a_ddos_attack_with_a_negative_peak_is_refused_by_the_database(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        DDoSAttack.objects.create(started_at=T0, vector="udp_flood", peak_gbps=Decimal("-1"))


def test_an_exercise_records_the_crisis_levels_and_refuses_unknown_ones(db):
    exercise = Exercise(name="ISIDOOR", kind="isidoor", held_on=date(2021, 11, 4), levels_reached=["operational", "x"])
    with pytest.raises(ValidationError):
        exercise.full_clean()
    exercise.levels_reached = list(CalamityLevel.values)
    exercise.full_clean()


def test_each_lesson_of_an_exercise_has_its_own_follow_up_actions(db, security_officer):
    exercise = Exercise.objects.create(name="Anti-DDoS", kind="anti_ddos", held_on=date(2021, 10, 16))
    lesson = Lesson.objects.create(exercise=exercise, title="Omschakeling sneller")
    other = Lesson.objects.create(exercise=exercise, title="Contactlijst bijwerken")
    services.raise_action(lesson, "Draaiboek herzien", security_officer, date(2021, 12, 1))
    assert [a.title for a in services.actions_of(lesson)] == ["Draaiboek herzien"]
    assert not services.actions_of(other).exists()
    assert FollowUpAction.objects.get().source == lesson
