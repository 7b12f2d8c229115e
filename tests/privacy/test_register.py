import csv
import io

import pytest
from django.db import IntegrityError, transaction
from openpyxl import load_workbook

from privacy import exports
from privacy.models import Category, ProcessingActivity, Processor, Transfer


def test_each_activity_has_a_stable_public_identifier(make_activity):
    first, second = make_activity(), make_activity()
    assert first.public_id != second.public_id
    before = first.public_id
    first.name = "Nieuwe naam"
    first.save()
    first.refresh_from_db()
    assert first.public_id == before


def test_screening_says_why_a_dpia_is_required(make_activity):
    activity = make_activity(screening_wp248_criteria=2, screening_ap_mandatory_list=True)
    assert activity.dpia_required
    assert activity.screening_reasons == ["op de verplichte DPIA-lijst van de AP", "2 WP248-criteria (twee of meer)"]
    assert not make_activity(screening_wp248_criteria=1).dpia_required


def test_special_categories_are_listed_by_name(make_activity):
    activity = make_activity(special_health=True, special_biometric=True)
    assert activity.special_categories == ["biometrische gegevens voor identificatie", "gezondheid"]


def test_the_database_refuses_a_review_before_registration(make_activity):
    activity = make_activity()
    activity.next_review_on = activity.registered_on.replace(year=2000)
    with pytest.raises(IntegrityError), transaction.atomic():
        activity.save()


def _with_everything(make_activity):
    activity = make_activity(name='=HYPERLINK("http://evil")', bsn=True, special_health=True)
    activity.data_subject_categories.add(Category.objects.create(kind="subjects", name="burgers"))
    activity.personal_data_categories.add(Category.objects.create(kind="data", name="+31 telefoonnummer"))
    activity.recipient_categories.add(Category.objects.create(kind="recipients", name="afnemers"))
    Processor.objects.create(activity=activity, name="Hostingpartij", agreement_signed_on="2020-11-01")
    Transfer.objects.create(activity=activity, country="VS", recipient="Enquêtetool", safeguard="scc")
    return activity


def test_register_csv_has_every_art30_field_and_is_safe_against_formulas(make_activity):
    _with_everything(make_activity)
    content = exports.write_csv(exports.register_queryset(), exports.REGISTER_COLUMNS).decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(content), delimiter=";"))
    record = dict(zip(header, row, strict=True))
    assert record["Naam verwerking"] == '\'=HYPERLINK("http://evil")'
    assert record["Categorieën persoonsgegevens"] == "'+31 telefoonnummer"
    assert record["Doeleinden en grondslagen"] == "Inloggen (grondslag e. taak van algemeen belang of openbaar gezag)"
    assert record["Verwerkers"] == "Hostingpartij, verwerkersovereenkomst 01-11-2020"
    assert record["Doorgifte derde landen en waarborgen"] == "Enquêtetool (VS): modelcontractbepalingen (Art. 46)"
    assert record["Bijzondere persoonsgegevens"] == "gezondheid"
    assert record["BSN"] == "ja"
    for field in [
        "Verwerkingsverantwoordelijke",
        "Functionaris gegevensbescherming",
        "Categorieën betrokkenen",
        "Categorieën ontvangers",
        "Bewaartermijn",
        "Beveiligingsmaatregelen",
        "Datum registratie",
    ]:
        assert field in record


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"])
def test_every_dangerous_prefix_is_quoted(value):
    assert exports.safe_cell(value) == "'" + value


def test_register_xlsx_holds_text_not_formulas(make_activity):
    _with_everything(make_activity)
    content = exports.write_xlsx(exports.register_queryset(), exports.REGISTER_COLUMNS, "Register")
    sheet = load_workbook(io.BytesIO(content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][2] == "Naam verwerking"
    assert rows[1][2] == '\'=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=3).data_type == "s"


def test_register_pdf_is_a_pdf_with_a_section_per_activity(make_activity):
    _with_everything(make_activity)
    make_activity()
    content = exports.register_pdf(exports.register_queryset())
    assert content.startswith(b"%PDF")
    assert len(content) > 2000


@pytest.mark.parametrize(
    "fmt,content_type", [("csv", "text/csv"), ("xlsx", "application/vnd"), ("pdf", "application/pdf")]
)
def test_the_register_export_endpoint_serves_each_format(api_as, privacy_officer, make_activity, fmt, content_type):
    make_activity()
    response = api_as(privacy_officer).get(f"/api/v1/privacy/processing-activities/export/{fmt}/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "verwerkingsregister-" in response["Content-Disposition"]


def test_the_register_export_respects_filters(api_as, auditor, make_activity):
    make_activity(name="Met BSN", bsn=True)
    make_activity(name="Zonder BSN")
    response = api_as(auditor).get("/api/v1/privacy/processing-activities/export/csv/?bsn=true")
    text = response.content.decode("utf-8-sig")
    assert "Met BSN" in text and "Zonder BSN" not in text


@pytest.mark.parametrize("role,status", [("employee", 403), ("security_officer", 403), ("auditor", 200)])
def test_only_readers_of_the_register_may_export_it(api_as, request, role, status):
    user = request.getfixturevalue(role)
    assert api_as(user).get("/api/v1/privacy/processing-activities/export/pdf/").status_code == status


def test_processing_activity_api_creates_an_entry(api_as, privacy_officer):
    response = api_as(privacy_officer).post(
        "/api/v1/privacy/processing-activities/",
        {
            "code": "vw-2021-99",
            "name": "Bezoekersregistratie",
            "controller_contact": "Logius",
            "dpo_contact": "FG",
            "owner": privacy_officer.pk,
            "registered_on": "2021-05-01",
            "screening_wp248_criteria": 2,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["dpia_required"] is True
    assert ProcessingActivity.objects.get(code="vw-2021-99").public_id
