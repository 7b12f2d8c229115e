import codecs
import csv
import io
import json

import pytest
from openpyxl import load_workbook

from core.exporters import (
    ListExporter,
    QuerySetExporter,
    exporters,
    get_exporter,
    header_for,
    register_exporter,
    safe_text,
)
from organisation.models import Availability, Service


def read_csv(data: bytes, delimiter: str = ";") -> list[list[str]]:
    """The default dialect (nl) is semicolon separated."""
    assert data.startswith(codecs.BOM_UTF8)
    return list(csv.reader(io.StringIO(data[len(codecs.BOM_UTF8) :].decode("utf-8")), delimiter=delimiter))


def csv_bytes(exporter) -> bytes:  # type: ignore[no-untyped-def]
    return b"".join(exporter.iter_csv())


@pytest.mark.parametrize("dangerous", ["=1+1", "+31 6", "-2", "@SUM(A1)", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_cells_that_a_spreadsheet_would_run_get_a_leading_apostrophe(dangerous):
    exporter = ListExporter("t", "t", ["kolom"], [[dangerous]])
    rows = read_csv(csv_bytes(exporter))
    assert rows[1] == ["'" + dangerous]


def test_harmless_cells_and_numbers_are_left_as_they_are():
    assert safe_text("DigiD") == "DigiD"
    assert safe_text(-3) == "-3"  # a number is not a formula
    assert safe_text(None) == ""
    assert safe_text(True) == "ja"


def test_csv_starts_with_a_bom_and_has_dutch_headers_from_verbose_names(services):
    exporter = QuerySetExporter(Service.objects.order_by("name"), ["name", "domain", "availability_norm"])
    rows = read_csv(csv_bytes(exporter))
    assert rows[0] == ["naam", "domein", "beschikbaarheidsnorm (%)"]
    # choices are shown by their label, not their stored value
    assert rows[1] == ["DigiD", "Toegang", "99,50"]  # a Dutch decimal comma
    assert rows[2][1] == "Gegevensuitwisseling"
    assert len(rows) == 4


def test_a_header_of_a_related_field_joins_the_verbose_names():
    assert header_for(Availability, "service__name") == "voorziening naam"


def test_default_fields_show_a_foreign_key_by_its_name(services):
    from tests.reports.conftest import add_months

    add_months(services[0], 2021, ["99.9"])
    exporter = QuerySetExporter(Availability.objects.all())
    rows = read_csv(csv_bytes(exporter))
    assert rows[0][:3] == ["ID", "voorziening", "maand"]
    assert rows[1][1:3] == ["DigiD", "01-01-2021"]  # a date as Dutch Excel reads it


def test_xlsx_is_written_as_a_stream_and_opens_with_dutch_headers_and_typed_cells(services):
    exporter = QuerySetExporter(Service.objects.order_by("name"), ["name", "availability_norm", "active"])
    target = io.BytesIO()
    rows = exporter.write_xlsx(target)
    assert rows == 3
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == ("naam", "beschikbaarheidsnorm (%)", "actief")
    assert values[1][0] == "DigiD"
    assert float(values[1][1]) == 99.50
    assert values[1][2] == "ja"


def test_xlsx_neutralises_formulas_too():
    target = io.BytesIO()
    ListExporter("t", "t", ["a"], [["=cmd|' /C calc'!A0"]]).write_xlsx(target)
    sheet = load_workbook(io.BytesIO(target.getvalue())).active
    assert sheet["A2"].value == "'=cmd|' /C calc'!A0"
    assert sheet["A2"].data_type == "s"


def test_json_lines_give_one_object_per_row(services):
    exporter = QuerySetExporter(Service.objects.order_by("name"), ["name", "domain"])
    lines = b"".join(exporter.iter_jsonl()).decode().splitlines()
    assert next(json.loads(line) for line in lines) == {"naam": "DigiD", "domein": "Toegang"}


def test_write_counts_the_rows_in_every_format(services):
    exporter = QuerySetExporter(Service.objects.all(), ["name"])
    for fmt in ("csv", "xlsx", "jsonl"):
        assert exporter.write(fmt, io.BytesIO()) == 3


def test_exporters_are_found_by_name():
    @register_exporter("tests.numbers")
    def numbers(limit: str = "3") -> ListExporter:
        return ListExporter("tests.numbers", "getallen", ["n"], [[n] for n in range(int(limit))])

    assert "tests.numbers" in exporters()
    assert "reports.annual_report" in exporters()
    rows = read_csv(csv_bytes(get_exporter("tests.numbers")(limit="2")))
    assert rows == [["n"], ["0"], ["1"]]
    with pytest.raises(LookupError):
        get_exporter("tests.unknown")


def test_the_filename_names_the_list_and_the_format(services):
    name = QuerySetExporter(Service.objects.all()).filename("xlsx")
    assert name.startswith("voorzieningen-") and name.endswith(".xlsx")


def test_control_characters_a_worksheet_cannot_hold_are_dropped_from_xlsx_cells():
    from core.exporters import safe_xlsx_value

    assert safe_xlsx_value("Afdeling\x14 ICT\x08") == "Afdeling ICT"
    assert safe_xlsx_value("=\x01SUM(A1)") == "'=SUM(A1)"
