"""Renderers for `?format=csv|xlsx|jsonl` (registered in REST_FRAMEWORK's renderer list).

They import only DRF's renderer base: DRF imports this module while it builds its views.
The work is done in `core.api.export.render_export`.
"""

from typing import Any

from rest_framework.renderers import BaseRenderer


class _ExportRenderer(BaseRenderer):
    charset = None

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> bytes:
        from core.api.export import render_export

        return render_export(data, self.format, renderer_context)


class CSVRenderer(_ExportRenderer):
    media_type = "text/csv"
    format = "csv"


class XLSXRenderer(_ExportRenderer):
    media_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    format = "xlsx"


class JSONLinesRenderer(_ExportRenderer):
    media_type = "application/x-ndjson"
    format = "jsonl"
