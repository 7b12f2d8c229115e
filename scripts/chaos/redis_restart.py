"""Redis restarted with tasks queued: a broker that writes every command to its
append-only file before answering (appendfsync always, as production must run it) loses
none of the committed tasks; a worker started afterwards runs every one of them."""

from __future__ import annotations

import subprocess
import sys

from common import PYTHON, ROOT, PrivateRedis, Workdir, base_env, manage, say

TASKS = 200
SEND = f"""
from core.tasks import ping
ids = [ping.delay().id for _ in range({TASKS})]
print(" ".join(ids))
"""
COLLECT = """
import sys
from celery.result import AsyncResult
from config.celery import app
ids = open(sys.argv[-1]).read().split()
done = [AsyncResult(i, app=app).get(timeout=90) for i in ids]
print(sum(1 for d in done if d == "pong"))
"""


def main() -> int:
    work = Workdir("redis")
    redis = PrivateRedis(work.path)
    worker = None
    try:
        redis.start()
        env = base_env(
            DATABASE_URL=f"sqlite:///{work.path / 'db.sqlite3'}",
            CELERY_BROKER_URL=f"{redis.url}/0",
            CELERY_RESULT_BACKEND=f"{redis.url}/1",
        )
        manage(env, "migrate", "--no-input")
        ids = manage(env, "shell", "--no-imports", "-c", SEND).stdout.strip().splitlines()[-1].split()
        assert len(ids) == TASKS, ids
        say(f"ok: {TASKS} tasks queued with no worker running")

        redis.restart()
        say("ok: Redis restarted")

        log = open(work.path / "worker.log", "w")
        worker = subprocess.Popen(
            [PYTHON, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--without-gossip", "--without-mingle"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        (work.path / "ids").write_text(" ".join(ids))
        collector = [
            PYTHON,
            "manage.py",
            "shell",
            "--no-imports",
            "-c",
            COLLECT.replace("sys.argv[-1]", repr(str(work.path / "ids"))),
        ]
        ran = subprocess.run(collector, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
        count = int(ran.stdout.strip().splitlines()[-1])
        assert count == TASKS, f"only {count} of {TASKS} tasks ran after the restart"
        say(f"ok: all {TASKS} tasks ran after the restart; none was lost")
        return 0
    except BaseException:
        log_file = work.path / "worker.log"
        if log_file.exists():
            say(log_file.read_text()[-3000:])
        raise
    finally:
        if worker:
            worker.terminate()
            worker.wait(timeout=20)
        redis.stop()
        work.cleanup()


if __name__ == "__main__":
    sys.exit(main())
