"""PostgreSQL restarted while gunicorn serves: requests fail cleanly (a quick 503, never a
hang or a 500), and the application recovers by itself, without restarting gunicorn."""

from __future__ import annotations

import subprocess
import sys
import time

from common import (
    PYTHON,
    ROOT,
    PrivatePostgres,
    Workdir,
    base_env,
    free_port,
    http_get,
    manage,
    port_open,
    say,
    wait_for,
)

TOKEN_SCRIPT = """
from django.contrib.auth import get_user_model
from knox.models import AuthToken
user, _ = get_user_model().objects.get_or_create(username="chaos", defaults={"is_superuser": True, "is_staff": True})
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
session = SessionStore()
session.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: "django.contrib.auth.backends.ModelBackend",
                HASH_SESSION_KEY: user.get_session_auth_hash()})
session.create()
print(AuthToken.objects.create(user=user)[1], session.session_key)
"""


def main() -> int:
    work = Workdir("postgres")
    pg = PrivatePostgres(work.path)
    gunicorn = None
    try:
        pg.init()
        pg.start()
        env = base_env(DATABASE_URL=pg.url, DATABASE_CONN_MAX_AGE="60", DJANGO_ALLOWED_HOSTS="127.0.0.1")
        manage(env, "migrate", "--no-input")
        token, session = (
            manage(env, "shell", "--no-imports", "-c", TOKEN_SCRIPT).stdout.strip().splitlines()[-1].split()
        )
        port = free_port()
        gunicorn = subprocess.Popen(
            [PYTHON, "-m", "gunicorn", "config.wsgi", "-w", "2", "-b", f"127.0.0.1:{port}", "--timeout", "30"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(work.path / "gunicorn.log", "w"),
        )  # fmt: skip
        wait_for(lambda: port_open(port), 20, "gunicorn start")
        api = f"http://127.0.0.1:{port}/api/v1/services/"
        headers = {"Authorization": f"Token {token}"}
        admin = f"http://127.0.0.1:{port}/admin/organisation/service/"
        cookie = {"Cookie": f"sessionid={session}"}

        def statuses(n: int) -> list[tuple[int, float]]:
            """n API requests with a token and n admin pages with a session."""
            return [http_get(api, headers) for _ in range(n)] + [http_get(admin, cookie) for _ in range(n)]

        before = statuses(10)
        assert all(s == 200 for s, _t in before), f"before the restart: {before}"
        say(f"ok: 20 requests answered 200 before the restart (slowest {max(t for _s, t in before):.2f} s)")

        pg.stop()
        during = [*statuses(10), http_get(f"http://127.0.0.1:{port}/health/")]
        codes = sorted({s for s, _t in during})
        slowest = max(t for _s, t in during)
        assert codes == [503], f"while PostgreSQL is down every request must get 503, got {codes}"
        assert slowest < 5, f"a request took {slowest:.1f} s while PostgreSQL was down"
        say(f"ok: 21 requests answered 503 while PostgreSQL was down (slowest {slowest:.2f} s)")

        pg.start()
        start = time.monotonic()
        wait_for(lambda: http_get(api, headers)[0] == 200, 15, "recovery after PostgreSQL came back")
        after = statuses(10)
        assert all(s == 200 for s, _t in after), f"after the restart: {after}"
        assert gunicorn.poll() is None, "gunicorn must not have been restarted"
        say(f"ok: recovered {time.monotonic() - start:.2f} s after PostgreSQL came back; gunicorn kept running")
        return 0
    finally:
        if gunicorn:
            gunicorn.terminate()
            gunicorn.wait(timeout=20)
        pg.stop()
        work.cleanup()


if __name__ == "__main__":
    sys.exit(main())
