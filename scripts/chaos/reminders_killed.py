"""A worker killed with SIGKILL in the middle of a reminder sweep loses and duplicates
nothing: 40 people have overdue actions, `manage.py send_reminders` sends their digests in
batches of 5 recipients to a local SMTP server, which stalls in the middle of the 13th
conversation (the third digest of the third batch); the sweep is killed there. After the
claim has expired a second sweep sends the rest. Every (recipient, item, stage) must have
arrived exactly once across both runs, and every reminder row must be marked sent."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from urllib.parse import urlsplit

from common import PYTHON, ROOT, PrivatePostgres, Workdir, base_env, free_port, manage, say, wait_for
from smtpsink import SMTPSink

PEOPLE = 40
ITEMS = 2  # actions per person: each digest lists two items
BATCH = 5
KILL_DURING = 13  # the 13th message: the third digest of the third batch
CLAIM_EXPIRY = 3  # seconds

SETUP = f"""
from datetime import timedelta
from django.contrib.auth import get_user_model
from django.utils import timezone
from compliance.models import FollowUpAction
due = timezone.localdate() - timedelta(days=3)
for n in range({PEOPLE}):
    user = get_user_model().objects.create(
        username=f"chaos{{n:02d}}", email=f"chaos{{n:02d}}@example.org", first_name="Chaos", last_name=str(n)
    )
    for k in range({ITEMS}):
        FollowUpAction.objects.create(title=f"Actie {{n}}-{{k}}", owner=user, due_date=due)
"""
ROWS = """
import json
from core.models import Reminder
rows = Reminder.objects.values_list("recipient__email", "url", "stage", "sent_at", "claim_token")
print(json.dumps([[e, u, s, t is not None, c is not None] for e, u, s, t, c in rows]))
"""


def reminder_rows(env: dict[str, str]) -> list[list]:
    return json.loads(manage(env, "shell", "--no-imports", "-c", ROWS).stdout.strip().splitlines()[-1])


def received(sink: SMTPSink) -> Counter:
    """(recipient, item link) for every item of every digest the sink accepted."""
    found: Counter = Counter()
    for message in sink.messages:
        for line in message.text().splitlines():
            if line.strip().startswith("http") and "/followupaction/" in line:
                for recipient in message.recipients:
                    found[(recipient, urlsplit(line.strip()).path)] += 1
    return found


def main() -> int:
    work = Workdir("reminders")
    pg = PrivatePostgres(work.path)
    sink = SMTPSink(free_port(), stall_after=KILL_DURING - 1)
    worker = None
    try:
        pg.init()
        pg.start()
        sink.start()
        env = base_env(
            DATABASE_URL=pg.url,
            EMAIL_URL=f"smtp://127.0.0.1:{sink.port}",
            REMINDER_BATCH_RECIPIENTS=str(BATCH),
            REMINDER_CLAIM_EXPIRY_SECONDS=str(CLAIM_EXPIRY),
        )
        manage(env, "migrate", "--no-input")
        manage(env, "shell", "--no-imports", "-c", SETUP)
        say(f"ok: {PEOPLE} people with {ITEMS} overdue actions each; batches of {BATCH} recipients")

        worker = subprocess.Popen(
            [PYTHON, "manage.py", "send_reminders"], cwd=ROOT, env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        wait_for(sink.stalled.is_set, 60, f"the sweep reaching message {KILL_DURING}")
        worker.kill()  # SIGKILL: no cleanup, no exception handler runs
        worker.wait(timeout=10)
        first = sink.count()
        rows = reminder_rows(env)
        sent_before = sum(1 for r in rows if r[3])
        claimed = sum(1 for r in rows if not r[3] and r[4])
        assert first == KILL_DURING - 1, first
        assert sent_before == first * ITEMS, f"{sent_before} rows marked sent for {first} digests accepted"
        say(
            f"ok: sweep killed with SIGKILL in the middle of digest {KILL_DURING}; {first} digests accepted, "
            f"{sent_before} rows marked sent, {claimed} rows left claimed by the dead worker"
        )

        sink.stall_after = None
        sink.release.set()
        time.sleep(CLAIM_EXPIRY + 1)  # a script, not a test: wait for the claim to expire
        second = manage(env, "send_reminders").stdout.strip()
        third = manage(env, "send_reminders").stdout.strip()
        say(f"ok: second sweep after the claim expired: {second}; a third sweep: {third}")

        rows = reminder_rows(env)
        expected = Counter((email, url) for email, url, _stage, _sent, _claimed in rows)
        stages = Counter((email, url, stage) for email, url, stage, _sent, _claimed in rows)
        got = received(sink)
        assert len(rows) == PEOPLE * ITEMS, f"{len(rows)} reminder rows, expected {PEOPLE * ITEMS}"
        assert max(stages.values()) == 1 and len(expected) == len(stages), "one stage per item in one day"
        assert all(r[3] for r in rows), "every reminder row is marked sent"
        lost = expected - got
        duplicated = {key: n for key, n in got.items() if n > 1}
        assert not lost, f"lost: {sorted(lost)[:5]}"
        assert not duplicated, f"duplicated: {sorted(duplicated.items())[:5]}"
        assert set(got) == set(expected), f"unexpected: {sorted(set(got) - set(expected))[:5]}"
        say(
            f"ok: all {len(rows)} (recipient, item, stage) reminders arrived exactly once across both runs "
            f"in {sink.count()} digests: none lost, none duplicated"
        )
        return 0
    except BaseException:
        if worker and worker.stdout:
            say(worker.stdout.read()[-3000:])
        raise
    finally:
        if worker and worker.poll() is None:
            worker.kill()
        sink.stop()
        pg.stop()
        work.cleanup()


if __name__ == "__main__":
    sys.exit(main())
