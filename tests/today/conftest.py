"""The demo loaded once per module (as in tests/reports), for the start page's counts against
the lists they link to, and for the demo's years after 2021."""

from tests.reports.conftest import _fast_password_hashing, _media_in_tmp, demo_2021, demo_once  # noqa: F401
