from celery import shared_task


@shared_task(acks_late=True)
def generate_checks() -> int:
    """Keep the rolling horizon of checks filled (idempotent)."""
    from compliance.controls import generate_checks as generate

    return generate()


@shared_task(acks_late=True)
def verify_evidence() -> dict[str, int]:
    """Re-hash every stored evidence file and policy document against its recorded SHA-256;
    report mismatches and missing files to the security officers (beat, weekly)."""
    from compliance.verification import verify_and_report

    report = verify_and_report()
    return {"checked": report.checked, "changed": len(report.changed), "missing": len(report.missing)}
