"""Two people taking the last seat at once: the session row lock lets only one in."""

import threading

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection

from accounts import roles
from privacy import workshops
from privacy.models import Registration

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql", reason="needs PostgreSQL row locks"
    ),
]


def _race(session, users, register):
    barrier = threading.Barrier(len(users))
    outcomes: list[str] = []

    def attempt(user):
        try:
            barrier.wait()
            register(session, user)
            outcomes.append("ok")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _unlocked_register(session, user):
    """The same check without the lock, to show the race the lock prevents."""
    import time

    count = Registration.objects.filter(session=session, status="registered").count()
    time.sleep(0.2)  # widen the window between reading and writing
    if count >= session.capacity:
        raise ValidationError("vol")
    Registration.objects.create(session=session, user=user)


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_the_last_seat_is_overbooked(make_session, make_user):
    session = make_session(capacity=1)
    users = [make_user(roles.EMPLOYEE) for _ in range(4)]
    outcomes = _race(session, users, _unlocked_register)
    assert outcomes.count("ok") > 1
    assert Registration.objects.filter(session=session).count() > session.capacity


@pytest.mark.django_db(transaction=True)
def test_with_the_lock_only_one_person_gets_the_last_seat(make_session, make_user, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    session = make_session(capacity=1)
    users = [make_user(roles.EMPLOYEE) for _ in range(4)]
    outcomes = _race(session, users, workshops.register)
    assert sorted(outcomes) == ["full", "full", "full", "ok"]
    assert Registration.objects.filter(session=session, status="registered").count() == 1
