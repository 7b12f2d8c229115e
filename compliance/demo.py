"""Demo data of compliance: the BIO2 measures, the organisation's own framework with its
controls, a year of checks with evidence, and the policies."""

from __future__ import annotations

from datetime import date

from core.demo import register_demo
from organisation.demo import demo_user
from organisation.models import Service

# --- the organisation's framework, a year of checks, policies ---------------------------
# BIO2 measure numbers are facts; the short titles below are written for Waarborg and are
# not BIO2's text. Importing the real BIO2 file later updates these requirements in place.
BIO2_URN = "urn:intuitem:risk:framework:bio2"
BIO2_MEASURES = {
    "5.01.01": ("Informatiebeveiligingsbeleid vastgesteld", "Security policy adopted"),
    "5.01.02": ("Beleid minstens jaarlijks herzien", "Policy reviewed at least yearly"),
    "5.02.01": ("Rollen en taken voor beveiliging belegd", "Security roles assigned"),
    "5.05.01": ("Lijst van contacten met autoriteiten bijgehouden", "Authority contacts kept current"),
    "5.09.01": ("Overzicht van bedrijfsmiddelen", "Asset inventory"),
    "5.15.01": ("Beleid voor toegang vastgesteld", "Access policy adopted"),
    "5.18.02": ("Toegangsrechten jaarlijks herbeoordeeld", "Access rights reviewed yearly"),
    "5.19.01": ("Beveiligingsafspraken met leveranciers", "Supplier security agreements"),
    "5.23.01": ("Clouddiensten vooraf beoordeeld", "Cloud services assessed beforehand"),
    "5.24.01": ("Opvolging van incidenten maandelijks gerapporteerd", "Incident follow-up reported monthly"),
    "5.28.01": ("Incidentgegevens minstens drie jaar bewaard", "Incident records kept three years"),
    "5.30.01": ("Continuïteitsplannen jaarlijks getest", "Continuity plans tested yearly"),
    "5.35.02": ("Jaarlijks auditplan", "Yearly audit plan"),
    "5.36.01": ("Jaarlijkse In Control Verklaring", "Yearly In Control Statement"),
    "6.03.02": ("Bewustzijnstraining binnen drie maanden na indiensttreding", "Awareness training within 3 months"),
    "6.08.01": ("Iedereen weet hoe een incident te melden", "Everyone knows how to report an incident"),
    "7.01.01": ("Fysieke beveiligingszones ingericht", "Physical security zones"),
    "8.02.01": ("Bijzondere bevoegdheden elk kwartaal herzien", "Privileged rights reviewed quarterly"),
    "8.07.01": ("Bescherming tegen malware", "Protection against malware"),
    "8.08.01": ("Technische kwetsbaarheden beheerst", "Technical vulnerabilities managed"),
    "8.13.01": ("Back-ups gemaakt en hersteltest uitgevoerd", "Backups made and restore tested"),
    "8.15.01": ("Gebeurtenissen gelogd", "Events logged"),
    "8.16.01": ("Monitoring op afwijkend gedrag", "Monitoring for anomalies"),
    "8.20.01": ("Netwerken beveiligd", "Networks secured"),
    "8.24.01": ("Cryptografie en sleutelbeheer", "Cryptography and key management"),
    "8.32.01": ("Wijzigingen beheerst doorgevoerd", "Changes managed"),
}
NOT_APPLICABLE = {
    "7.01.01": "Geen eigen rekencentrum: fysieke zones liggen bij de hostingpartij (risicoanalyse RA-2021-04)."
}

# code, title, frequency, owner, evidence owner, BIO2 measures, service slugs, test method
LOGIUS_CONTROLS = [
    (
        "LR-01",
        "Herziening informatiebeveiligingsbeleid",
        "yearly",
        "directeur",
        "security",
        ["5.01.01", "5.01.02"],
        [],
        "Vastgesteld beleid met datum en besluit van het MT.",
    ),
    (
        "LR-02",
        "Rollen en verantwoordelijkheden actueel",
        "yearly",
        "directeur",
        "security",
        ["5.02.01"],
        [],
        "Actueel overzicht van rollen, besproken in het MT.",
    ),
    (
        "LR-03",
        "Contactenlijst autoriteiten en crisispartners",
        "yearly",
        "security",
        None,
        ["5.05.01"],
        [],
        "Bijgewerkte contactenlijst met datum.",
    ),
    (
        "LR-04",
        "Inventaris bedrijfsmiddelen per voorziening",
        "half_yearly",
        "teamleider",
        None,
        ["5.09.01"],
        ["digid", "mijnoverheid"],
        "Export uit de CMDB met eigenaren.",
    ),
    (
        "LR-05",
        "Jaarlijkse herbeoordeling toegangsrechten",
        "yearly",
        "teamleider",
        "medewerker",
        ["5.15.01", "5.18.02"],
        ["digid", "digid-machtigen", "eherkenning"],
        "Getekende lijst van accounts en rechten per applicatie.",
    ),
    (
        "LR-06",
        "Kwartaalreview bijzondere bevoegdheden",
        "quarterly",
        "security",
        "teamleider",
        ["8.02.01"],
        ["digid", "digipoort", "standaard-platform"],
        "Lijst beheeraccounts met akkoord van de lijnmanager.",
    ),
    (
        "LR-07",
        "Maandrapportage opvolging incidenten",
        "monthly",
        "security",
        None,
        ["5.24.01"],
        ["digid", "mijnoverheid", "digipoort"],
        "Maandrapportage met status van openstaande incidenten.",
    ),
    (
        "LR-08",
        "Bewaring incidentregistratie",
        "yearly",
        "security",
        None,
        ["5.28.01"],
        [],
        "Steekproef: incidenten van drie jaar terug zijn raadpleegbaar.",
    ),
    (
        "LR-09",
        "Continuïteitstest DigiD",
        "yearly",
        "teamleider",
        None,
        ["5.30.01"],
        ["digid"],
        "Testverslag van de uitwijktest met bevindingen.",
    ),
    (
        "LR-10",
        "Continuïteitstest MijnOverheid",
        "yearly",
        "teamleider",
        None,
        ["5.30.01"],
        ["mijnoverheid"],
        "Testverslag van de uitwijktest met bevindingen.",
    ),
    (
        "LR-11",
        "Auditplan",
        "yearly",
        "directeur",
        "security",
        ["5.35.02"],
        [],
        "Vastgesteld auditplan voor het komende jaar.",
    ),
    (
        "LR-12",
        "In Control Verklaring",
        "yearly",
        "directeur",
        "security",
        ["5.36.01"],
        [],
        "Getekende ICV met onderbouwing.",
    ),
    (
        "LR-13",
        "Bewustzijnstraining nieuwe medewerkers",
        "quarterly",
        "security",
        None,
        ["6.03.02"],
        [],
        "Aanwezigheidslijsten onboarding; iedereen binnen drie maanden.",
    ),
    (
        "LR-14",
        "Kennis van het melden van incidenten",
        "half_yearly",
        "security",
        None,
        ["6.08.01"],
        [],
        "Uitslag van de korte toets onder medewerkers.",
    ),
    (
        "LR-15",
        "Leveranciersafspraken beveiliging",
        "yearly",
        "security",
        None,
        ["5.19.01"],
        ["standaard-platform", "centraal-aansluitpunt"],
        "Overzicht contracten met beveiligingsbijlage.",
    ),
    (
        "LR-16",
        "Beoordeling clouddiensten",
        "yearly",
        "security",
        None,
        ["5.23.01"],
        [],
        "Risicobeoordeling per clouddienst.",
    ),
    (
        "LR-17",
        "Malwarebescherming werkplekken en servers",
        "quarterly",
        "teamleider",
        None,
        ["8.07.01"],
        ["standaard-platform"],
        "Dekkingsrapport van de virusscanner.",
    ),
    (
        "LR-18",
        "Kwetsbaarhedenscan en patchniveau",
        "monthly",
        "teamleider",
        "medewerker",
        ["8.08.01"],
        ["digid", "digipoort", "eherkenning"],
        "Scanrapport en lijst open kwetsbaarheden met termijnen.",
    ),
    (
        "LR-19",
        "Hersteltest back-ups",
        "quarterly",
        "teamleider",
        None,
        ["8.13.01"],
        ["digid", "mijnoverheid"],
        "Verslag van een geslaagde hersteltest.",
    ),
    (
        "LR-20",
        "Logging en bewaartermijn logbestanden",
        "quarterly",
        "security",
        None,
        ["8.15.01"],
        ["digid", "digipoort"],
        "Steekproef van logbestanden per voorziening.",
    ),
    (
        "LR-21",
        "SOC-monitoring op afwijkend gedrag",
        "monthly",
        "security",
        None,
        ["8.16.01"],
        ["digid", "mijnoverheid", "eherkenning"],
        "Maandrapport van de SOC-leverancier.",
    ),
    (
        "LR-22",
        "Netwerksegmentatie en firewallregels",
        "half_yearly",
        "teamleider",
        None,
        ["8.20.01"],
        ["centraal-aansluitpunt"],
        "Review van de firewallregels met akkoord.",
    ),
    (
        "LR-23",
        "Certificaat- en sleutelbeheer",
        "quarterly",
        "teamleider",
        None,
        ["8.24.01"],
        ["pkioverheid", "digipoort"],
        "Overzicht certificaten met vervaldatum.",
    ),
    (
        "LR-24",
        "Wijzigingsbeheer",
        "quarterly",
        "teamleider",
        None,
        ["8.32.01"],
        ["digid", "mijnoverheid"],
        "Steekproef wijzigingen met goedkeuring en test.",
    ),
    (
        "LR-25",
        "Pentest DigiD",
        "yearly",
        "security",
        None,
        ["8.08.01"],
        ["digid"],
        "Pentestrapport en plan voor bevindingen.",
    ),
    (
        "LR-26",
        "Pentest MijnOverheid",
        "yearly",
        "security",
        None,
        ["8.08.01"],
        ["mijnoverheid"],
        "Pentestrapport en plan voor bevindingen.",
    ),
    (
        "LR-27",
        "DigiD-assessment aansluitingen",
        "yearly",
        "security",
        None,
        ["8.08.01", "5.19.01"],
        ["digid"],
        "Overzicht van ontvangen ICT-beveiligingsassessments.",
    ),
    (
        "LR-28",
        "Gebruikersbeheer in- en uitdienst",
        "monthly",
        "teamleider",
        None,
        ["5.18.02"],
        [],
        "Lijst vertrekkers met datum van intrekken rechten.",
    ),
    (
        "LR-29",
        "Fysieke toegang werkruimtes",
        "half_yearly",
        "security",
        None,
        ["7.01.01"],
        [],
        "Toegangspassen-overzicht met review.",
    ),
    (
        "LR-30",
        "Privacy- en beveiligingsrisico's nieuwe verwerkingen",
        "quarterly",
        "security",
        None,
        ["5.01.01"],
        ["mijnoverheid"],
        "Lijst nieuwe verwerkingen met pre-scan.",
    ),
]

REVIEWERS = ("security", "directeur")


@register_demo(order=2)
def load_bio2_measures() -> None:
    from compliance.models import Applicability, Framework, Requirement

    framework, _created = Framework.objects.get_or_create(
        urn=BIO2_URN,
        defaults={
            "ref_id": "bio2",
            "name": "BIO2 (measures used by the demo)",
            "name_nl": "BIO2 (maatregelen uit de demo)",
            "version": 0,
            "provider": "Rijksoverheid",
        },
    )
    for position, (ref_id, (dutch, english)) in enumerate(BIO2_MEASURES.items(), start=1):
        requirement, _made = Requirement.objects.get_or_create(
            framework=framework,
            urn=f"urn:intuitem:risk:req_node:bio2:{ref_id}",
            defaults={"ref_id": ref_id, "name": english, "name_nl": dutch, "position": position},
        )
        if ref_id in NOT_APPLICABLE:
            Applicability.objects.update_or_create(
                requirement=requirement, defaults={"applicable": False, "justification": NOT_APPLICABLE[ref_id]}
            )


@register_demo(order=3)
def load_logius_framework() -> None:
    from compliance.models import Control, Requirement

    requirements = {r.ref_id: r for r in Requirement.objects.filter(framework__urn=BIO2_URN)}
    services = {s.slug: s for s in Service.objects.all()}
    for code, title, frequency, owner, evidence_owner, measures, slugs, method in LOGIUS_CONTROLS:
        control, _created = Control.objects.get_or_create(
            code=code,
            defaults={
                "title": title,
                "objective": f"Aantonen dat {title.lower()} volgens de BIO2 is ingericht en werkt.",
                "frequency": frequency,
                "owner": demo_user(owner),
                "evidence_owner": demo_user(evidence_owner) if evidence_owner else None,
                "test_method": method,
                "success_criteria": "Bewijs is volledig, actueel en getoetst door een tweede persoon.",
                "start_date": date(2021, 1, 1),
            },
        )
        control.requirements.set([requirements[m] for m in measures if m in requirements])
        control.services.set([services[s] for s in slugs if s in services])


def _outcome(check) -> str:  # type: ignore[no-untyped-def]
    """A fixed, varied outcome per check: mostly on time, some late, some failed, a few open."""
    import hashlib

    digest = int(hashlib.sha256(f"{check.control.code}:{check.period_start}".encode()).hexdigest(), 16) % 100
    if digest < 72:
        return "on_time"
    if digest < 84:
        return "late"
    if digest < 93:
        return "failed"
    if digest < 97:
        return "partly"
    return "open"


@register_demo(order=4)
def load_checks_2021() -> None:
    """A year of checks (2021) with evidence; later years stay open, generated by the horizon."""
    from datetime import datetime, time, timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    from compliance.controls import accept_check, submit_check
    from compliance.evidence import add_evidence
    from compliance.models import CheckResult, CheckStatus, ControlCheck

    def moment(day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(day, time(hour)))

    reviewers = [demo_user(name) for name in REVIEWERS]
    checks = ControlCheck.objects.filter(due_date__year=2021, status=CheckStatus.OPEN).select_related(
        "control", "owner"
    )
    for check in checks.order_by("due_date", "control__code"):
        outcome = _outcome(check)
        if outcome == "open":
            continue
        late = outcome == "late"
        submitted = moment(check.due_date + timedelta(days=9 if late else -3), 10)
        accepted = moment(check.due_date + timedelta(days=14 if late else -1), 15)
        submitter = check.owner
        reviewer = reviewers[0] if reviewers[0].pk != submitter.pk else reviewers[1]
        text = (
            f"Verslag {check.control.code} {check.control.title}\n"
            f"Periode {check.period_start:%d-%m-%Y} tot en met {check.period_end:%d-%m-%Y}\n"
            f"Toetsmethode: {check.test_method}\nUitgevoerd door {submitter.get_full_name()}.\n"
        )
        name = f"verslag-{check.control.code.lower()}-{check.period_start:%Y-%m}.txt"
        add_evidence(check, submitter, upload=SimpleUploadedFile(name, text.encode()), now=submitted)
        result = {"failed": CheckResult.NOT_EFFECTIVE, "partly": CheckResult.PARTLY_EFFECTIVE}.get(
            outcome, CheckResult.EFFECTIVE
        )
        conclusion = {
            CheckResult.EFFECTIVE: "De maatregel werkt zoals bedoeld.",
            CheckResult.PARTLY_EFFECTIVE: "Werkt grotendeels; twee bevindingen moeten worden opgelost.",
            CheckResult.NOT_EFFECTIVE: "De maatregel werkte deze periode niet; herstel is nodig.",
        }[result]
        check = submit_check(check, submitter, result, conclusion, now=submitted)
        accept_check(check, reviewer, now=accepted)


# title, owner, cycle (months), last reviewed, BIO2 measures
POLICIES = [
    ("Informatiebeveiligingsbeleid Logius", "directeur", 12, date(2021, 3, 15), ["5.01.01", "5.01.02"]),
    ("Toegangsbeleid", "security", 12, date(2021, 5, 1), ["5.15.01"]),
    ("Incidentmanagementproces", "security", 12, date(2021, 9, 1), ["5.24.01"]),
    ("Back-up- en herstelbeleid", "teamleider", 24, date(2020, 11, 1), ["8.13.01"]),
]


@register_demo(order=5)
def load_policies() -> None:
    from compliance.models import Policy, Requirement

    for title, owner, cycle, reviewed, measures in POLICIES:
        policy, _created = Policy.objects.get_or_create(
            title=title,
            defaults={
                "owner": demo_user(owner),
                "review_cycle_months": cycle,
                "last_reviewed": reviewed,
                "link": "https://intranet.logius.example/beleid/" + title.lower().replace(" ", "-"),
            },
        )
        policy.requirements.set(Requirement.objects.filter(framework__urn=BIO2_URN, ref_id__in=measures))


# --- the years after 2021, up to today ----------------------------------------------------


def _later_digest(check) -> int:  # type: ignore[no-untyped-def]
    import hashlib

    return int(hashlib.sha256(f"later:{check.control.code}:{check.period_start}".encode()).hexdigest(), 16) % 100


def _later_outcome(check) -> str:  # type: ignore[no-untyped-def]
    """Quieter than 2021: nearly always accepted on time, a few late, a few not effective."""
    digest = _later_digest(check)
    if digest < 86:
        return "on_time"
    if digest < 94:
        return "late"
    if digest < 98:
        return "partly"
    return "failed"


RECENT_DAYS = 45


@register_demo(order=6)
def load_checks_since_2022() -> None:
    """The checks due from 2022 up to yesterday, done the way the office does them: evidence
    (by the evidence owner, else the owner), submitted by the owner, accepted by a security
    officer who did neither. Hundreds of checks: written in bulk, with one history record
    per changed row (record_bulk_change) and one summary event, as the incidents demo does.
    Deterministic (a hash per check) and idempotent: only open checks without evidence are
    taken, and the few left open stay open. Failed checks raise their
    follow-up action; those long past are closed, as the office would."""
    import hashlib
    from datetime import datetime, time, timedelta

    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from compliance.controls import raise_follow_up
    from compliance.models import FAILED_RESULTS, CheckResult, CheckStatus, ControlCheck, Evidence, FollowUpAction
    from compliance.models.controls import evidence_upload_to
    from core.history import record_bulk_change
    from core.models import log_event

    today = timezone.localdate()

    def moment(day: date, hour: int) -> datetime:
        return timezone.make_aware(datetime.combine(min(day, today - timedelta(days=1)), time(hour)))

    reviewers = [demo_user(name) for name in REVIEWERS]
    checks = list(
        ControlCheck.objects.filter(
            due_date__gte=date(2022, 1, 1), due_date__lt=today, status=CheckStatus.OPEN, evidence__isnull=True
        )
        .select_related("control", "owner", "evidence_owner")
        .order_by("due_date", "control__code")
    )
    # Of the checks due in the last six weeks, two are still open (overdue) and three wait
    # for review; which ones is fixed by their hash (and stays so on a second load).
    recent = sorted((c for c in checks if (today - c.due_date).days <= RECENT_DAYS), key=_later_digest)
    still_open = {c.pk for c in recent[:2]}
    waiting = {c.pk for c in recent[2:5]}
    evidence: list[Evidence] = []
    changes: dict[int, dict[str, list]] = {}
    done: list[ControlCheck] = []
    for check in checks:
        if check.pk in still_open:
            continue
        outcome = "submitted" if check.pk in waiting else _later_outcome(check)
        late = outcome == "late"
        submitted = moment(check.due_date + timedelta(days=8 if late else -4), 10)
        accepted = moment(check.due_date + timedelta(days=13 if late else -1), 15)
        submitter = check.owner
        uploader = check.evidence_owner if check.evidence_owner and check.evidence_owner not in reviewers else submitter
        reviewer = next(r for r in reviewers if r.pk not in (submitter.pk, uploader.pk))
        text = (
            f"Verslag {check.control.code} {check.control.title}\n"
            f"Periode {check.period_start:%d-%m-%Y} tot en met {check.period_end:%d-%m-%Y}\n"
            f"Toetsmethode: {check.test_method}\nBewijs verzameld door {uploader.get_full_name()}.\n"
        ).encode()
        name = f"verslag-{check.control.code.lower()}-{check.period_start:%Y-%m}.txt"
        evidence.append(
            Evidence(
                check_obj=check,
                kind=Evidence.Kind.FILE,
                file=default_storage.save(evidence_upload_to(None, name), ContentFile(text)),
                original_name=name,
                mime_type="text/plain",
                size=len(text),
                sha256=hashlib.sha256(text).hexdigest(),
                uploaded_by=uploader,
                uploaded_at=submitted,
            )
        )
        check.result = {"failed": CheckResult.NOT_EFFECTIVE, "partly": CheckResult.PARTLY_EFFECTIVE}.get(
            outcome, CheckResult.EFFECTIVE
        )
        check.conclusion = {
            CheckResult.EFFECTIVE: "De maatregel werkt zoals bedoeld.",
            CheckResult.PARTLY_EFFECTIVE: "Werkt grotendeels; een bevinding moet worden opgelost.",
            CheckResult.NOT_EFFECTIVE: "De maatregel werkte deze periode niet; herstel is nodig.",
        }[check.result]
        check.status = CheckStatus.SUBMITTED
        check.submitted_by, check.submitted_at = submitter, submitted
        if outcome != "submitted":
            check.status = CheckStatus.ACCEPTED
            check.reviewed_by, check.reviewed_at = reviewer, accepted
        changes[check.pk] = {
            "status": [CheckStatus.OPEN, check.status],
            "result": ["", check.result],
            "submitted_by": ["", submitter.get_username()],
            **({"reviewed_by": ["", reviewer.get_username()]} if outcome != "submitted" else {}),
        }
        done.append(check)
    if not done:
        return
    created = Evidence.objects.bulk_create(evidence)
    ControlCheck.objects.bulk_update(
        done, ["status", "result", "conclusion", "submitted_by", "submitted_at", "reviewed_by", "reviewed_at"]
    )
    record_bulk_change(
        Evidence, {e.pk: {"kind": ["", e.kind], "sha256": ["", e.sha256]} for e in created}, LogEntry.Action.CREATE
    )
    record_bulk_change(ControlCheck, changes)
    for check in done:
        if check.status == CheckStatus.ACCEPTED and check.result in FAILED_RESULTS:
            raise_follow_up(check)
    # follow-up actions of failed checks that fell due more than two months ago are done
    for action in FollowUpAction.objects.filter(
        source_type=ContentType.objects.get_for_model(ControlCheck),
        status=FollowUpAction.Status.OPEN,
        due_date__lt=today - timedelta(days=60),
    ):
        action.status = FollowUpAction.Status.DONE
        action.completed_at = moment(action.due_date - timedelta(days=5), 11)
        action.resolution = "Hersteld en bij de volgende controle getoetst."
        action.save()
    accepted_count = sum(check.status == CheckStatus.ACCEPTED for check in done)
    log_event(
        reviewers[0], "demo.checks_loaded", actor=None, accepted=accepted_count, submitted=len(done) - accepted_count
    )
