"""Attacks with bad files on the framework import (YAML) and the takedown and fraud
imports (XLSX). Each must be refused with a clear error naming the problem (a 400 in the
API, a form error in the admin, a CommandError on the command line) and change nothing,
quickly and without echoing what the file holds."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from compliance.frameworks import FrameworkImportError, import_framework
from compliance.models import Framework, Requirement
from incidents.imports import ImportRefused, import_takedowns, read_rows
from incidents.models import FraudAccountRemoval, ImportBatch, PhishingTakedown

pytestmark = pytest.mark.django_db

HEAD = """urn: urn:waarborg:test:library:attack
ref_id: attack
version: 1
objects:
  framework:
    urn: urn:waarborg:test:framework:attack
    ref_id: attack
    name: Attack
"""
NODE = """    requirement_nodes:
    - urn: urn:waarborg:test:req:attack:a
      ref_id: A
      name: Area A
"""
GOOD = HEAD + NODE

# The classic "billion laughs": every level repeats the one before it nine times; a few
# hundred bytes stand for 9^6 = 531,441 strings once the aliases are expanded.
ALIAS_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n" + HEAD + "    requirement_nodes:\n    - urn: *f\n      name: x\n"
)


def nothing_imported() -> bool:
    return not Framework.objects.exists() and not Requirement.objects.exists()


def post_framework(api_as, user, text: str | bytes):  # type: ignore[no-untyped-def]
    content = text.encode() if isinstance(text, str) else text
    upload = SimpleUploadedFile("attack.yaml", content, content_type="application/x-yaml")
    return api_as(user).post("/api/v1/frameworks/import/", {"file": upload})


def test_the_good_file_these_attacks_start_from_imports(api_as, security_officer):
    response = post_framework(api_as, security_officer, GOOD)
    assert response.status_code == 200, response.content
    assert Requirement.objects.count() == 1


def test_a_yaml_alias_bomb_is_refused_in_a_short_answer(api_as, security_officer):
    assert len(ALIAS_BOMB.encode()) < 800
    started = time.monotonic()
    response = post_framework(api_as, security_officer, ALIAS_BOMB)
    assert response.status_code == 400
    assert len(response.content) < 2000  # before: megabytes of "lol"
    assert "alias" in response.content.decode().lower()
    assert "lol" not in response.content.decode()
    assert time.monotonic() - started < 5
    assert nothing_imported()


def test_an_anchor_alone_is_refused_as_well(security_officer):
    with pytest.raises(FrameworkImportError, match="anchors and aliases"):
        import_framework(GOOD.replace("ref_id: A\n", "ref_id: &anchor A\n"))
    assert nothing_imported()


def test_a_file_above_the_size_limit_is_refused_unread(api_as, security_officer, settings):
    settings.FRAMEWORK_MAX_BYTES = 2000
    padded = GOOD + "      description: " + "x" * 3000 + "\n"
    response = post_framework(api_as, security_officer, padded)
    assert response.status_code == 400
    assert "2000 bytes" in response.content.decode()
    assert nothing_imported()


def test_3000_levels_of_nesting_are_refused_without_a_recursion_error(api_as, security_officer):
    deep = GOOD + "      description: " + "[" * 3000 + "]" * 3000 + "\n"
    response = post_framework(api_as, security_officer, deep)
    assert response.status_code == 400
    assert "nested deeper than" in response.content.decode()
    assert nothing_imported()


@pytest.mark.parametrize(
    ("replace", "by", "field"),
    [
        ("      ref_id: A\n", "      ref_id: [A, B]\n", "'ref_id'"),
        ("      name: Area A\n", "      name: A\n      translations: {nl: {name: [x, y]}}\n", "translations.nl.name"),
        ("      name: Area A\n", "      name: Area A\n      parent_urn: [x]\n", "'parent_urn'"),
        ("      name: Area A\n", "      name: Area A\n      parent_urn: {x: 1}\n", "'parent_urn'"),
        ("    name: Attack\n", "    name: Attack\n    implementation_groups_definition: [{ref_id: [a]}]\n", "'ref_id'"),
        ("    name: Attack\n", "    name: Attack\n    implementation_groups_definition: 5\n", "definition"),
        ("    name: Attack\n", "    name: [Attack]\n", "'name'"),
        ("version: 1\n", "version: 99999999999999999999\n", "'version'"),
        ("      ref_id: A\n", '      ref_id: "A\\0B"\n', "'ref_id'"),
        ("      ref_id: A\n", "      ref_id: " + "A" * 101 + "\n", "'ref_id'"),
    ],
)
def test_a_list_mapping_or_unstorable_text_where_text_belongs_is_a_clear_400(
    api_as, security_officer, replace, by, field
):
    text = GOOD.replace(replace, by)
    assert text != GOOD
    response = post_framework(api_as, security_officer, text)
    assert response.status_code == 400, response.content[:300]
    assert field in response.content.decode()
    assert nothing_imported()


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01",  # not text at all
        GOOD.encode().replace(b"Area A", b"Area \xff"),  # not UTF-8
        b"\xff\xfe" + GOOD.encode("utf-16-le")[:-1],  # UTF-16 cut in the middle of a character
    ],
)
def test_a_file_that_is_no_text_is_a_clear_400(api_as, security_officer, content):
    response = post_framework(api_as, security_officer, content)
    assert response.status_code == 400
    assert "Geen geldige YAML" in response.content.decode()
    assert nothing_imported()


def test_an_error_message_never_repeats_a_whole_value(security_officer):
    long_urn = "urn:" + "x" * 20_000
    text = GOOD.replace("    - urn: urn:waarborg:test:req:attack:a\n", f"    - urn: {long_urn}\n")
    with pytest.raises(FrameworkImportError) as refused:
        import_framework(text)
    message = "\n".join(refused.value.errors)
    assert "langer dan 255" in message
    assert len(message) < 1000 and long_urn not in message
    assert nothing_imported()


def test_a_file_with_thousands_of_bad_nodes_lists_a_bounded_number_of_problems(security_officer):
    nodes = "".join(f"    - urn: urn:n:{n}\n      depth: x\n      name: n\n" for n in range(5000))
    with pytest.raises(FrameworkImportError) as refused:
        import_framework(HEAD + "    requirement_nodes:\n" + nodes)
    assert len(refused.value.errors) <= 51
    assert "en nog 4950" in refused.value.errors[-1]


def test_the_admin_upload_shows_the_problem_as_a_form_error_and_changes_nothing(client_as, security_officer):
    upload = SimpleUploadedFile("attack.yaml", ALIAS_BOMB.encode())
    response = client_as(security_officer).post("/admin/compliance/framework/import/", {"file": upload})
    assert response.status_code == 200
    page = response.content.decode()
    assert "anchors and aliases" in page and len(page) < 100_000
    deep = SimpleUploadedFile("deep.yaml", (GOOD + "      name: " + "[" * 3000 + "]" * 3000 + "\n").encode())
    response = client_as(security_officer).post("/admin/compliance/framework/import/", {"file": deep})
    assert response.status_code == 200 and "nested deeper than" in response.content.decode()
    assert nothing_imported()


def test_the_command_refuses_with_a_command_error(tmp_path: Path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(ALIAS_BOMB)
    with pytest.raises(CommandError, match="anchors and aliases"):
        call_command("import_framework", str(bomb))
    listed = tmp_path / "listed.yaml"
    listed.write_text(GOOD.replace("      name: Area A\n", "      name: Area A\n      parent_urn: [x]\n"))
    with pytest.raises(CommandError, match="parent_urn"):
        call_command("import_framework", str(listed))
    assert nothing_imported()


# --- XLSX ------------------------------------------------------------------------------

HEADER = ["url", "kind", "reported_at", "outcome", "taken_down_at"]
ROW = ["https://digid-aanval.example.com/login", "website", "2024-03-01 10:00", "never_visible", None]


def workbook_bytes(rows: list[list[object]]) -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def rewrite_zip(content: bytes, change) -> bytes:  # type: ignore[no-untyped-def]
    """A copy of the XLSX with `change(name, data)` applied to each member (None drops it)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    target = io.BytesIO()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = change(info.filename, source.read(info.filename))
            if data is not None:
                out.writestr(info.filename, data)
    return target.getvalue()


def truncated_sheet(content: bytes) -> bytes:
    def change(name: str, data: bytes) -> bytes:
        return data[: len(data) // 2] if name == "xl/worksheets/sheet1.xml" else data

    return rewrite_zip(content, change)


def without_sheets(content: bytes) -> bytes:
    def change(name: str, data: bytes) -> bytes | None:
        if name == "xl/worksheets/sheet1.xml":
            return None
        if name == "xl/workbook.xml":
            return re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", data, flags=re.S)
        return data

    return rewrite_zip(content, change)


def claiming_columns(content: bytes, ref: bytes) -> bytes:
    def change(name: str, data: bytes) -> bytes:
        if name == "xl/worksheets/sheet1.xml":
            return re.sub(rb'<dimension ref="[^"]*"\s*/>', b'<dimension ref="' + ref + b'"/>', data)
        return data

    return rewrite_zip(content, change)


def rows_of(n: int) -> list[list[object]]:
    return [HEADER] + [[f"https://digid-{i}.example.com/", *ROW[1:]] for i in range(n)]


def nothing_stored() -> bool:
    stored = (PhishingTakedown, FraudAccountRemoval, ImportBatch)
    return not any(model.objects.exists() for model in stored)


@pytest.mark.parametrize(
    ("damage", "problem"),
    [(truncated_sheet, "beschadigd of afgebroken"), (without_sheets, "geen werkblad")],
)
def test_a_damaged_workbook_is_refused_by_name_everywhere(damage, problem, client_as, security_officer, tmp_path):
    bad = damage(workbook_bytes(rows_of(200)))
    with pytest.raises(ImportRefused) as refused:
        import_takedowns(bad, "t.xlsx")
    assert problem in str(refused.value.report.errors[0])

    upload = SimpleUploadedFile("t.xlsx", bad)
    response = client_as(security_officer).post("/admin/incidents/phishingtakedown/import/", {"file": upload})
    assert response.status_code == 200 and problem in response.content.decode()

    path = tmp_path / "t.xlsx"
    path.write_bytes(bad)
    err = io.StringIO()
    with pytest.raises(CommandError, match="Niets geïmporteerd"):
        call_command("import_takedowns", str(path), stderr=err)
    assert problem in err.getvalue()
    assert nothing_stored()


def test_a_workbook_claiming_16384_columns_is_read_quickly_and_correctly(db):
    honest = workbook_bytes(rows_of(2000))
    # the claim covers every column; the sheet holds 2,001 rows of 5 cells
    lying = claiming_columns(honest, b"A1:XFD2001")
    assert b"XFD2001" in zipfile.ZipFile(io.BytesIO(lying)).read("xl/worksheets/sheet1.xml")
    started = time.monotonic()
    header, rows = read_rows(lying, "t.xlsx")
    widths = {len(values) for _number, values in rows}
    elapsed = time.monotonic() - started
    assert len(header) == 5 and widths == {5}  # before: every row padded to 16,384 cells
    assert elapsed < 3, f"{elapsed:.1f}s"
    assert import_takedowns(lying, "t.xlsx").created == 2000
