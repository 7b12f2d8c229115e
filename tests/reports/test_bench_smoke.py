from core.models import Event
from reports.bench import CASE, csv_export


def test_the_export_benchmark_runs_at_a_tiny_scale_and_cleans_up(db):
    measures = csv_export(0.00002)  # 20 rows
    sizes = {m.what: m.value for m in measures if m.what.endswith("queries")}
    assert sizes == {"stream 2 rows: queries": 1, "stream 20 rows: queries": 1}
    assert all(m.case == CASE for m in measures)
    assert not Event.objects.filter(name="bench.export").exists()
