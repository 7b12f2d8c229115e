from django.utils import translation

from reports import annual


def test_report_labels_and_export_headers_are_translated_to_english(db):
    with translation.override("en"):
        assert str(annual.FIGURE_LABELS["calamities"]) == "Calamities"
        assert translation.gettext("Exporteren (CSV)") == "Export (CSV)"
        assert str(annual.FIGURE_LABELS["control_checks_overdue"]) == "Control checks overdue"


def test_the_english_report_page_speaks_english(client_as, auditor):
    response = client_as(auditor).get("/reports/annual/2021/", headers={"accept-language": "en"})
    assert "Annual report on information security and privacy 2021" in response.content.decode()
