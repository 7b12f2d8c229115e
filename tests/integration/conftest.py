"""A real Celery worker, in its own process, against a real Redis broker and the
PostgreSQL test database. CI runs these with `-m integration`."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from config.celery import app as celery_app


@pytest.fixture
def celery_worker_process(transactional_db) -> Iterator[subprocess.Popen]:  # type: ignore[no-untyped-def]
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if not broker.startswith("redis://"):
        pytest.skip("needs CELERY_BROKER_URL=redis://… (run by .ci/run)")
    if connection.vendor != "postgresql":
        pytest.skip("the worker process must share the test database: needs PostgreSQL")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }
    log = Path(settings.BASE_DIR) / "var" / "integration-worker.log"
    log.parent.mkdir(exist_ok=True)
    with log.open("w") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
             "--without-gossip", "--without-mingle", "--hostname", f"integration-{os.getpid()}@%h"],
            cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    celery_app.conf.task_always_eager = False
    try:
        wait_until_ready(worker, log)
        yield worker
    finally:
        celery_app.conf.task_always_eager = True
        worker.terminate()
        worker.wait(timeout=30)


def wait_until_ready(worker: subprocess.Popen, log: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if worker.poll() is not None:
            raise RuntimeError(f"the worker exited:\n{log.read_text()}")
        if "ready." in log.read_text():
            return
        time.sleep(0.2)
    raise RuntimeError(f"the worker did not start:\n{log.read_text()}")
