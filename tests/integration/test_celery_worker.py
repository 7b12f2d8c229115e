import pytest

from core import tasks
from organisation import tasks as organisation_tasks
from organisation.models import Service

pytestmark = pytest.mark.integration


def test_a_task_runs_end_to_end_on_a_real_worker(celery_worker_process):
    assert tasks.ping.delay().get(timeout=60) == "pong"


def test_the_worker_reads_what_the_application_committed(celery_worker_process):
    Service.objects.create(name="DigiD", slug="digid", domain="toegang")
    Service.objects.create(name="Digipoort", slug="digipoort", domain="gegevensuitwisseling")
    assert organisation_tasks.count_services.delay().get(timeout=60) == 2


def test_a_task_sent_after_commit_sees_the_committed_row(celery_worker_process):
    from django.db import transaction

    sent = []
    with transaction.atomic():
        Service.objects.create(name="DigiD", slug="digid", domain="toegang")
        transaction.on_commit(lambda: sent.append(organisation_tasks.count_services.delay()))
        assert sent == []  # nothing goes to the broker before the commit
    assert sent[0].get(timeout=60) == 1
