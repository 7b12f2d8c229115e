"""Demo data for 2020 and 2021 (load_demo, orders 20–25), so that the 2021 figures read as
the annual report does: 236 incidents handled, 21 calamities, more than 4,000 phishing
takedowns (4,127), 594 misuse investigations, 15,069 fraud account removals, DDoS attacks
every month with July and August the record months, the anti-DDoS exercise and ISIDOOR.

Deterministic (seeded random per year) and idempotent: every row has a natural key
(incident reference, normalised URL, partner reference, pseudonym + moment, start +
vector) and only missing rows are inserted, in batches. The bulk loads are recorded as
one summary event each (demo.*) rather than a history record per row.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from compliance.models import FollowUpAction
from core.demo import register_demo
from core.models import log_event
from organisation.demo import demo_user
from organisation.models import Service

from .choices import (
    CalamityLevel,
    Category,
    DDoSVector,
    DetectionSource,
    ExerciseKind,
    FraudReason,
    ImportKind,
    MisuseOutcome,
    Severity,
    Status,
    TakedownKind,
    TakedownOutcome,
    TimelineKind,
)
from .models import (
    Calamity,
    DDoSAttack,
    Exercise,
    FraudAccountRemoval,
    ImportBatch,
    Incident,
    Lesson,
    MisuseInvestigation,
    PhishingTakedown,
    TimelineEntry,
)
from .models.registers import takedown_completed_at
from .normalise import normalise_url
from .pseudonyms import pseudonymise_account
from .stats import year_bounds

BATCH = 2000

# year -> (incidents started, of which closed only in January of the next year, calamities)
INCIDENT_PLAN = {2020: (200, 5, 14), 2021: (240, 9, 21)}
# Incidents started in December 2019 and closed in January 2020 (they count for 2020).
PRELUDE_2019 = 3
CATEGORY_WEIGHTS = {
    Category.DDOS: 16,
    Category.PHISHING: 12,
    Category.OUTAGE: 30,
    Category.DATA_BREACH: 5,
    Category.MISUSE: 8,
    Category.IDENTITY_FRAUD: 10,
    Category.VULNERABILITY: 14,
    Category.OTHER: 5,
}
SOURCE_WEIGHTS = {
    DetectionSource.SOC_SUPPLIER: 55,
    DetectionSource.OWN_MONITORING: 30,
    DetectionSource.CHAIN_PARTNER: 10,
    DetectionSource.CITIZEN_REPORT: 5,
}
TITLES = {
    Category.DDOS: "DDoS-aanval op {service}",
    Category.PHISHING: "Phishingcampagne uit naam van {service}",
    Category.OUTAGE: "Verstoring {service}",
    Category.DATA_BREACH: "Mogelijk datalek bij {service}",
    Category.MISUSE: "Oneigenlijk gebruik van {service}",
    Category.IDENTITY_FRAUD: "Identiteitsfraude met {service}",
    Category.VULNERABILITY: "Kwetsbaarheid in component van {service}",
    Category.OTHER: "Melding over {service}",
}
SERVICE_SLUGS = [
    "digid",
    "digid",
    "digid",
    "mijnoverheid",
    "digid-machtigen",
    "eherkenning",
    "digipoort",
    "standaard-platform",
    "centraal-aansluitpunt",
    "digimelding",
]

# DDoS attacks per month; July and August 2021 were the record months.
DDOS_PER_MONTH = {
    2020: [5, 6, 7, 6, 8, 9, 10, 9, 8, 7, 6, 6],
    2021: [9, 8, 11, 10, 12, 14, 41, 46, 17, 13, 12, 10],
}
DDOS_PEAK_RANGE = {2020: (2, 30), 2021: (3, 45)}
DDOS_RECORD_MONTHS = {2021: {7: (20, 190), 8: (25, 210)}}

# year -> (taken offline, never visible, still online)
TAKEDOWNS = {2020: (2480, 390, 25), 2021: (3598, 529, 38)}
PHISHING_WORDS = [
    "inloggen",
    "verificatie",
    "controle",
    "update",
    "beveiliging",
    "activeren",
    "toeslag",
    "belasting",
    "vaccinatie",
    "coronacheck",
    "berichtenbox",
    "herstel",
    "mijn",
    "portaal",
]
TLDS = ["com", "net", "info", "xyz", "online", "site", "top", "nl", "eu", "app"]
HOSTERS = ["Cloudflare", "NameCheap", "Hostinger", "OVH", "DigitalOcean", "Hetzner", "GoDaddy", "Amazon AWS", ""]

MISUSE = {2020: 512, 2021: 594}
CHAIN_PARTNERS = [
    ("Belastingdienst", "BD"),
    ("UWV", "UWV"),
    ("SVB", "SVB"),
    ("DUO", "DUO"),
    ("Politie", "POL"),
    ("Openbaar Ministerie", "OM"),
    ("Dienst Toeslagen", "TSL"),
    ("Gemeente Amsterdam", "AMS"),
    ("Gemeente Rotterdam", "RTM"),
    ("CAK", "CAK"),
    ("RDW", "RDW"),
    ("FIOD", "FIOD"),
]
MISUSE_SUBJECTS = [
    "Verdachte inlogpogingen",
    "Machtiging op verdacht adres",
    "Gedeelde DigiD-gegevens",
    "Aanvraag op naam van overledene",
    "Ongebruikelijk inlogpatroon",
    "Verzoek om inloggegevens",
]

FRAUD_REMOVALS = {2020: 11842, 2021: 15069}
FRAUD_REASON_WEIGHTS = {
    FraudReason.SHARED_CREDENTIALS: 38,
    FraudReason.PHISHING: 27,
    FraudReason.ACCOUNT_TAKEOVER: 18,
    FraudReason.FRAUDULENT_APPLICATION: 9,
    FraudReason.DECEASED: 3,
    FraudReason.OTHER: 5,
}


def _rng(name: str, year: int) -> random.Random:
    return random.Random(f"waarborg-incidents-{name}-{year}")  # noqa: S311 (demo data, not security)


def _moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    """A random moment in [start, end), whole minutes."""
    minutes = int((end - start).total_seconds() // 60)
    return start + timedelta(minutes=rng.randrange(max(minutes, 1)))


def _local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour, minute))


def _choose(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _summary(name: str, **data: Any) -> None:
    log_event(demo_user("security"), name, actor=None, **data)


# --- incidents -----------------------------------------------------------------------


def _incident_rows() -> Iterator[dict[str, Any]]:
    """Every demo incident as a plan: (reference, times, category, …) in a fixed order."""
    yield from _year_incidents(2019, PRELUDE_2019, PRELUDE_2019, 0, december_only=True)
    for year, (started, spill, calamities) in INCIDENT_PLAN.items():
        yield from _year_incidents(year, started, spill, calamities)


def _year_incidents(
    year: int, count: int, spill: int, calamities: int, december_only: bool = False
) -> Iterator[dict[str, Any]]:
    rng = _rng("incident", year)
    start, end = year_bounds(year)
    if december_only:
        start = _local(year, 12, 1)
    # the last `spill` are started in late December and closed in January
    starts = sorted(_moment(rng, start, _local(year, 12, 20)) for _ in range(count - spill))
    starts += sorted(_moment(rng, _local(year, 12, 21), _local(year, 12, 31, 12)) for _ in range(spill))
    calamity_numbers = set(rng.sample(range(count - spill), calamities))
    for number, started in enumerate(starts, start=1):
        spills = number > count - spill
        category = _choose(rng, CATEGORY_WEIGHTS)
        if started.month in (7, 8) and year == 2021 and rng.random() < 0.35:
            category = Category.DDOS  # the record months
        is_calamity = (number - 1) in calamity_numbers
        expected = rng.choice([30, 60, 120, 240, 480])
        duration = timedelta(minutes=int(expected * (rng.uniform(2.5, 6) if is_calamity else rng.uniform(0.3, 1.6))))
        resolved = started + duration
        closed = resolved + timedelta(hours=rng.randint(2, 96))
        if spills:
            closed = _local(year + 1, 1, rng.randint(3, 20), rng.randint(8, 17))
        else:
            closed = min(closed, end - timedelta(hours=1))
            resolved = min(resolved, closed)
        severity = (
            rng.choice([Severity.HIGH, Severity.CRITICAL])
            if is_calamity
            else _choose(rng, {Severity.LOW: 35, Severity.MEDIUM: 45, Severity.HIGH: 18, Severity.CRITICAL: 2})
        )
        source = _choose(rng, SOURCE_WEIGHTS)
        service = rng.choice(SERVICE_SLUGS)
        yield {
            "reference": f"INC-{year}-{number:04d}",
            "supplier_reference": f"SOC-{year}-{number:04d}" if source == DetectionSource.SOC_SUPPLIER else "",
            "title": TITLES[category].format(service=service.replace("-", " ").title().replace("Digid", "DigiD")),
            "category": category,
            "severity": severity,
            "detection_source": source,
            "service": service,
            "started_at": started,
            "detected_at": started + timedelta(minutes=rng.randint(1, 45)),
            "resolved_at": max(resolved, started + timedelta(minutes=50)),
            "closed_at": max(closed, started + timedelta(hours=1)),
            "expected_duration_minutes": expected,
            "citizens_affected": rng.randint(150_000, 2_000_000)
            if is_calamity
            else rng.choice([0, 50, 400, 2500, 12000]),
            "businesses_affected": rng.randint(0, 5000) if is_calamity else rng.choice([0, 0, 10, 80]),
            "calamity": _calamity_plan(rng, started, duration) if is_calamity else None,
        }


def _calamity_plan(rng: random.Random, started: datetime, duration: timedelta) -> dict[str, Any]:
    level = _choose(
        rng,
        {
            CalamityLevel.OPERATIONAL: 11,
            CalamityLevel.TACTICAL: 6,
            CalamityLevel.STRATEGIC: 2,
            CalamityLevel.ADMINISTRATIVE: 1,
        },
    )
    reason = rng.choice(
        [
            "Verstoring raakt een grote groep burgers; doorlooptijd langer dan verwacht.",
            "Langdurige onbeschikbaarheid; ketenpartners ondervinden hinder.",
            "Grote groep burgers en bedrijven getroffen.",
        ]
    )
    return {"level": level, "reason": reason, "declared_at": started + duration * rng.uniform(0.3, 0.6)}


@register_demo(order=20)
def load_incidents() -> None:
    _store_incidents(list(_incident_rows()))


def _store_incidents(plans: list[dict[str, Any]]) -> None:
    existing = set(
        Incident.objects.filter(reference__in=[p["reference"] for p in plans]).values_list("reference", flat=True)
    )
    todo = [p for p in plans if p["reference"] not in existing]
    if not todo:
        return
    security, director = demo_user("security"), demo_user("directeur")
    services = {s.slug: s.pk for s in Service.objects.all()}
    created: list[Incident] = []
    for chunk in _chunks(todo, BATCH):
        created += Incident.objects.bulk_create(_incident(plan, security) for plan in chunk)
    by_reference = {incident.reference: incident for incident in created}
    Incident.services.through.objects.bulk_create(
        Incident.services.through(incident_id=by_reference[p["reference"]].pk, service_id=services[p["service"]])
        for p in todo
        if p["service"] in services
    )
    TimelineEntry.objects.bulk_create(
        (entry for p in todo for entry in _timeline(by_reference[p["reference"]], p, security, director)),
        batch_size=BATCH,
    )
    for plan in todo:
        if plan["calamity"]:
            _declare(by_reference[plan["reference"]], plan["calamity"], security, director)
    _summary("demo.incidents_loaded", incidents=len(created))


def _incident(plan: dict[str, Any], owner: Any) -> Incident:
    fields = {k: v for k, v in plan.items() if k not in ("service", "calamity", "status", "status_changed_at")}
    return Incident(
        **fields,
        status=plan.get("status", Status.CLOSED),
        owner=owner,
        status_changed_at=plan.get("status_changed_at", plan["closed_at"]),
        created_at=plan["detected_at"],
    )


def _timeline(incident: Incident, plan: dict[str, Any], security: Any, director: Any) -> Iterator[TimelineEntry]:
    soc = plan["detection_source"] == DetectionSource.SOC_SUPPLIER
    detected, resolved, closed = plan["detected_at"], plan["resolved_at"], plan["closed_at"]
    first = Status.TRIAGE if soc else Status.NEW
    yield TimelineEntry(incident=incident, kind=TimelineKind.CREATED, at=detected, to_value=first)
    steps = [(Status.TRIAGE, Status.FOLLOW_UP)] if soc else [(Status.NEW, Status.FOLLOW_UP)]
    steps += [(Status.FOLLOW_UP, Status.RESOLVED), (Status.RESOLVED, Status.CLOSED)]
    if "status" in plan:  # still open: the steps taken so far
        steps = steps[: _OPEN_STEPS[plan["status"]]]
        resolved = resolved or plan["status_changed_at"]
    moments = [detected + (resolved - detected) / 3, resolved, closed][: len(steps)]
    for (old, new), at in zip(steps, moments, strict=True):
        yield TimelineEntry(
            incident=incident, kind=TimelineKind.STATUS, at=at, actor=security, from_value=old, to_value=new
        )
    if plan.get("status", Status.CLOSED) in (Status.RESOLVED, Status.CLOSED):
        yield TimelineEntry(
            incident=incident,
            kind=TimelineKind.COMMENT,
            at=resolved,
            actor=security,
            text="Oorzaak vastgesteld en maatregelen genomen; evaluatie volgt.",
        )


# An open incident's status -> the number of status steps it has taken.
_OPEN_STEPS = {Status.NEW: 0, Status.TRIAGE: 0, Status.FOLLOW_UP: 1, Status.RESOLVED: 2}


def _declare(incident: Incident, plan: dict[str, Any], security: Any, director: Any) -> None:
    Calamity.objects.create(incident=incident, declared_by=director, **plan)
    TimelineEntry.objects.create(
        incident=incident,
        kind=TimelineKind.CALAMITY,
        at=plan["declared_at"],
        actor=director,
        to_value=plan["level"],
        text=plan["reason"],
    )
    log_event(incident, "calamity.declared", actor=director, level=plan["level"], reason=plan["reason"], demo=True)
    FollowUpAction.objects.create(
        title=f"Evaluatie calamiteit {incident.reference}",
        owner=security,
        due_date=(incident.closed_at + timedelta(days=30)).date(),
        status=FollowUpAction.Status.DONE,
        completed_at=incident.closed_at + timedelta(days=21),
        resolution="Evaluatie besproken in het crisisteam; leerpunten belegd.",
        source_type=ContentType.objects.get_for_model(Incident),
        source_id=incident.pk,
    )


# --- DDoS ----------------------------------------------------------------------------


@register_demo(order=21)
def load_ddos_attacks() -> None:
    services = {
        s.slug: s for s in Service.objects.filter(slug__in=["digid", "mijnoverheid", "eherkenning", "digipoort"])
    }
    incidents = {
        (i.started_at.year, i.started_at.month): i
        for i in Incident.objects.filter(category=Category.DDOS, reference__startswith="INC-").order_by("started_at")
    }
    attacks: list[DDoSAttack] = []
    for year, months in DDOS_PER_MONTH.items():
        rng = _rng("ddos", year)
        seen: set[tuple[datetime, str]] = set()
        for month, count in enumerate(months, start=1):
            low, high = DDOS_RECORD_MONTHS.get(year, {}).get(month, DDOS_PEAK_RANGE[year])
            end = _local(year + (month == 12), month % 12 + 1, 1)
            for _ in range(count):
                started = _moment(rng, _local(year, month, 1), end)
                vector = rng.choice(DDoSVector.values[:-1])
                interrupted = high > 100 and rng.random() < 0.05
                if (started, vector) in seen:
                    continue
                seen.add((started, vector))
                attacks.append(
                    DDoSAttack(
                        started_at=started,
                        vector=vector,
                        peak_gbps=Decimal(f"{rng.uniform(low, high):.2f}"),
                        mitigated=not interrupted,
                        interruption_minutes=rng.randint(10, 95) if interrupted else 0,
                        service=services.get(
                            rng.choice(["digid", "digid", "mijnoverheid", "eherkenning", "digipoort"])
                        ),
                        incident=incidents.get((year, month)) if interrupted else None,
                    )
                )
    before = DDoSAttack.objects.count()
    DDoSAttack.objects.bulk_create(attacks, batch_size=BATCH, ignore_conflicts=True)
    added = DDoSAttack.objects.count() - before
    if added:
        _summary("demo.ddos_loaded", attacks=added)


# --- phishing takedowns ----------------------------------------------------------------


def _takedowns(year: int, counts: tuple[int, int, int] | None = None) -> Iterator[PhishingTakedown]:
    rng = _rng("takedown", year)
    start, end = year_bounds(year)
    offline, never, still = counts or TAKEDOWNS[year]
    outcomes = [TakedownOutcome.TAKEN_OFFLINE] * offline + [TakedownOutcome.NEVER_VISIBLE] * never
    outcomes += [TakedownOutcome.STILL_ONLINE] * still
    for number, outcome in enumerate(outcomes, start=1):
        app = rng.random() < 0.06
        word = rng.choice(PHISHING_WORDS)
        if app:
            url = f"https://play.google.com/store/apps/details?id=nl.{word}.digid{year}{number:05d}"
        else:
            url = f"https://digid-{word}-{year % 100}{number:05d}.{rng.choice(TLDS)}/{rng.choice(PHISHING_WORDS)}"
        # still-online sites were reported in the last days of the year
        window_start = end - timedelta(days=10) if outcome == TakedownOutcome.STILL_ONLINE else start
        reported = _moment(rng, window_start, end - timedelta(days=4))
        taken_down = (
            reported + timedelta(minutes=rng.randint(20, 72 * 60)) if outcome == TakedownOutcome.TAKEN_OFFLINE else None
        )
        yield PhishingTakedown(
            url=url,
            normalised_url=normalise_url(url),
            kind=TakedownKind.APP if app else TakedownKind.WEBSITE,
            abused_brand=rng.choice(["DigiD", "DigiD", "DigiD", "MijnOverheid", "DigiD Machtigen"]),
            reported_at=reported,
            outcome=outcome,
            taken_down_at=taken_down,
            completed_at=takedown_completed_at(outcome, reported, taken_down),
            hosting_provider=rng.choice(HOSTERS),
        )


@register_demo(order=22)
def load_takedowns() -> None:
    for year in TAKEDOWNS:
        rows = list(_takedowns(year))
        known = set(
            PhishingTakedown.objects.filter(normalised_url__in=[r.normalised_url for r in rows]).values_list(
                "normalised_url", flat=True
            )
        )
        todo = [row for row in rows if row.normalised_url not in known]
        if not todo:
            continue
        batch = _batch(ImportKind.TAKEDOWNS, year, len(todo))
        for row in todo:
            row.import_batch = batch
        PhishingTakedown.objects.bulk_create(todo, batch_size=BATCH, ignore_conflicts=True)
        log_event(batch, "demo.takedowns_loaded", rows=len(todo))


def _batch(kind: str, year: int, rows: int) -> ImportBatch:
    batch, _created = ImportBatch.objects.get_or_create(
        kind=kind,
        file_name=f"demo-{year}",
        defaults={"rows": rows, "created": rows, "imported_at": _local(year, 12, 31)},
    )
    return batch


# --- misuse investigations -------------------------------------------------------------


@register_demo(order=23)
def load_misuse_investigations() -> None:
    services = {s.slug: s for s in Service.objects.filter(slug__in=["digid", "digid-machtigen", "mijnoverheid"])}
    rows: list[MisuseInvestigation] = []
    for year, count in MISUSE.items():
        rng = _rng("misuse", year)
        for number in range(1, count + 1):
            partner, code = rng.choice(CHAIN_PARTNERS)
            opened = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            closed = opened + timedelta(days=rng.randint(3, 60))
            rows.append(
                MisuseInvestigation(
                    chain_partner=partner,
                    partner_reference=f"{code}-{year}-{number:04d}",
                    subject=rng.choice(MISUSE_SUBJECTS),
                    service=services.get(rng.choice(["digid", "digid", "digid-machtigen", "mijnoverheid"])),
                    opened_on=opened,
                    closed_on=closed,
                    outcome=_choose(
                        rng,
                        {
                            MisuseOutcome.INFORMATION_PROVIDED: 55,
                            MisuseOutcome.MISUSE_CONFIRMED: 25,
                            MisuseOutcome.NO_MISUSE: 15,
                            MisuseOutcome.INCONCLUSIVE: 5,
                        },
                    ),
                )
            )
    before = MisuseInvestigation.objects.count()
    MisuseInvestigation.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
    added = MisuseInvestigation.objects.count() - before
    if added:
        _summary("demo.misuse_loaded", investigations=added)


# --- fraud account removals ------------------------------------------------------------


def _removals(year: int, count: int | None = None) -> Iterator[FraudAccountRemoval]:
    """Generated account numbers (never stored): about 2 % of the victims lose their
    account twice in the year, so repeat victims show up under one pseudonym."""
    rng = _rng("fraud", year)
    start, end = year_bounds(year)
    numbers: list[str] = []
    seen: set[tuple[str, datetime]] = set()
    while len(seen) < (count or FRAUD_REMOVALS[year]):
        if numbers and rng.random() < 0.02:
            number = rng.choice(numbers)
        else:
            number = f"{rng.randrange(10**8, 10**9)}"
            numbers.append(number)
        pseudonym = pseudonymise_account(number)
        removed = _moment(rng, start, end)
        if (pseudonym, removed) in seen:
            continue
        seen.add((pseudonym, removed))
        informed = rng.random() < 0.93
        yield FraudAccountRemoval(
            pseudonym=pseudonym,
            reason=_choose(rng, FRAUD_REASON_WEIGHTS),
            removed_at=removed,
            victim_informed=informed,
            new_digid_requested=informed and rng.random() < 0.71,
        )


@register_demo(order=24)
def load_fraud_removals() -> None:
    for year in FRAUD_REMOVALS:
        start, end = year_bounds(year)
        present = FraudAccountRemoval.objects.filter(
            removed_at__gte=start, removed_at__lt=end, import_batch__file_name=f"demo-{year}"
        )
        if present.count() >= FRAUD_REMOVALS[year]:
            continue
        rows = list(_removals(year))
        batch = _batch(ImportKind.FRAUD_REMOVALS, year, len(rows))
        for row in rows:
            row.import_batch = batch
        FraudAccountRemoval.objects.bulk_create(rows, batch_size=BATCH, ignore_conflicts=True)
        log_event(batch, "demo.fraud_removals_loaded", rows=len(rows))


# --- exercises -------------------------------------------------------------------------

EXERCISES = [
    {
        "name": "Anti-DDoS-oefening Nationale Anti-DDoS Coalitie",
        "kind": ExerciseKind.ANTI_DDOS,
        "held_on": date(2021, 10, 16),
        "scenario": "Grote oefening met verschillende soorten aanvallen (volumetrisch, applicatielaag, carpet "
        "bombing) op DigiD en MijnOverheid, samen met de partners in de nationale anti-DDoS-coalitie. "
        "Gehouden tijdens een onderhoudsmoment en vooraf gecommuniceerd: burgers en bedrijven "
        "ondervonden geen hinder.",
        "partners": "Nationale Anti-DDoS Coalitie\nNCSC\nNBIP\nSURF\nInternetproviders\nScrubbing-leverancier",
        "in_maintenance_window": True,
        "announced_in_advance": True,
        "levels_reached": [CalamityLevel.OPERATIONAL],
        "lessons": [
            (
                "Omschakeltijd naar scrubbing verkorten",
                "Het omleiden van verkeer duurde langer dan afgesproken.",
                "Draaiboek omschakeling scrubbingdienst herzien en beproeven",
                "security",
                60,
            ),
            (
                "Detectie van applicatielaagaanvallen verbeteren",
                "HTTP-floods werden later herkend dan volumetrische aanvallen.",
                "Detectieregels HTTP(S)-floods toevoegen aan de SIEM",
                "security",
                90,
            ),
            (
                "Contactlijsten coalitiepartners actueel houden",
                "Twee contactpersonen bleken niet meer bereikbaar.",
                "Contactlijst anti-DDoS-coalitie elk kwartaal controleren",
                "directeur",
                30,
            ),
        ],
    },
    {
        "name": "ISIDOOR overheidsbrede beveiligingsoefening",
        "kind": ExerciseKind.ISIDOOR,
        "held_on": date(2021, 11, 4),
        "scenario": "Casus die razendsnel geëscaleerd moest worden naar interdepartementaal "
        "crisisbestrijdingsniveau: uitval van de Generieke Digitale Infrastructuur (GDI) met "
        "verstrekkende gevolgen voor burgers en bedrijven. Opgeschaald langs het operationele, "
        "tactische, strategische en bestuurlijke niveau, in een hybride werksituatie.",
        "partners": "NCSC\nNCTV\nMinisterie van BZK\nDepartementale crisiscentra\nLogius crisisteam",
        "in_maintenance_window": False,
        "announced_in_advance": True,
        "levels_reached": list(CalamityLevel.values),
        "lessons": [
            (
                "GDI is vitale dienstverlening",
                "Uitval van de GDI kan in het uiterste geval tot maatschappelijke ontwrichting leiden.",
                "GDI-voorzieningen als vitaal aanmerken in het continuïteitsplan",
                "directeur",
                120,
            ),
            (
                "Samenwerking tussen de lagen is op orde",
                "Rolvastheid, kennis en informatie-uitwisseling tussen operationeel, "
                "tactisch, strategisch en bestuurlijk niveau werkten goed.",
                "Werkwijze vastleggen in het crisishandboek",
                "security",
                60,
            ),
            (
                "Hybride crisisteam vraagt vaste afspraken",
                "Het crisisteam functioneerde, maar beeldvorming op afstand kostte tijd.",
                "Afspraken hybride crisisoverleg en gedeeld situatiebeeld opstellen",
                "security",
                45,
            ),
        ],
    },
    {
        "name": "Crisisoefening uitval DigiD (tabletop)",
        "kind": ExerciseKind.CRISIS,
        "held_on": date(2020, 6, 18),
        "scenario": "Tabletop-oefening: DigiD een werkdag onbeschikbaar door een storing in het datacentrum.",
        "partners": "Logius crisisteam\nHostingpartij",
        "in_maintenance_window": False,
        "announced_in_advance": True,
        "levels_reached": [CalamityLevel.OPERATIONAL, CalamityLevel.TACTICAL],
        "lessons": [
            (
                "Publiekscommunicatie eerder starten",
                "De eerste statusmelding verscheen pas na twee uur.",
                "Sjablonen statusmeldingen DigiD klaarzetten",
                "security",
                30,
            ),
        ],
    },
]


@register_demo(order=25)
def load_exercises() -> None:
    lesson_type = ContentType.objects.get_for_model(Lesson)
    for spec in EXERCISES:
        fields = {k: v for k, v in spec.items() if k not in ("name", "held_on", "lessons")}
        exercise, _created = Exercise.objects.update_or_create(
            name=spec["name"], held_on=spec["held_on"], defaults=fields
        )
        for title, description, action, owner, days in spec["lessons"]:
            lesson, _created = Lesson.objects.update_or_create(
                exercise=exercise, title=title, defaults={"description": description}
            )
            FollowUpAction.objects.get_or_create(
                source_type=lesson_type,
                source_id=lesson.pk,
                title=action,
                defaults={
                    "owner": get_user_model().objects.get(username=owner),
                    "due_date": exercise.held_on + timedelta(days=days),
                    "status": FollowUpAction.Status.DONE,
                    "completed_at": _local(exercise.held_on.year, exercise.held_on.month, 1)
                    + timedelta(days=days + 30),
                    "resolution": "Uitgevoerd.",
                },
            )


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- the years after 2021, up to today ----------------------------------------------------
# Quieter than 2021. Rows are planned for whole years (seeded per year) and only what
# happened before midnight today is stored, so a load on a later day adds that day's rows
# and a second load on the same day adds nothing.

LATER_INCIDENTS = (110, 3, 3)  # per year: started, of which closed in January, calamities
LATER_DDOS_PER_MONTH = [6, 5, 7, 6, 8, 7, 9, 8, 7, 6, 6, 5]
LATER_TAKEDOWNS = (1300, 180, 20)
LATER_MISUSE = 420
LATER_FRAUD_REMOVALS = 4000
OPEN_FOR_DAYS = 7  # incidents detected in the last week are still being handled


def _later_years() -> range:
    return range(2022, timezone.localdate().year + 1)


def _cutoff() -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate(), datetime.min.time()))


def _later_incident_rows(now: datetime) -> Iterator[dict[str, Any]]:
    started, spill, calamities = LATER_INCIDENTS
    for year in _later_years():
        for plan in _year_incidents(year, started, spill, calamities):
            if plan["detected_at"] >= now:
                continue
            if plan["calamity"] and plan["calamity"]["declared_at"] >= now:
                plan["calamity"] = None
            recent = plan["detected_at"] >= now - timedelta(days=OPEN_FOR_DAYS)
            if recent or plan["closed_at"] >= now:
                soc = plan["detection_source"] == DetectionSource.SOC_SUPPLIER
                first = Status.TRIAGE if soc else Status.NEW
                # by its reference, each open incident is at a fixed step
                status = [first, Status.FOLLOW_UP, Status.FOLLOW_UP, Status.RESOLVED][int(plan["reference"][-1]) % 4]
                resolved = plan["resolved_at"] if status == Status.RESOLVED and plan["resolved_at"] < now else None
                if status == Status.RESOLVED and resolved is None:
                    status = Status.FOLLOW_UP
                plan.update(
                    status=status,
                    resolved_at=resolved,
                    closed_at=None,
                    status_changed_at=resolved or plan["detected_at"] + (now - plan["detected_at"]) / 3,
                    calamity=None,
                )
            yield plan


@register_demo(order=20)
def load_incidents_since_2022() -> None:
    """The incidents from 2022 up to today; those of the last week still open."""
    _store_incidents(list(_later_incident_rows(_cutoff())))


@register_demo(order=26)
def load_registers_since_2022() -> None:
    """DDoS attacks, phishing takedowns, misuse investigations and fraud account removals
    from 2022 up to today, each year imported as one batch per register (this year's
    yesterday, so that the security officer sees the latest imports)."""
    now = _cutoff()
    services = {
        s.slug: s
        for s in Service.objects.filter(
            slug__in=["digid", "digid-machtigen", "mijnoverheid", "eherkenning", "digipoort"]
        )
    }
    added = {"ddos": 0, "misuse": 0}
    for year in _later_years():
        imported_at = min(_local(year, 12, 31), now - timedelta(hours=14))
        # DDoS
        rng = _rng("ddos", year)
        attacks = []
        for month, count in enumerate(LATER_DDOS_PER_MONTH, start=1):
            end = _local(year + (month == 12), month % 12 + 1, 1)
            for _ in range(count):
                started = _moment(rng, _local(year, month, 1), end)
                vector = rng.choice(DDoSVector.values[:-1])
                peak = Decimal(f"{rng.uniform(2, 25):.2f}")
                service = services.get(rng.choice(["digid", "digid", "mijnoverheid", "eherkenning", "digipoort"]))
                if started < now:
                    attacks.append(
                        DDoSAttack(started_at=started, vector=vector, peak_gbps=peak, mitigated=True, service=service)
                    )
        before = DDoSAttack.objects.count()
        DDoSAttack.objects.bulk_create(attacks, batch_size=BATCH, ignore_conflicts=True)
        added["ddos"] += DDoSAttack.objects.count() - before
        # phishing takedowns
        rows = [
            row
            for row in _takedowns(year, LATER_TAKEDOWNS)
            if max(row.reported_at, row.taken_down_at or row.reported_at) < now
        ]
        known = set(
            PhishingTakedown.objects.filter(normalised_url__in=[r.normalised_url for r in rows]).values_list(
                "normalised_url", flat=True
            )
        )
        todo = [row for row in rows if row.normalised_url not in known]
        if todo:
            batch = _later_batch(ImportKind.TAKEDOWNS, year, len(todo), imported_at)
            for row in todo:
                row.import_batch = batch
            PhishingTakedown.objects.bulk_create(todo, batch_size=BATCH, ignore_conflicts=True)
            log_event(batch, "demo.takedowns_loaded", rows=len(todo))
        # misuse investigations
        rng = _rng("misuse", year)
        investigations = []
        for number in range(1, LATER_MISUSE + 1):
            partner, code = rng.choice(CHAIN_PARTNERS)
            opened = date(year, 1, 1) + timedelta(days=rng.randrange(365))
            closed = opened + timedelta(days=rng.randint(3, 60))
            subject = rng.choice(MISUSE_SUBJECTS)
            service = services.get(rng.choice(["digid", "digid", "digid-machtigen", "mijnoverheid"]))
            outcome = _choose(
                rng,
                {
                    MisuseOutcome.INFORMATION_PROVIDED: 55,
                    MisuseOutcome.MISUSE_CONFIRMED: 25,
                    MisuseOutcome.NO_MISUSE: 15,
                    MisuseOutcome.INCONCLUSIVE: 5,
                },
            )
            if opened >= now.date():
                continue
            done = closed < now.date()
            investigations.append(
                MisuseInvestigation(
                    chain_partner=partner,
                    partner_reference=f"{code}-{year}-{number:04d}",
                    subject=subject,
                    service=service,
                    opened_on=opened,
                    closed_on=closed if done else None,
                    outcome=outcome if done else "",
                )
            )
        before = MisuseInvestigation.objects.count()
        MisuseInvestigation.objects.bulk_create(investigations, batch_size=BATCH, ignore_conflicts=True)
        added["misuse"] += MisuseInvestigation.objects.count() - before
        # fraud account removals
        removals = [row for row in _removals(year, LATER_FRAUD_REMOVALS) if row.removed_at < now]
        present = FraudAccountRemoval.objects.filter(
            import_batch__file_name=f"demo-{year}", import_batch__kind=ImportKind.FRAUD_REMOVALS
        )
        if present.count() < len(removals):
            batch = _later_batch(ImportKind.FRAUD_REMOVALS, year, len(removals), imported_at)
            for row in removals:
                row.import_batch = batch
            FraudAccountRemoval.objects.bulk_create(removals, batch_size=BATCH, ignore_conflicts=True)
            log_event(batch, "demo.fraud_removals_loaded", rows=len(removals))
    if added["ddos"]:
        _summary("demo.ddos_loaded", attacks=added["ddos"])
    if added["misuse"]:
        _summary("demo.misuse_loaded", investigations=added["misuse"])


def _later_batch(kind: str, year: int, rows: int, imported_at: datetime) -> ImportBatch:
    batch, _created = ImportBatch.objects.get_or_create(
        kind=kind, file_name=f"demo-{year}", defaults={"rows": rows, "created": rows, "imported_at": imported_at}
    )
    return batch
