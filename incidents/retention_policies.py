"""Retention of the incidents app's records (core.retention applies them nightly)."""

from __future__ import annotations

import secrets

from django.db import models

from core.history import record_bulk_change
from core.retention import PSEUDONYMISE, Policy, register_policy

# A further-pseudonymised removal gets a random pseudonym with this prefix: no longer linkable
# to other removals of the same account, still a valid 64-hex value, and recognisably retired
# (an HMAC starting with 16 zero digits has a chance of 2^-64).
RETIRED_PREFIX = "0" * 16


def retire_fraud_pseudonyms(expired: models.QuerySet) -> int:
    """Replace each expired pseudonym by a random one: the removal still counts in the yearly
    figures (reason, date), but repeat victims can no longer be recognised."""
    changes: dict[int, dict[str, list[str]]] = {}
    rows = list(expired.only("pk", "pseudonym"))
    for row in rows:
        new = RETIRED_PREFIX + secrets.token_hex(24)
        changes[row.pk] = {"pseudonym": [row.pseudonym, new]}
        row.pseudonym = new
    expired.model.objects.bulk_update(rows, ["pseudonym"], batch_size=1000)
    record_bulk_change(expired.model, changes)
    return len(rows)


register_policy(
    Policy(
        key="incidents",
        model="incidents.Incident",
        date_field="closed_at",
        default_days=5 * 366,
        condition=lambda: models.Q(closed_at__isnull=False),
        reason="Beveiligingsincidenten: BIO2 5.28.01 vraagt registratie en bewaring van incidenten en "
        "het geleerde (minstens drie jaar); vijf jaar na sluiting om trends over meerdere jaarverslagen "
        "te kunnen tonen. Een incident waar een datalek naar verwijst blijft staan zolang dat datalek bestaat.",
    )
)
register_policy(
    Policy(
        key="phishing_takedowns",
        model="incidents.PhishingTakedown",
        date_field="completed_at",
        default_days=3 * 366,
        condition=lambda: models.Q(completed_at__isnull=False),
        reason="Phishing-takedowns: nodig voor de jaarcijfers en het herkennen van terugkerende "
        "hostingpartijen; drie jaar na afhandeling (AVG art. 5(1)(e), geen langere wettelijke plicht).",
    )
)
register_policy(
    Policy(
        key="misuse_investigations",
        model="incidents.MisuseInvestigation",
        date_field="closed_on",
        default_days=10 * 366,
        condition=lambda: models.Q(closed_on__isnull=False),
        reason="Misbruikonderzoeken voor ketenpartners: dossiers met verantwoordingswaarde; volgens de "
        "selectielijst (Archiefwet 1995) tien jaar na sluiting bewaren, daarna vernietigen.",
    )
)
register_policy(
    Policy(
        key="fraud_removals",
        model="incidents.FraudAccountRemoval",
        date_field="removed_at",
        default_days=5 * 366,
        action=PSEUDONYMISE,
        pseudonymise=retire_fraud_pseudonyms,
        condition=lambda: ~models.Q(pseudonym__startswith=RETIRED_PREFIX),
        reason="Verwijderde accounts bij identiteitsfraude: het pseudoniem dient vijf jaar om herhaald "
        "slachtofferschap te herkennen (AVG art. 5(1)(e)); daarna wordt het vervangen door een willekeurig "
        "pseudoniem, zodat alleen de telling (reden, datum) voor de jaarcijfers overblijft.",
    )
)
register_policy(
    Policy(
        key="ddos_attacks",
        model="incidents.DDoSAttack",
        date_field="started_at",
        default_days=5 * 366,
        reason="DDoS-aanvallen: nodig voor trends en de jaarverslagen (vorig jaar ernaast) en als "
        "bewijs van de werking van de anti-DDoS-maatregelen (BIO2 8.20, 8.16); vijf jaar, als incidenten.",
    )
)
register_policy(
    Policy(
        key="exercises",
        model="incidents.Exercise",
        date_field="held_on",
        default_days=10 * 366,
        reason="Oefeningen en hun leerpunten: bewijs dat continuïteitsplannen worden getest (BIO2 "
        "5.30.01, jaarlijks); tien jaar, zodat opeenvolgende oefeningen en de opvolging van "
        "leerpunten te vergelijken blijven. Bevatten geen persoonsgegevens van burgers.",
    )
)
