# ruff: noqa: E501  (the demo tables read better one record a line)
"""Demo data for the privacy app: the 2021 register (33 registrations), 11 self-assessments,
5 DPIAs, a few breaches and the year's workshops with attendance, plus a smaller 2020.

Deterministic and idempotent: every record is found by a natural key (code, title,
reference, series and start, session and person) before anything is created."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles
from core.demo import register_demo
from organisation.demo import demo_user
from organisation.models import Department, Person, Service

from . import breaches, scoring, workshops
from .default_questionnaire import SLUG as QUESTIONNAIRE
from .models import (
    DPIA,
    Answer,
    Category,
    DataBreach,
    DPIARisk,
    DPIATransition,
    ProcessingActivity,
    Processor,
    Purpose,
    Questionnaire,
    Registration,
    SelfAssessment,
    Transfer,
    WorkshopSeries,
    WorkshopSession,
)
from .models.workshops import AMSTERDAM

CONTROLLER = "Logius, Ministerie van BZK, Postbus 96810, 2509 JE Den Haag, privacy@waarborg.example"
DPO = "Functionaris gegevensbescherming BZK, fg@waarborg.example"

SUBJECTS = {
    "burgers": "burgers",
    "ondernemers": "ondernemers en hun vertegenwoordigers",
    "gemachtigden": "gemachtigden",
    "medewerkers": "medewerkers",
    "sollicitanten": "sollicitanten",
    "bezoekers": "bezoekers",
    "ketenpartners": "medewerkers van aangesloten organisaties",
    "leveranciers": "contactpersonen van leveranciers",
}
DATA = {
    "naw": "naam- en contactgegevens",
    "bsn": "burgerservicenummer",
    "inlog": "inloggegevens en authenticatiemiddelen",
    "logging": "logging en IP-adressen",
    "bericht": "berichtinhoud en metadata",
    "kvk": "KvK-nummer en vertegenwoordigingsbevoegdheid",
    "personeel": "personeelsgegevens",
    "financieel": "financiële gegevens",
    "camera": "camerabeelden",
    "id": "gegevens van het identiteitsbewijs",
    "fraude": "fraudesignalen",
}
RECIPIENTS = {
    "afnemers": "aangesloten overheidsorganisaties",
    "soc": "SOC-leverancier",
    "politie": "politie en OM (op vordering)",
    "salaris": "salarisadministratie",
    "hosting": "hostingleverancier",
    "burger": "de betrokkene zelf",
}

# code, year, month, name, services, purpose, basis, subjects, data, recipients, flags, wp248, processor
# fmt: off
ACTIVITIES = [
    ('VW-2020-01', 2020, 2, 'Inloggen met DigiD', ['digid'], 'Burgers laten inloggen bij overheidsorganisaties', 'e', 'burgers', 'naw bsn inlog logging', 'afnemers', 'bsn large', 3, 'Hostingpartij Noord'),
    ('VW-2020-02', 2020, 3, 'Aanvragen en activeren van DigiD', ['digid'], 'Een DigiD uitgeven en per brief activeren', 'e', 'burgers', 'naw bsn inlog', 'burger', 'bsn large', 2, 'Drukkerij Brievenstroom'),
    ('VW-2020-03', 2020, 4, 'DigiD-helpdesk', ['digid'], 'Vragen van burgers over DigiD beantwoorden', 'e', 'burgers', 'naw bsn', 'burger', 'bsn', 1, 'Klantcontact BV'),
    ('VW-2020-04', 2020, 5, 'Personeelsadministratie', [], 'Medewerkers in dienst nemen, betalen en begeleiden', 'b', 'medewerkers', 'naw personeel financieel bsn', 'salaris', 'bsn health', 1, ''),
    ('VW-2020-05', 2020, 6, 'Werving en selectie', [], 'Sollicitaties beoordelen', 'b', 'sollicitanten', 'naw personeel', '', '', 0, 'Wervingsplatform Vacant'),
    ('VW-2020-06', 2020, 9, 'Bezoekersregistratie', [], 'Bijhouden wie het gebouw betreedt', 'f', 'bezoekers', 'naw camera', '', '', 1, ''),
    ('VW-2020-07', 2020, 10, 'Aansluiten van afnemers op DigiD', ['digid'], 'Contracten en aansluitingen van afnemers beheren', 'e', 'ketenpartners', 'naw', '', '', 0, ''),
    ('VW-2020-08', 2020, 11, 'Cameratoezicht kantoorlocatie', [], 'Beveiliging van gebouw en rekenruimte', 'f', 'bezoekers medewerkers', 'camera', 'politie', 'monitoring', 2, 'Beveiligingsbedrijf Waakzaam'),
    ('VW-2021-01', 2021, 1, 'DigiD Machtigen', ['digid-machtigen'], 'Burgers laten machtigen om namens hen zaken te doen', 'e', 'burgers gemachtigden', 'naw bsn inlog logging', 'afnemers', 'bsn large', 3, 'Hostingpartij Noord'),
    ('VW-2021-02', 2021, 1, 'MijnOverheid Berichtenbox', ['mijnoverheid'], 'Digitale post van overheidsorganisaties bezorgen', 'e', 'burgers', 'naw bsn bericht', 'afnemers', 'bsn large', 3, 'Hostingpartij Noord'),
    ('VW-2021-03', 2021, 1, 'MijnOverheid Lopende zaken', ['mijnoverheid'], 'De voortgang van aanvragen tonen', 'e', 'burgers', 'bsn bericht', 'afnemers', 'bsn large', 2, 'Hostingpartij Noord'),
    ('VW-2021-04', 2021, 2, 'eHerkenning: toezicht op het stelsel', ['eherkenning'], 'Toezicht houden op erkende eHerkenningsmakelaars', 'e', 'ondernemers', 'naw kvk', '', '', 1, ''),
    ('VW-2021-05', 2021, 2, 'SOC- en SIEM-logging', ['digid', 'mijnoverheid'], 'Beveiligingsincidenten tijdig ontdekken', 'f', 'burgers medewerkers', 'logging', 'soc', 'monitoring large', 3, 'SOC-partner Schildwacht'),
    ('VW-2021-06', 2021, 2, "Verwijderen van DigiD's bij identiteitsfraude", ['digid'], "Misbruikte DigiD's intrekken en slachtoffers informeren", 'e', 'burgers', 'naw bsn fraude logging', 'politie burger', 'bsn criminal', 4, ''),
    ('VW-2021-07', 2021, 3, 'DigiD-app met identiteitsbewijs', ['digid'], 'Inlogniveau Substantieel via chip van het ID-bewijs', 'e', 'burgers', 'bsn id inlog', 'afnemers', 'bsn biometric large', 4, 'Hostingpartij Noord'),
    ('VW-2021-08', 2021, 3, 'Misbruikonderzoeken voor ketenpartners', ['digid'], 'Vermoed misbruik van DigiD onderzoeken op verzoek', 'e', 'burgers', 'bsn logging fraude', 'afnemers politie', 'bsn criminal', 3, ''),
    ('VW-2021-09', 2021, 3, 'Phishingbestrijding', ['digid'], 'Nepsites offline laten halen', 'f', 'burgers', 'logging', '', '', 1, 'Takedown-dienst Netveeg'),
    ('VW-2021-10', 2021, 4, 'Digipoort berichtenverkeer', ['digipoort'], 'Berichten tussen bedrijven en overheid doorgeven', 'e', 'ondernemers', 'kvk bericht', 'afnemers', 'large', 2, 'Hostingpartij Noord'),
    ('VW-2021-11', 2021, 4, 'Digimelding terugmeldingen', ['digimelding'], 'Terugmeldingen op basisregistraties doorgeven', 'e', 'burgers ketenpartners', 'naw bsn bericht', 'afnemers', 'bsn', 2, ''),
    ('VW-2021-12', 2021, 4, 'DigiInkoop e-facturatie', ['digiinkoop'], 'Facturen aan de Rijksoverheid verwerken', 'c', 'leveranciers', 'naw financieel', 'afnemers', '', 0, ''),
    ('VW-2021-13', 2021, 5, 'PKIoverheid-certificaten', ['pkioverheid'], 'Certificaathouders registreren', 'e', 'ketenpartners', 'naw id', '', '', 1, ''),
    ('VW-2021-14', 2021, 5, 'Servicedesk voor afnemers', [], 'Vragen van aangesloten organisaties afhandelen', 'e', 'ketenpartners', 'naw', '', '', 0, 'Klantcontact BV'),
    ('VW-2021-15', 2021, 5, 'Klachtenafhandeling', [], 'Klachten van burgers behandelen', 'e', 'burgers', 'naw bsn', 'burger', 'bsn', 1, ''),
    ('VW-2021-16', 2021, 6, 'Verzoeken van betrokkenen (AVG-rechten)', [], 'Inzage-, correctie- en verwijderverzoeken afhandelen', 'c', 'burgers medewerkers', 'naw bsn id', 'burger', 'bsn', 1, ''),
    ('VW-2021-17', 2021, 6, 'Registratie van datalekken', [], 'Datalekken documenteren en melden', 'c', 'burgers medewerkers', 'naw', '', '', 0, ''),
    ('VW-2021-18', 2021, 6, 'Toegangspassen en fysieke toegang', [], 'Toegang tot gebouwen en rekenruimten regelen', 'f', 'medewerkers bezoekers', 'naw personeel logging', '', '', 1, ''),
    ('VW-2021-19', 2021, 7, 'Beheer van werkplekken en accounts', [], 'Medewerkers van ICT-middelen voorzien', 'b', 'medewerkers', 'naw inlog logging', 'hosting', '', 0, 'Werkplekdienst Rijk'),
    ('VW-2021-20', 2021, 7, 'Verzuimregistratie', [], 'Ziekteverzuim begeleiden', 'c', 'medewerkers', 'naw personeel', 'salaris', 'health', 2, 'Arbodienst Gezond Werk'),
    ('VW-2021-21', 2021, 7, 'Integriteitsmeldingen', [], 'Vermoedens van integriteitsschendingen onderzoeken', 'e', 'medewerkers', 'naw personeel', '', 'criminal', 2, ''),
    ('VW-2021-22', 2021, 8, 'Anti-DDoS-dienstverlening', ['digid', 'mijnoverheid'], 'Aanvallen op de voorzieningen afslaan', 'f', 'burgers', 'logging', 'soc', 'large', 2, 'Scrubbing-dienst Wolkenwal'),
    ('VW-2021-23', 2021, 8, 'Gebruikersonderzoek DigiD', ['digid'], 'De dienst verbeteren met onderzoek onder gebruikers', 'a', 'burgers', 'naw', '', '', 1, 'Onderzoeksbureau Luisteroor'),
    ('VW-2021-24', 2021, 8, 'Nieuwsbrief voor afnemers', [], 'Afnemers informeren over wijzigingen', 'a', 'ketenpartners', 'naw', '', '', 0, 'Mailingdienst Postvak'),
    ('VW-2021-25', 2021, 9, 'Statistiek over gebruik van voorzieningen', ['digid', 'mijnoverheid'], 'Gebruikscijfers samenstellen zonder herleidbare gegevens', 'e', 'burgers', 'logging', '', '', 1, ''),
    ('VW-2021-26', 2021, 9, 'Webanalyse websites', [], 'Bezoek aan de websites meten', 'f', 'burgers', 'logging', '', '', 0, ''),
    ('VW-2021-27', 2021, 9, 'Crisisoefeningen', [], 'Crisisorganisatie oefenen met deelnemers', 'e', 'medewerkers ketenpartners', 'naw', '', '', 0, ''),
    ('VW-2021-28', 2021, 10, 'AVG- en onboardingworkshops', [], 'Medewerkers trainen in privacy en beveiliging', 'c', 'medewerkers', 'naw personeel', '', '', 0, ''),
    ('VW-2021-29', 2021, 10, 'Standaard Platform hosting', ['standaard-platform'], 'Voorzieningen van afnemers hosten', 'e', 'burgers ketenpartners', 'logging', 'afnemers', 'large', 2, 'Hostingpartij Noord'),
    ('VW-2021-30', 2021, 11, 'Centraal Aansluitpunt', ['centraal-aansluitpunt'], 'Aansluitingen op voorzieningen beheren', 'e', 'ketenpartners', 'naw', '', '', 0, ''),
    ('VW-2021-31', 2021, 11, 'eHerkenning-machtigingen in het dienstenregister', ['eherkenning'], 'Diensten registreren waarvoor bedrijven machtigen', 'e', 'ondernemers', 'kvk', 'afnemers', '', 1, ''),
    ('VW-2021-32', 2021, 12, 'Inkoop en contractbeheer', [], 'Leveranciers selecteren en contracten beheren', 'b', 'leveranciers', 'naw financieel', '', '', 0, ''),
    ('VW-2021-33', 2021, 12, 'Archivering', [], 'Documenten bewaren volgens de Archiefwet', 'c', 'burgers medewerkers', 'naw', '', '', 0, ''),
]
# fmt: on

RETENTION = {
    "e": "Zolang nodig voor de dienst, daarna uiterlijk 18 maanden (logging) of volgens de selectielijst.",
    "c": "Volgens de wettelijke bewaartermijn of de selectielijst.",
    "b": "Tot twee jaar na einde van de overeenkomst.",
    "f": "Maximaal 4 weken, tenzij nodig voor een lopend onderzoek.",
    "a": "Tot intrekking van de toestemming, uiterlijk een jaar.",
}
SECURITY = (
    "Informatiebeveiliging volgens de BIO; versleuteling in transport en opslag; toegang op basis van rollen; logging."
)


def _category(kind: str, name: str) -> Category:
    return Category.objects.get_or_create(kind=kind, name=name)[0]


@register_demo(order=10)
def load_staff_and_categories() -> None:
    """Extra staff so that workshop attendance and completion per department are believable."""
    User = get_user_model()
    departments = list(Department.objects.order_by("code"))
    group = Group.objects.get(name=roles.EMPLOYEE)
    manager = Person.objects.get(user__username="teamleider")
    for number in range(1, 31):
        username = f"staf{number:02d}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": "Staf", "last_name": f"{number:02d}", "email": f"{username}@waarborg.example"},
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        # Start dates from 2014 to late 2021; the last six joined in 2021 and owe onboarding.
        start = date(2014 + number // 4, 1 + (number * 5) % 12, 1) if number <= 24 else date(2021, number - 22, 1)
        Person.objects.update_or_create(
            user=user,
            defaults={"department": departments[number % len(departments)], "start_date": start, "manager": manager},
        )
    for key, names in (
        (Category.Kind.DATA_SUBJECTS, SUBJECTS),
        (Category.Kind.PERSONAL_DATA, DATA),
        (Category.Kind.RECIPIENTS, RECIPIENTS),
    ):
        for name in names.values():
            _category(key, name)


def _next_review(code: str, month: int, registered: date) -> date:
    """Each registration is reviewed yearly in its month: the next review is the first of
    that month on or after today; one in eight (fixed by its code) is overdue, its review
    of the past twelve months not done (unless that would be before it was registered)."""
    from django.utils import timezone

    today = timezone.localdate()
    upcoming = date(today.year, month, 1)
    if upcoming < today:
        upcoming = date(today.year + 1, month, 1)
    overdue = date(upcoming.year - 1, month, 1)
    return overdue if sum(code.encode()) % 8 == 0 and overdue > registered else upcoming


def _flags(flags: str, wp248: int) -> dict[str, object]:
    words = flags.split()
    return {
        "bsn": "bsn" in words,
        "criminal_data": "criminal" in words,
        "special_health": "health" in words,
        "special_biometric": "biometric" in words,
        "screening_large_scale": "large" in words,
        "screening_systematic_monitoring": "monitoring" in words,
        "screening_wp248_criteria": wp248,
        "screening_high_risk": wp248 >= 4,
    }


@register_demo(order=11)
def load_register() -> None:
    owner = demo_user("privacy")
    for (
        code,
        year,
        month,
        name,
        services,
        purpose,
        basis,
        subjects,
        data,
        recipients,
        flags,
        wp248,
        processor,
    ) in ACTIVITIES:
        registered = date(year, month, 10 + len(name) % 15)
        activity, _created = ProcessingActivity.objects.update_or_create(
            code=code.lower(),
            defaults={
                "name": name,
                "description": f"{purpose}.",
                "controller_contact": CONTROLLER,
                "dpo_contact": DPO,
                "retention_period": RETENTION[basis],
                "security_measures": SECURITY,
                "owner": owner,
                "registered_on": registered,
                "next_review_on": _next_review(code, month, registered),
                **_flags(flags, wp248),
            },
        )
        Purpose.objects.update_or_create(activity=activity, description=purpose, defaults={"legal_basis": basis})
        activity.data_subject_categories.set([_category("subjects", SUBJECTS[k]) for k in subjects.split()])
        activity.personal_data_categories.set([_category("data", DATA[k]) for k in data.split()])
        activity.recipient_categories.set([_category("recipients", RECIPIENTS[k]) for k in recipients.split()])
        activity.services.set(Service.objects.filter(slug__in=services))
        if processor:
            Processor.objects.update_or_create(
                activity=activity,
                name=processor,
                defaults={"agreement_signed_on": date(year - 1, 11, 1), "agreement_ends_on": date(year + 3, 10, 31)},
            )
    survey = ProcessingActivity.objects.get(code="vw-2021-23")
    Transfer.objects.update_or_create(
        activity=survey,
        country="Verenigde Staten",
        recipient="Enquêteplatform (subverwerker)",
        defaults={
            "safeguard": Transfer.Safeguard.SCC,
            "safeguard_detail": "Modelcontractbepalingen 2021 met aanvullende versleuteling.",
        },
    )


# activity code, started, completed, answers {question number: value}
ASSESSMENTS = [
    ("vw-2020-01", date(2020, 2, 3), date(2020, 2, 20), {4: 1, 5: 1, 9: 1, 13: 4, 14: 3}),
    ("vw-2020-04", date(2020, 5, 4), date(2020, 5, 28), {4: 1, 7: 1, 13: 1, 14: 3}),
    ("vw-2020-08", date(2020, 10, 5), date(2020, 11, 2), {3: 1, 7: 1, 13: 1, 14: 1}),
    ("vw-2021-01", date(2021, 1, 11), date(2021, 2, 1), {4: 1, 5: 1, 6: 1, 13: 4, 14: 3}),
    ("vw-2021-02", date(2021, 1, 18), date(2021, 2, 15), {4: 1, 5: 1, 13: 4, 14: 3}),
    ("vw-2021-05", date(2021, 2, 8), date(2021, 3, 1), {3: 1, 5: 1, 6: 1, 13: 4, 14: 2}),
    ("vw-2021-06", date(2021, 2, 15), date(2021, 3, 15), {1: 1, 4: 1, 9: 1, 11: 1, 13: 2, 14: 4}),
    ("vw-2021-07", date(2021, 3, 1), date(2021, 4, 6), {4: 1, 5: 1, 8: 1, 10: 1, 13: 4, 14: 4}),
    ("vw-2021-09", date(2021, 3, 15), date(2021, 4, 12), {13: 2, 14: 1}),
    ("vw-2021-15", date(2021, 5, 10), date(2021, 6, 1), {4: 1, 13: 1, 14: 1}),
    ("vw-2021-20", date(2021, 7, 5), date(2021, 8, 2), {4: 1, 7: 1, 13: 1, 14: 3}),
    ("vw-2021-22", date(2021, 8, 2), date(2021, 9, 6), {5: 1, 13: 4, 14: 1}),
    ("vw-2021-23", date(2021, 8, 16), date(2021, 9, 20), {13: 1, 14: 1}),
    ("vw-2021-29", date(2021, 10, 4), date(2021, 11, 1), {5: 1, 6: 1, 13: 4, 14: 2}),
    # still open at the end of the year: not counted
    ("vw-2021-33", date(2021, 12, 6), None, {13: 2}),
]


def _answer_and_complete(assessment: Any, questions: list[Any], values: dict[int, int], completed: Any) -> None:
    """Answer every question (numbers from `values`, 0 otherwise; text questions point to the
    registration) and, when `completed` is a date, score and complete the self-assessment."""
    for question in questions:
        if question.answer_type == "text":
            Answer.objects.create(assessment=assessment, question=question, text="Zie de registratie.")
        else:
            Answer.objects.create(assessment=assessment, question=question, value=values.get(question.number, 0))
    if completed:
        outcome = scoring.score(assessment)
        assessment.score, assessment.dpia_required, assessment.reasons = (
            outcome.score,
            outcome.dpia_required,
            outcome.reasons,
        )
        assessment.completed_on = completed
        assessment.save()


@register_demo(order=12)
def load_self_assessments() -> None:
    questionnaire = Questionnaire.objects.get(slug=QUESTIONNAIRE)
    assessor = demo_user("privacy")
    questions = list(questionnaire.questions.all())
    for code, started, completed, values in ASSESSMENTS:
        activity = ProcessingActivity.objects.get(code=code)
        assessment, created = SelfAssessment.objects.get_or_create(
            questionnaire=questionnaire, activity=activity, started_on=started, defaults={"assessor": assessor}
        )
        if not created:
            continue
        _answer_and_complete(assessment, questions, values, completed)


# activity code, title, dates (review, advice, decided) or None, decision, risks
DPIAS = [
    (
        "vw-2020-01",
        "DPIA Inloggen met DigiD",
        (date(2020, 3, 2), date(2020, 4, 6), date(2020, 4, 20)),
        "proceed_with_measures",
    ),
    (
        "vw-2021-01",
        "DPIA DigiD Machtigen",
        (date(2021, 2, 15), date(2021, 3, 8), date(2021, 3, 22)),
        "proceed_with_measures",
    ),
    (
        "vw-2021-02",
        "DPIA MijnOverheid Berichtenbox",
        (date(2021, 3, 1), date(2021, 3, 29), date(2021, 4, 12)),
        "proceed",
    ),
    (
        "vw-2021-05",
        "DPIA SOC- en SIEM-logging",
        (date(2021, 3, 22), date(2021, 4, 26), date(2021, 5, 10)),
        "proceed_with_measures",
    ),
    (
        "vw-2021-06",
        "DPIA Verwijderen van DigiD's bij identiteitsfraude",
        (date(2021, 4, 12), date(2021, 5, 17), date(2021, 6, 7)),
        "proceed_with_measures",
    ),
    (
        "vw-2021-07",
        "DPIA DigiD-app met identiteitsbewijs",
        (date(2021, 5, 3), date(2021, 6, 14), date(2021, 7, 5)),
        "proceed_with_measures",
    ),
    # in review at the end of the year: not counted
    ("vw-2021-29", "DPIA Standaard Platform hosting", (date(2021, 11, 15), None, None), ""),
]
RISKS = [
    ("Onbevoegde toegang tot accounts door phishing", 3, 4, "Sms-controle, app-koppeling, phishingbestrijding", 2, 3),
    ("Te lang bewaren van logging", 2, 2, "Geautomatiseerd verwijderen na de bewaartermijn", 1, 2),
    (
        "Koppeling van gegevens buiten het doel",
        2,
        3,
        "Doelbinding in de aansluitvoorwaarden, audits bij afnemers",
        1,
        3,
    ),
]


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=AMSTERDAM)


@register_demo(order=13)
def load_dpias() -> None:
    officer, owner = demo_user("privacy"), demo_user("teamleider")
    for code, title, (review, advice, decided), decision in DPIAS:
        activity = ProcessingActivity.objects.get(code=code)
        dpia, created = DPIA.objects.get_or_create(
            title=title, defaults={"activity": activity, "owner": owner, "created_at": _at(review - timedelta(days=30))}
        )
        if not created:
            continue
        for name, label, _part, _text in dpia.sections():
            setattr(dpia, name, f"{label} voor {activity.name}: uitgewerkt in overleg met de proceseigenaar.")
        for description, lk, im, measures, rlk, rim in RISKS:
            DPIARisk.objects.create(
                dpia=dpia,
                description=description,
                likelihood=lk,
                impact=im,
                measures=measures,
                residual_likelihood=rlk,
                residual_impact=rim,
            )
        steps = [(DPIA.Status.DRAFT, DPIA.Status.IN_REVIEW, review, owner)]
        if advice:
            dpia.dpo_advice = (
                "De FG adviseert door te gaan mits de genoemde maatregelen binnen een half jaar zijn ingevoerd."
            )
            dpia.dpo_advice_on, dpia.dpo_advice_by = advice, officer
            steps.append((DPIA.Status.IN_REVIEW, DPIA.Status.DPO_ADVICE, advice, officer))
        if decided:
            dpia.decision, dpia.decided_on, dpia.decided_by = decision, decided, owner
            dpia.review_on = decided.replace(year=decided.year + 2)
            steps.append((DPIA.Status.DPO_ADVICE, DPIA.Status.DECIDED, decided, owner))
        dpia.status = steps[-1][1]
        dpia.save()
        for before, after, day, by in steps:
            DPIATransition.objects.create(dpia=dpia, from_status=before, to_status=after, by=by, at=_at(day))


# reference, title, aware, persons, records, outcome ("report", hours after aware, late reason) or ("none", reasons)
BREACHES = [
    (
        "DL-2020-01",
        "Brief met activeringscode naar oud adres",
        _at(date(2020, 3, 9), 9),
        1,
        1,
        ("none", "Eén betrokkene, code direct ingetrokken; geen risico voor de betrokkene."),
    ),
    ("DL-2020-02", "E-mail met deelnemerslijst in cc", _at(date(2020, 9, 14), 15), 42, 42, ("report", 30, "")),
    (
        "DL-2021-01",
        "Logbestand met IP-adressen gedeeld met verkeerde leverancier",
        _at(date(2021, 2, 3), 11),
        12000,
        250000,
        ("report", 50, ""),
    ),
    (
        "DL-2021-02",
        "Onderzoeksrapport misbruik aan verkeerde afnemer gestuurd",
        _at(date(2021, 5, 20), 16),
        3,
        3,
        (
            "report",
            101,
            "De ontvangende afnemer bevestigde pas na vier dagen dat het rapport was verwijderd; de omvang stond pas toen vast.",
        ),
    ),
    (
        "DL-2021-03",
        "Kwijtgeraakte laptop (versleuteld)",
        _at(date(2021, 8, 30), 8),
        0,
        0,
        ("none", "De schijf was volledig versleuteld en het apparaat op afstand gewist; geen risico voor betrokkenen."),
    ),
    (
        "DL-2021-04",
        "Verkeerd geadresseerde brieven DigiD-aanvraag",
        _at(date(2021, 11, 8), 10),
        27,
        27,
        ("report", 20, ""),
    ),
]


@register_demo(order=14)
def load_breaches() -> None:
    officer = demo_user("privacy")
    for reference, title, aware, persons, records, outcome in BREACHES:
        breach, _created = DataBreach.objects.get_or_create(
            reference=reference.lower(),
            defaults={
                "title": title,
                "aware_at": aware,
                "started_at": aware - timedelta(hours=6),
                "nature": title + ".",
                "subject_categories": "burgers",
                "persons_affected": persons,
                "records_affected": records,
                "consequences": "Mogelijk ongewenst inzicht in persoonsgegevens.",
                "measures": "Ontvanger gevraagd de gegevens te verwijderen; werkwijze aangepast.",
                "report_type": DataBreach.ReportType.FINAL,
                "risk": DataBreach.Risk.RISK if outcome[0] == "report" else DataBreach.Risk.UNLIKELY,
                "subjects_decision": DataBreach.SubjectsDecision.NOT_NEEDED_LOW_RISK,
                "recorded_by": officer,
            },
        )
        if not breach.clock_running:
            continue
        if outcome[0] == "report":
            _kind, hours, reason = outcome
            at = aware + timedelta(hours=hours)
            breaches.report_to_ap(breach, at, f"AP-{reference}", officer, reason)
        else:
            breaches.decide_not_to_report(breach, outcome[1], officer, at=aware + timedelta(hours=20))


@register_demo(order=30)
def link_breaches_to_incidents() -> None:
    """After the incidents demo (orders 20-29): each demo breach belongs to the data-breach
    incident detected closest before it became known. Looked up by name, not imported."""
    from django.apps import apps

    incidents = apps.get_model("incidents", "Incident").objects.filter(category="data_breach")
    taken = set(DataBreach.objects.exclude(incident=None).values_list("incident_id", flat=True))
    for breach in DataBreach.objects.filter(incident=None).order_by("aware_at"):
        match = (
            incidents.exclude(pk__in=taken)
            .filter(detected_at__lte=breach.aware_at, detected_at__year=breach.aware_at.year)
            .order_by("-detected_at")
            .first()
        )
        if match:
            breach.incident = match
            breach.save(update_fields=["incident"])
            taken.add(match.pk)


AVG_DATES_2020_2021 = (
    "20200316T140000,20200615T140000,20201012T140000,20210315T140000,20210614T140000,20210927T140000,20211129T140000"
)
# From 2022 on: the second Monday of March, June, September and November.
AVG_DATES_LATER = [
    date(year, month, 8) + timedelta(days=(7 - date(year, month, 8).weekday()) % 7)
    for year in range(2022, 2031)
    for month in (3, 6, 9, 11)
]
AVG_DATES = "RDATE:" + ",".join([AVG_DATES_2020_2021, *(f"{day:%Y%m%d}T140000" for day in AVG_DATES_LATER)])


@register_demo(order=15)
def load_workshops() -> None:
    organizer = demo_user("workshops")
    onboarding, _c = WorkshopSeries.objects.update_or_create(
        slug="onboarding",
        defaults={
            "name": "Onboarding informatiebeveiliging en privacy",
            "kind": WorkshopSeries.Kind.ONBOARDING,
            "description": "Voor nieuwe medewerkers: hoe wij met gegevens en beveiliging omgaan.",
            "first_start": _at(date(2020, 1, 13)),
            "recurrence": "FREQ=MONTHLY;INTERVAL=2;BYDAY=2MO",
            "duration_minutes": 180,
            "location": "Den Haag, zaal 4.12",
            "capacity": 12,
            "organizer": organizer,
        },
    )
    avg, _c = WorkshopSeries.objects.update_or_create(
        slug="avg-workshop",
        defaults={
            "name": "AVG-workshop voor alle medewerkers",
            "kind": WorkshopSeries.Kind.AVG,
            "description": "Jaarlijkse opfrisser: datalekken herkennen en melden, rechten van betrokkenen.",
            "first_start": _at(date(2020, 3, 16), 14),
            "recurrence": AVG_DATES,
            "duration_minutes": 120,
            "location": "Apeldoorn, auditorium",
            "capacity": 30,
            "organizer": organizer,
        },
    )
    workshops.create_sessions(_at(date(2020, 1, 1), 0), _at(date(2021, 12, 31), 23))
    workshops.create_sessions_ahead()
    _attendance(onboarding, avg)


def _attendance(onboarding: WorkshopSeries, avg: WorkshopSeries) -> None:
    """Everyone employed attends one AVG session a year; newcomers the next onboarding."""
    people = list(Person.objects.select_related("user").order_by("user__username"))
    for year in (2020, 2021):
        sessions = list(avg.sessions.filter(starts_at__year=year).order_by("starts_at"))
        employed = [p for p in people if p.start_date <= date(year, 9, 1)]
        for index, person in enumerate(employed):
            # one in ten absent, one in fifteen excused: believable, and deterministic
            mark = "absent" if index % 10 == 7 else "excused" if index % 15 == 4 else "attended"
            _attend(sessions[index % len(sessions)], person, mark)
        for person in people:
            if person.start_date.year != year:
                continue
            first = onboarding.sessions.filter(starts_at__date__gte=person.start_date).order_by("starts_at").first()
            if first and first.starts_at.year == year:
                _attend(first, person, "attended")


def _attend(session: WorkshopSession, person: Person, attendance: str) -> None:
    Registration.objects.get_or_create(
        session=session,
        user=person.user,
        defaults={"attendance": attendance, "registered_at": session.starts_at - timedelta(days=14)},
    )


# --- the years after 2021, up to today ----------------------------------------------------

# Staff who joined after 2021 (one every nine months from January 2022).
NEWCOMERS = [(f"staf{number:02d}", number) for number in range(31, 37)]


def _today_start() -> datetime:
    """Midnight today in Amsterdam: the demo's "now", the same all day (so a second load
    the same day finds everything in place)."""
    from django.utils import timezone

    return datetime.combine(timezone.localdate(), time(0), tzinfo=AMSTERDAM)


@register_demo(order=16)
def load_workshops_since_2022() -> None:
    """After 2021: a few newcomers a year who do their onboarding, and everyone's yearly
    AVG workshop, with one in ten absent and one in fifteen excused. The latest session
    (within the last month) still waits for its attendance; the person "medewerker" and
    this year's absentees are registered for the next AVG session."""
    User = get_user_model()
    now = _today_start()
    group = Group.objects.get(name=roles.EMPLOYEE)
    manager = Person.objects.get(user__username="teamleider")
    departments = list(Department.objects.order_by("code"))
    for index, (username, number) in enumerate(NEWCOMERS):
        start = date(2022 + index * 9 // 12, 1 + index * 9 % 12, 1)
        if start > now.date():
            continue
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": "Staf", "last_name": f"{number:02d}", "email": f"{username}@waarborg.example"},
        )
        if created:
            user.set_unusable_password()
            user.save()
        user.groups.add(group)
        Person.objects.update_or_create(
            user=user,
            defaults={"department": departments[number % len(departments)], "start_date": start, "manager": manager},
        )
    workshops.create_sessions(datetime(2022, 1, 1, tzinfo=AMSTERDAM), now)
    onboarding = WorkshopSeries.objects.get(slug="onboarding")
    avg = WorkshopSeries.objects.get(slug="avg-workshop")
    people = list(Person.objects.select_related("user").order_by("user__username"))
    pending = now - timedelta(days=30)  # sessions since then still wait for their attendance
    absent_now: list[Person] = []
    for year in range(2022, now.year + 1):
        sessions = list(avg.sessions.filter(starts_at__year=year, starts_at__lt=now).order_by("starts_at"))
        if not sessions:
            continue
        employed = [p for p in people if p.start_date <= date(year, 3, 1)]
        for index, person in enumerate(employed):
            if year == now.year and person.user.username == "medewerker":
                continue  # she has not been yet this year: registered for the next one
            session = sessions[(index + year) % len(sessions)]
            mark = "absent" if (index + year) % 10 == 7 else "excused" if (index + year) % 15 == 4 else "attended"
            if year == now.year and mark != "attended":
                absent_now.append(person)
            _attend(session, person, "" if session.starts_at >= pending else mark)
        for person in people:
            if person.start_date.year != year:
                continue
            first = onboarding.sessions.filter(starts_at__date__gte=person.start_date).order_by("starts_at").first()
            if first and first.starts_at < now:
                _attend(first, person, "" if first.starts_at >= pending else "attended")
    upcoming = avg.sessions.filter(starts_at__gte=now, cancelled=False).order_by("starts_at").first()
    if upcoming is not None:
        medewerker = [p for p in people if p.user.username == "medewerker"]
        for person in medewerker + absent_now:
            Registration.objects.get_or_create(
                session=upcoming, user=person.user, defaults={"registered_at": now - timedelta(days=3)}
            )


# reference (year relative to today: 0 this year), title, persons, outcome as in BREACHES
LATER_BREACHES = [
    (2022, "Bijlage met namen in openbare nieuwsbrief", 18, ("report", 40, "")),
    (
        2023,
        "Inlogpoging met gelekte wachtwoorden bij een afnemer",
        0,
        ("none", "Geen gegevens ingezien; de pogingen zijn geblokkeerd."),
    ),
    (2024, "Verkeerd verzonden rapportage misbruikonderzoek", 2, ("report", 30, "")),
    (2025, "Onversleutelde USB-stick kwijtgeraakt", 60, ("report", 66, "")),
]


@register_demo(order=17)
def load_privacy_since_2022() -> None:
    """After 2021: a breach a year, and this week's breach whose 72-hour clock still runs; a
    DPIA waiting for the FG's advice and one waiting for a decision; the yearly
    self-assessments, the newest still in progress."""
    officer, owner = demo_user("privacy"), demo_user("teamleider")
    now = _today_start()
    plans = [
        (year, title, persons, outcome, _at(date(year, 4 + index * 2, 12), 10))
        for index, (year, title, persons, outcome) in enumerate(LATER_BREACHES)
        if year < now.year
    ]
    plans.append((now.year, "E-mail met BSN's naar verkeerde gemeente", 14, None, now - timedelta(hours=14)))
    for year, title, persons, outcome, aware in plans:
        reference = f"dl-{year}-{'09' if outcome is None else '01'}"
        breach, created = DataBreach.objects.get_or_create(
            reference=reference,
            defaults={
                "title": title,
                "aware_at": aware,
                "started_at": aware - timedelta(hours=6),
                "nature": title + ".",
                "subject_categories": "burgers",
                "persons_affected": persons,
                "records_affected": persons,
                "consequences": "Mogelijk ongewenst inzicht in persoonsgegevens.",
                "measures": "Ontvanger gevraagd de gegevens te verwijderen; werkwijze aangepast.",
                "report_type": DataBreach.ReportType.FINAL if outcome else DataBreach.ReportType.PROVISIONAL,
                "risk": DataBreach.Risk.UNLIKELY if outcome and outcome[0] == "none" else DataBreach.Risk.RISK,
                "subjects_decision": DataBreach.SubjectsDecision.NOT_NEEDED_LOW_RISK,
                "recorded_by": officer,
            },
        )
        if not created or outcome is None:
            continue
        if outcome[0] == "report":
            breaches.report_to_ap(
                breach, aware + timedelta(hours=outcome[1]), f"AP-{reference.upper()}", officer, outcome[2]
            )
        else:
            breaches.decide_not_to_report(breach, outcome[1], officer, at=aware + timedelta(hours=20))

    today = now.date()
    for code, title, review, advice in (
        ("vw-2021-22", "DPIA Anti-DDoS-dienstverlening", today - timedelta(days=47), None),
        ("vw-2021-13", "DPIA PKIoverheid-certificaten", today - timedelta(days=90), today - timedelta(days=20)),
    ):
        activity = ProcessingActivity.objects.get(code=code)
        dpia, created = DPIA.objects.get_or_create(
            title=title, defaults={"activity": activity, "owner": owner, "created_at": _at(review - timedelta(days=30))}
        )
        if not created:
            continue
        for name, label, _part, _text in dpia.sections():
            setattr(dpia, name, f"{label} voor {activity.name}: uitgewerkt in overleg met de proceseigenaar.")
        steps = [(DPIA.Status.DRAFT, DPIA.Status.IN_REVIEW, review, owner)]
        if advice:
            dpia.dpo_advice = "De FG adviseert door te gaan met de genoemde maatregelen."
            dpia.dpo_advice_on, dpia.dpo_advice_by = advice, officer
            steps.append((DPIA.Status.IN_REVIEW, DPIA.Status.DPO_ADVICE, advice, officer))
        dpia.status = steps[-1][1]
        dpia.save()
        for before, after, day, by in steps:
            DPIATransition.objects.create(dpia=dpia, from_status=before, to_status=after, by=by, at=_at(day))

    questionnaire = Questionnaire.objects.get(slug=QUESTIONNAIRE)
    questions = list(questionnaire.questions.all())
    codes = ["vw-2021-10", "vw-2021-11", "vw-2021-16", "vw-2021-19", "vw-2021-25"]
    for offset, code in enumerate(codes):
        year = 2022 + offset
        started = date(year, 5, 2) if year < today.year else today - timedelta(days=12)
        activity = ProcessingActivity.objects.get(code=code)
        assessment, created = SelfAssessment.objects.get_or_create(
            questionnaire=questionnaire, activity=activity, started_on=started, defaults={"assessor": officer}
        )
        if not created:
            continue
        completed = started + timedelta(days=24) if year < today.year else None
        _answer_and_complete(assessment, questions, {13: 1}, completed)
