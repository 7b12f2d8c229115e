"""The compliance factories (controls, checks, evidence uploads) for the storage tests."""

from tests.compliance.conftest import control, make_control, open_check  # noqa: F401 (fixtures)
