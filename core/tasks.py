"""Periodic work of the platform; beat only triggers, the rows carry their own due dates."""

from celery import shared_task


@shared_task
def ping() -> str:
    """Proves a worker is alive and reads the queue (used by the integration tests)."""
    return "pong"


@shared_task(acks_late=True)
def send_reminders() -> int:
    """One reminder sweep; the same code as `manage.py send_reminders`."""
    from core.reminders import sweep

    return sweep()


@shared_task
def seal_history() -> int:
    """Extend the hash chain over the change history (beat, every minute)."""
    from core.seal import seal_history as seal

    return seal()


@shared_task
def apply_retention() -> dict[str, int]:
    """Remove or pseudonymise what has passed its retention period (beat, nightly)."""
    from core.retention import apply_retention as apply

    return apply()
