# ruff: noqa: E501  (question texts read better unbroken)
"""The default pre-scan questionnaire, shipped by a data migration (plain data: the
migration must not import models). Editable afterwards in the admin."""

SLUG = "pre-scan-dpia"
NAME = "Pre-scan DPIA"
DESCRIPTION = (
    "Korte toets of een verwerking een volledige DPIA nodig heeft. Beantwoord elke vraag "
    "voor de verwerking of voorziening zoals die nu is of gaat worden."
)
WP248_THRESHOLD = 2
SCORE_THRESHOLD = 24

# number, text, help text, answer type, weight, criterion
QUESTIONS = [
    (
        1,
        "Worden mensen beoordeeld of ingedeeld op grond van hun gegevens (profilering, scores)?",
        "Bijvoorbeeld een risicoscore bij fraudesignalen.",
        "yes_no",
        3,
        "wp248",
    ),
    (
        2,
        "Neemt een systeem besluiten over mensen zonder tussenkomst van een medewerker, met rechtsgevolg of vergelijkbare impact?",
        "",
        "yes_no",
        4,
        "wp248",
    ),
    (
        3,
        "Worden mensen stelselmatig gevolgd of gemonitord, ook in openbare of online ruimten?",
        "Denk aan logging van gedrag, cameratoezicht of het volgen van gebruik.",
        "yes_no",
        3,
        "wp248",
    ),
    (
        4,
        "Gaat het om gevoelige gegevens: bijzondere of strafrechtelijke persoonsgegevens, het BSN of financiële gegevens?",
        "",
        "yes_no",
        3,
        "wp248",
    ),
    (
        5,
        "Is de verwerking grootschalig (veel betrokkenen, veel gegevens, lange duur of groot gebied)?",
        "Voor landelijke voorzieningen zoals DigiD is het antwoord vrijwel altijd ja.",
        "yes_no",
        2,
        "wp248",
    ),
    (6, "Worden gegevensbestanden uit verschillende bronnen gekoppeld of gecombineerd?", "", "yes_no", 2, "wp248"),
    (
        7,
        "Zijn de betrokkenen kwetsbaar of afhankelijk van de organisatie (kinderen, medewerkers, burgers die niet kunnen weigeren)?",
        "",
        "yes_no",
        2,
        "wp248",
    ),
    (
        8,
        "Wordt nieuwe of vernieuwend toegepaste technologie gebruikt (biometrie, AI, nieuwe koppelvlakken)?",
        "",
        "yes_no",
        2,
        "wp248",
    ),
    (
        9,
        "Kan de verwerking mensen beletten een recht uit te oefenen of een dienst te gebruiken?",
        "Bijvoorbeeld het intrekken van een inlogmiddel.",
        "yes_no",
        3,
        "wp248",
    ),
    (
        10,
        "Worden biometrische gegevens op grote schaal verwerkt om personen te identificeren?",
        "Staat op de lijst van de Autoriteit Persoonsgegevens.",
        "yes_no",
        5,
        "ap_list",
    ),
    (
        11,
        "Worden gegevens gedeeld of vastgelegd in een zwarte lijst of voor fraudebestrijding met andere organisaties?",
        "Staat op de lijst van de Autoriteit Persoonsgegevens.",
        "yes_no",
        5,
        "ap_list",
    ),
    (
        12,
        "Worden medewerkers of burgers heimelijk of stelselmatig onderzocht?",
        "Staat op de lijst van de Autoriteit Persoonsgegevens.",
        "yes_no",
        5,
        "ap_list",
    ),
    (
        13,
        "Hoeveel betrokkenen raakt de verwerking? 0 = minder dan 100, 1 = tot 10.000, 2 = tot 100.000, 3 = tot 1 miljoen, 4 = meer.",
        "",
        "scale",
        2,
        "none",
    ),
    (
        14,
        "Hoe ernstig zijn de gevolgen voor betrokkenen als de gegevens uitlekken? 0 = nauwelijks, 4 = zeer ernstig.",
        "",
        "scale",
        2,
        "none",
    ),
    (15, "Toelichting: wat wilt u verder kwijt over deze verwerking?", "", "text", 0, "none"),
]
