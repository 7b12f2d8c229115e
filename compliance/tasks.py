from celery import shared_task


@shared_task
def ping() -> str:
    """Proves a worker is alive and reads the queue (used by the integration tests)."""
    return "pong"


@shared_task
def count_services() -> int:
    """Proves a worker reaches the database (used by the integration tests)."""
    from .models import Service

    return Service.objects.count()


@shared_task(acks_late=True)
def send_reminders() -> int:
    """One reminder sweep; the same code as `manage.py send_reminders`."""
    from .reminders import sweep

    return sweep()


@shared_task(acks_late=True)
def generate_checks() -> int:
    """Keep the rolling horizon of checks filled (idempotent)."""
    from .controls import generate_checks as generate

    return generate()
