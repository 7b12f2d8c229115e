"""Retention of the reports app's records (core.retention applies them nightly)."""

from __future__ import annotations

from core.retention import Policy, register_policy

register_policy(
    Policy(
        key="export_jobs",
        model="reports.ExportJob",
        date_field="created_at",
        default_days=30,
        reason="Exportopdrachten en hun bestanden: een kopie van gegevens die elders bewaard blijven; "
        "na 30 dagen verwijderd, het bestand ook (AVG art. 5(1)(c) en (e)); het toegangslog houdt vast "
        "wie wat exporteerde.",
    )
)
register_policy(
    Policy(
        key="access_log",
        model="reports.AccessLog",
        date_field="timestamp",
        default_days=7 * 366,
        reason="Toegangslog (wie bekeek of exporteerde wat): audittrail, zeven jaar zoals de wijzigingshistorie "
        "(BIO2 8.15).",
    )
)
