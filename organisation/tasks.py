from celery import shared_task


@shared_task
def count_services() -> int:
    """Proves a worker reaches the database (used by the integration tests)."""
    from organisation.models import Service

    return Service.objects.count()
