"""SMTP down: a sweep while the mail server refuses connections sends nothing and keeps
every reminder (attempts + 1, a back-off); once the server is back, the next sweep after
the back-off sends every reminder exactly once. (The hour of the issue is compressed here
by a short back-off; tests/reliability/test_smtp_down.py moves the clock a full hour.)"""

from __future__ import annotations

import json
import sys
import time
from collections import Counter

from common import Workdir, base_env, free_port, manage, say
from reminders_killed import ROWS, SETUP, received
from smtpsink import SMTPSink

BACK_OFF = 2  # seconds


def main() -> int:
    work = Workdir("smtp")
    port = free_port()  # nothing listens here yet: connections are refused
    sink = SMTPSink(port)
    try:
        env = base_env(
            DATABASE_URL=f"sqlite:///{work.path / 'db.sqlite3'}",
            EMAIL_URL=f"smtp://127.0.0.1:{port}",
            REMINDER_BATCH_RECIPIENTS="5",
            REMINDER_RETRY_BASE_SECONDS=str(BACK_OFF),
        )
        manage(env, "migrate", "--no-input")
        manage(env, "shell", "--no-imports", "-c", SETUP)

        down = manage(env, "send_reminders").stdout.strip().splitlines()[-1]
        rows = json.loads(manage(env, "shell", "--no-imports", "-c", ROWS).stdout.strip().splitlines()[-1])
        assert down.startswith("0 "), down
        assert rows and not any(r[3] for r in rows), "nothing may be marked sent while SMTP is down"
        say(f"ok: SMTP down: {down}; {len(rows)} reminders kept unsent for a retry")

        sink.start()
        time.sleep(BACK_OFF + 1)  # a script, not a test: let the back-off pass
        up = manage(env, "send_reminders").stdout.strip().splitlines()[-1]
        again = manage(env, "send_reminders").stdout.strip().splitlines()[-1]
        rows = json.loads(manage(env, "shell", "--no-imports", "-c", ROWS).stdout.strip().splitlines()[-1])
        expected = Counter((email, url) for email, url, *_rest in rows)
        got = received(sink)
        assert all(r[3] for r in rows), "every reminder is marked sent"
        assert got == expected, f"lost {expected - got}, extra {got - expected}"
        assert again.startswith("0 "), again
        say(f"ok: SMTP back: {up}; then {again}; all {len(rows)} reminders arrived exactly once")
        return 0
    finally:
        sink.stop()
        work.cleanup()


if __name__ == "__main__":
    sys.exit(main())
