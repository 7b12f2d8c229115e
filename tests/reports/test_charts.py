"""The charts: Chart.js on the pages (data as JSON, the numbers in a table), matplotlib in the PDF."""

import io
import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

from reports import annual, charts, pdf


@pytest.fixture
def demo(db):  # type: ignore[no-untyped-def]
    from core.demo import load_all

    load_all()


@pytest.fixture
def demo_auditor(demo):  # type: ignore[no-untyped-def]
    from organisation.demo import demo_user

    return demo_user("auditor")


AVAILABILITY = annual.ChartData(
    "Beschikbaarheid",
    ["DigiD", "Digimelding"],
    [("gerealiseerd", [99.78, 99.3]), ("norm", [99.5, 99.0])],
    unit="%",
    axis_title="beschikbaarheid (%)",
    line_series=("norm",),
)


def test_the_pdf_chart_is_a_png_drawn_by_matplotlib():
    png = pdf.chart_png(AVAILABILITY)
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    # 16 x 8 cm at 200 dpi
    assert abs(image.width - 1260) < 5 and abs(image.height - 630) < 5


@pytest.mark.parametrize(
    ("value", "unit", "label"),
    [(99.5, "%", "99,5 %"), (99.75, "%", "99,75 %"), (100.0, "%", "100 %"), (1200, "", "1.200"), (3, "", "3")],
)
def test_pdf_ticks_have_the_dutch_decimal_comma(value, unit, label):
    assert pdf._tick_label(value, unit) == label


def test_the_pdf_report_holds_one_image_per_chart(demo):
    pypdf = pytest.importorskip("pypdf")
    data = pdf.annual_report_pdf(annual.annual_report(2021))
    reader = pypdf.PdfReader(io.BytesIO(data))
    images = [image for page in reader.pages for image in page.images]
    expected = len(annual.report_charts(2021))
    # the three monthly charts and availability against the norm
    assert expected == 4
    assert len(images) == expected
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Jaarverslag informatiebeveiliging en privacy 2021" in text


def test_the_report_page_charts_availability_with_the_norm_as_a_line(demo, client_as, demo_auditor):
    html = client_as(demo_auditor).get("/reports/annual/2021/").content.decode()
    blocks = re.findall(r'<script id="[^"]+" type="application/json">(.*?)</script>', html, re.S)
    specs = [json.loads(block) for block in blocks]
    assert len(specs) == 4
    availability = next(spec for spec in specs if spec["unit"] == "%")
    assert {s["name"]: s["kind"] for s in availability["series"]} == {"gerealiseerd": "bar", "norm": "line"}
    # DigiD 99.78 against 99.50: the axis starts just below, not at 0
    assert 98 < availability["min"] < 99.5 and availability["max"] <= 100
    assert availability["axisTitle"]
    # each chart keeps its table, with a caption
    assert html.count('<details class="chart__table">') == 4
    assert html.count("<caption>") >= 4 + 2


def test_value_range_of_a_percentage_below_ninety_runs_from_zero_to_hundred():
    chart = annual.ChartData("t", ["a"], [("voldaan", [40.0])], unit="%")
    assert charts.value_range(chart) == (0.0, 100.0)


NODE_MODULES = settings.BASE_DIR / "node_modules"


@pytest.mark.skipif(not NODE_MODULES.is_dir(), reason="no node_modules: npm ci (make install does)")
@pytest.mark.parametrize(
    "path",
    ["nlds/utrecht/index.css", "nlds/rhc-tokens/root.css", "vendor/chartjs/chart.umd.min.js", "waarborg/site.css"],
)
def test_the_front_end_packages_are_found_by_staticfiles(path):
    assert finders.find(path), path


def test_the_base_template_links_the_nl_design_system_css_and_the_skip_link(client):
    html = client.get("/account/login/").content.decode()
    assert html.index("/static/nlds/utrecht/index.css") < html.index("/static/waarborg/site.css")
    assert "/static/nlds/rhc-tokens/root.css" in html
    assert '<html lang="nl">' in html
    body = html[html.index("<body") :]
    first_link = re.search(r"<a [^>]*>", body).group(0)
    assert 'class="skip-link"' in first_link and 'href="#main"' in first_link
    assert '<main id="main"' in html


def test_the_admin_loads_the_theme(client_as, security_officer):
    html = client_as(security_officer).get("/admin/").content.decode()
    assert "/static/waarborg/admin.css" in html and "/static/nlds/rhc-tokens/root.css" in html


COUNTS = annual.ChartData("Meldingen", ["jan", "feb", "mrt"], [("aantal", [15069, None, 3])], axis_title="aantal")


def test_the_chart_table_shows_numbers_with_dutch_separators_and_a_dash_for_nothing():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% load reports_charts %}{% chart counts %}{% chart availability %}")
    with translation.override("nl"):
        html = template.render(Context({"counts": COUNTS, "availability": AVAILABILITY}))
    assert 'jan</th><td class="num">15.069</td>' in html
    assert 'feb</th><td class="num">—</td>' in html
    assert 'mrt</th><td class="num">3</td>' in html
    # a percentage keeps two decimals with the decimal comma (the unit is in the header)
    assert 'DigiD</th><td class="num">99,78</td><td class="num">99,50</td>' in html
    tables = "".join(re.findall(r"<table>.*?</table>", html, re.S))
    assert "None" not in tables and "15069" not in tables


def test_the_pdf_cells_use_the_same_helpers_as_the_pages():
    from django.utils import translation

    from core import formatting

    with translation.override("nl"):
        assert pdf._number(15069) == formatting.number(15069) == "15.069"
        assert pdf._number(99.78) == "99,78"
        assert pdf._number(None) == formatting.EMPTY
        assert charts.value_text(15069) == pdf._number(15069)
    # one implementation: the active language decides, as on the pages
    with translation.override("en"):
        assert pdf._number(15069) == formatting.number(15069) == "15,069"
        assert pdf._tick_label(1200, "") == "1,200"
