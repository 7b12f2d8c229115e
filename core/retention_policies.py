"""The core's own retention policies (the apps above register theirs in the same way)."""

from .retention import Policy, register_policy

register_policy(
    Policy(
        key="login_attempts",
        model="axes.AccessAttempt",
        date_field="attempt_time",
        default_days=90,
        reason="Mislukte inlogpogingen: nodig voor detectie van aanvallen (BIO2 8.15, 8.16), "
        "daarna niet meer (AVG art. 5(1)(e)).",
    )
)
register_policy(
    Policy(
        key="login_log",
        model="axes.AccessLog",
        date_field="attempt_time",
        default_days=366,
        reason="Log van aanmeldingen: een jaar terug te zien voor onderzoek naar misbruik (BIO2 8.15).",
    )
)
register_policy(
    Policy(
        key="business_events",
        model="core.Event",
        date_field="timestamp",
        default_days=7 * 366,
        reason="Bedrijfsgebeurtenissen horen bij de verantwoording: zeven jaar, als de wijzigingshistorie.",
    )
)
register_policy(
    Policy(
        key="reminders",
        model="core.Reminder",
        date_field="created_at",
        default_days=2 * 366,
        reason="Verstuurde herinneringen: bewijs dat iemand op tijd is aangesproken, twee jaar "
        "(twee jaarverslagen); daarna niet meer nodig (AVG art. 5(1)(e)).",
    )
)
