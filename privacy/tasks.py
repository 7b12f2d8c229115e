"""Celery tasks: thin wrappers around the domain functions; they take primary keys and are idempotent."""

from celery import shared_task


@shared_task(acks_late=True)
def create_workshop_sessions() -> int:
    """Create the sessions of every series up to the horizon (idempotent: get_or_create)."""
    from .workshops import create_sessions_ahead

    return create_sessions_ahead()


# Defined beside the invitation it sends (the workshops queue it); registered under this module's name.
from .invitations import send_invitation  # noqa: E402, F401
