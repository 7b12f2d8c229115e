"""Demo data of the organisation: departments, one user per role with their place in the
organisation, the agency's services and DigiD's availability."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from accounts import roles
from core.demo import register_demo, register_logins
from organisation.models import Availability, Department, Person, Service

DEMO_PASSWORD = "Waarborg-demo-2021"  # noqa: S105 (demo data only; printed by load_demo)


DEPARTMENTS = [
    ("ciso", "CISO-office"),
    ("privacy", "Privacy"),
    ("toegang", "Toegang"),
    ("interactie", "Interactie"),
    ("gegevensuitwisseling", "Gegevensuitwisseling"),
    ("infrastructuur", "Infrastructuur"),
    ("audit", "Interne audit"),
]

# username, first, last, department, manager, start, job title, role
DEMO_USERS = [
    ("directeur", "Marieke", "de Vries", "ciso", None, date(2015, 3, 1), "CISO", roles.SECURITY_OFFICER),
    ("security", "Sanne", "Jansen", "ciso", "directeur", date(2018, 9, 1), "Security officer", roles.SECURITY_OFFICER),
    ("privacy", "Pieter", "Bakker", "privacy", "directeur", date(2019, 1, 15), "FG", roles.PRIVACY_OFFICER),
    ("workshops", "Fatima", "Amrani", "privacy", "privacy", date(2020, 2, 1), "Trainer", roles.WORKSHOP_COORDINATOR),
    ("auditor", "Joost", "Visser", "audit", None, date(2017, 6, 1), "IT-auditor", roles.AUDITOR),
    ("medewerker", "Lotte", "Smit", "toegang", "teamleider", date(2021, 10, 4), "DevOps-engineer", roles.EMPLOYEE),
    ("teamleider", "Ahmed", "Yilmaz", "toegang", "directeur", date(2016, 4, 1), "Teamleider DigiD", roles.EMPLOYEE),
    ("beheerder", "Kees", "Mulder", "infrastructuur", "directeur", date(2014, 8, 1), "Beheerder", roles.ADMINISTRATOR),
]

# name, slug, domain, norm
SERVICES = [
    ("DigiD", "digid", Service.Domain.ACCESS, "99.50"),
    ("DigiD Machtigen", "digid-machtigen", Service.Domain.ACCESS, "99.50"),
    ("eHerkenning", "eherkenning", Service.Domain.ACCESS, "99.50"),
    ("MijnOverheid (Berichtenbox)", "mijnoverheid", Service.Domain.INTERACTION, "99.50"),
    ("Digimelding", "digimelding", Service.Domain.INTERACTION, "99.00"),
    ("Digipoort", "digipoort", Service.Domain.DATA_EXCHANGE, "99.70"),
    ("DigiInkoop", "digiinkoop", Service.Domain.DATA_EXCHANGE, "99.00"),
    ("Standaard Platform", "standaard-platform", Service.Domain.INFRASTRUCTURE, "99.70"),
    ("Centraal Aansluitpunt", "centraal-aansluitpunt", Service.Domain.INFRASTRUCTURE, "99.70"),
    ("PKIoverheid", "pkioverheid", Service.Domain.STANDARDS, "99.90"),
    ("Stelsel van Basisregistraties", "stelsel-basisregistraties", Service.Domain.SYSTEMS, None),
]

# Monthly availability of DigiD; the year figures, weighted by month length, are
# 99.74 % (2020) and 99.78 % (2021) against a norm of 99.50 %. July and August 2021
# carry the DDoS record months.
DIGID_AVAILABILITY = {
    2020: ["99.70", "99.81", "99.77", "99.69", "99.74", "99.80", "99.72", "99.66", "99.75", "99.71", "99.78", "99.73"],
    2021: ["99.86", "99.92", "99.80", "99.88", "99.75", "99.90", "99.41", "99.52", "99.86", "99.83", "99.79", "99.87"],
}


def demo_user(username: str):  # type: ignore[no-untyped-def]
    return get_user_model().objects.get(username=username)


@register_demo(order=0)
def load_organisation() -> None:
    User = get_user_model()
    departments = {
        code: Department.objects.update_or_create(code=code, defaults={"name": name})[0] for code, name in DEPARTMENTS
    }
    people: dict[str, Person] = {}
    for username, first, last, dept, _manager, start, title, role in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": first, "last_name": last, "email": f"{username}@waarborg.example"},
        )
        if created:
            user.set_password(DEMO_PASSWORD)
        user.is_staff = role != roles.EMPLOYEE
        user.save()
        user.groups.add(Group.objects.get(name=role))
        people[username] = Person.objects.update_or_create(
            user=user, defaults={"department": departments[dept], "start_date": start, "job_title": title}
        )[0]
    for username, *_rest, manager, _start, _title, _role in DEMO_USERS:
        if manager and people[username].manager_id != people[manager].pk:
            people[username].manager = people[manager]
            people[username].save()


@register_demo(order=1)
def load_services() -> None:
    owner = Person.objects.get(user__username="teamleider")
    for name, slug, domain, norm in SERVICES:
        Service.objects.update_or_create(
            slug=slug,
            defaults={
                "name": name,
                "domain": domain,
                "availability_norm": Decimal(norm) if norm else None,
                "owner": owner,
            },
        )
    digid = Service.objects.get(slug="digid")
    for year, months in DIGID_AVAILABILITY.items():
        for month, achieved in enumerate(months, start=1):
            Availability.objects.update_or_create(
                service=digid, month=date(year, month, 1), defaults={"achieved": Decimal(achieved)}
            )


@register_logins
def demo_logins() -> list[tuple[str, str, str, str]]:
    """(username, password, role, start page) for each demo user, for load_demo to print."""
    return [
        (username, DEMO_PASSWORD, str(roles.ROLES[role]), roles.START_PAGES[role]) for username, *_r, role in DEMO_USERS
    ]
