"""The enumerations of the incidents app, shared by models, workflow, imports and the API."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.TextChoices):
    DDOS = "ddos", _("DDoS-aanval")
    PHISHING = "phishing", _("Phishing")
    OUTAGE = "outage", _("Storing")
    DATA_BREACH = "data_breach", _("Datalek")
    MISUSE = "misuse", _("Misbruik")
    IDENTITY_FRAUD = "identity_fraud", _("Identiteitsfraude")
    VULNERABILITY = "vulnerability", _("Kwetsbaarheid")
    OTHER = "other", _("Overig")


class Severity(models.TextChoices):
    LOW = "low", _("Laag")
    MEDIUM = "medium", _("Middel")
    HIGH = "high", _("Hoog")
    CRITICAL = "critical", _("Kritiek")


class DetectionSource(models.TextChoices):
    SOC_SUPPLIER = "soc_supplier", _("SOC-leverancier")
    OWN_MONITORING = "own_monitoring", _("Eigen monitoring")
    CHAIN_PARTNER = "chain_partner", _("Ketenpartner")
    CITIZEN_REPORT = "citizen_report", _("Melding van een burger")


class Status(models.TextChoices):
    NEW = "new", _("Nieuw")
    TRIAGE = "triage", _("Triage (eerste analyse SOC)")
    FOLLOW_UP = "follow_up", _("Opvolging (eigen specialisten)")
    RESOLVED = "resolved", _("Opgelost")
    CLOSED = "closed", _("Gesloten")


class CalamityLevel(models.TextChoices):
    """Crisis levels, lowest first: the order is the escalation order."""

    OPERATIONAL = "operational", _("Operationeel")
    TACTICAL = "tactical", _("Tactisch")
    STRATEGIC = "strategic", _("Strategisch")
    ADMINISTRATIVE = "administrative", _("Bestuurlijk")


class TimelineKind(models.TextChoices):
    CREATED = "created", _("Aangemaakt")
    STATUS = "status", _("Status gewijzigd")
    SEVERITY = "severity", _("Ernst gewijzigd")
    OWNER = "owner", _("Eigenaar gewijzigd")
    CALAMITY = "calamity", _("Calamiteit")
    COMMENT = "comment", _("Opmerking")


class DDoSVector(models.TextChoices):
    UDP_FLOOD = "udp_flood", _("UDP-flood")
    SYN_FLOOD = "syn_flood", _("SYN-flood")
    DNS_AMPLIFICATION = "dns_amplification", _("DNS-amplificatie")
    NTP_AMPLIFICATION = "ntp_amplification", _("NTP-amplificatie")
    HTTP_FLOOD = "http_flood", _("HTTP(S)-flood")
    CARPET_BOMBING = "carpet_bombing", _("Carpet bombing")
    MULTI_VECTOR = "multi_vector", _("Multi-vector")
    OTHER = "other", _("Overig")


class TakedownKind(models.TextChoices):
    WEBSITE = "website", _("Website")
    APP = "app", _("App")


class TakedownOutcome(models.TextChoices):
    TAKEN_OFFLINE = "taken_offline", _("Offline gehaald")
    NEVER_VISIBLE = "never_visible", _("Nooit online zichtbaar geweest")
    STILL_ONLINE = "still_online", _("Nog online")


class MisuseOutcome(models.TextChoices):
    MISUSE_CONFIRMED = "misuse_confirmed", _("Misbruik vastgesteld")
    NO_MISUSE = "no_misuse", _("Geen misbruik")
    INFORMATION_PROVIDED = "information_provided", _("Informatie verstrekt")
    INCONCLUSIVE = "inconclusive", _("Niet vast te stellen")


class FraudReason(models.TextChoices):
    """Reason codes of a fraud account removal (also the codes of the import file)."""

    SHARED_CREDENTIALS = "shared_credentials", _("Inloggegevens weggegeven of gedeeld")
    PHISHING = "phishing", _("Inloggegevens buitgemaakt via phishing")
    ACCOUNT_TAKEOVER = "account_takeover", _("Account overgenomen")
    FRAUDULENT_APPLICATION = "fraudulent_application", _("Aangevraagd op andermans naam")
    DECEASED = "deceased", _("Misbruik na overlijden")
    OTHER = "other", _("Overig")


class ExerciseKind(models.TextChoices):
    ANTI_DDOS = "anti_ddos", _("Anti-DDoS-oefening")
    ISIDOOR = "isidoor", _("ISIDOOR")
    CRISIS = "crisis", _("Crisisoefening")
    OTHER = "other", _("Overig")


class ImportKind(models.TextChoices):
    TAKEDOWNS = "takedowns", _("Phishing-takedowns")
    FRAUD_REMOVALS = "fraud_removals", _("Verwijderde accounts (identiteitsfraude)")
