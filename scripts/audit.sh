#!/usr/bin/env bash
# Audit the pinned dependencies with pip-audit. Fails on a known vulnerability. Where no
# vulnerability service can be reached (an offline mirror), it says so plainly and exits 0:
# an audit that could not run is reported, never presented as a pass.
set -uo pipefail
cd "$(dirname "$0")/.."
AUDIT_VENV=${AUDIT_VENV:-var/audit-venv}
[ -x "$AUDIT_VENV/bin/pip-audit" ] || { python3 -m venv "$AUDIT_VENV" && "$AUDIT_VENV/bin/pip" install -q "pip-audit==2.10.1"; }
out=$(mktemp)
"$AUDIT_VENV/bin/pip-audit" --no-deps --disable-pip -r requirements.txt -r requirements-dev.txt --format json --progress-spinner off >"$out" 2>/dev/null
status=$?
summary=$("$AUDIT_VENV/bin/python" - "$out" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
deps = data.get("dependencies", [])
audited = [d for d in deps if "skip_reason" not in d]
vulns = [(d["name"], v["id"]) for d in audited for v in d.get("vulns", [])]
print(f"{len(audited)} {len(deps)} " + " ".join(f"{n}:{i}" for n, i in vulns))
PY
)
rm -f "$out"
read -r audited total vulns <<<"$summary"
if [ "${audited:-0}" = "0" ]; then
  echo "pip-audit: NOT RUN: no vulnerability service reachable from here (0 of ${total:-?} packages audited)."
  exit 0
fi
echo "pip-audit: $audited of $total pinned packages audited."
if [ -n "${vulns:-}" ] || [ "$status" -ne 0 ]; then
  echo "pip-audit: known vulnerabilities: ${vulns:-see pip-audit output}"
  exit 1
fi
echo "pip-audit: no known vulnerabilities."
