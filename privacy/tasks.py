"""Celery tasks: thin wrappers around the domain functions; they take primary keys and are idempotent."""

from celery import shared_task


@shared_task(acks_late=True)
def create_workshop_sessions() -> int:
    """Create the sessions of every series up to the horizon (idempotent: get_or_create)."""
    from .workshops import create_sessions_ahead

    return create_sessions_ahead()


@shared_task(acks_late=True)
def send_invitation(registration_id: int, method: str = "REQUEST") -> int:
    """E-mail the invitation (REQUEST) or its cancellation (CANCEL) for one registration.
    Sent once the status matches, so a late retry after a later change sends nothing stale."""
    from .invitations import send
    from .models import Registration

    registration = (
        Registration.objects.select_related("session__series__organizer", "user").filter(pk=registration_id).first()
    )
    if registration is None:
        return 0
    # A cancellation goes out for a cancelled registration or a cancelled session.
    cancelled = registration.status == Registration.Status.CANCELLED or registration.session.cancelled
    if (method == "CANCEL") != cancelled or registration.status == Registration.Status.WAITING:
        return 0
    return send(registration, method)
