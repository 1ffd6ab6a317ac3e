"""Check the installed dependencies against a vulnerability database with pip-audit.

`make audit` runs it in the project's virtualenv, which `make` installs from pyproject.toml
(the store's dependencies and the test tools), so what is checked is what is declared, at the
versions that resolved. It needs network access to the database (PyPI's JSON API by default).

pip-audit alone prints "No known vulnerabilities found" even when it could not look a single
package up (a proxy or mirror that answers 404 for every package), so this reads its JSON
report and says plainly what was and was not checked. Exit status: 0 when every package was
checked and none is known to be vulnerable, 1 when some are, 2 when some or all packages could
not be checked. Extra arguments go to pip-audit, e.g. `--vulnerability-service osv`.
"""

from __future__ import annotations

import json
import subprocess
import sys

UNREACHABLE = "pip-audit could not reach the vulnerability database (no network?): nothing was checked"
NETWORK_ERRORS = (
    "ConnectionError",
    "ProxyError",
    "Timeout",
    "Max retries exceeded",
    "NameResolutionError",
    "Failed to resolve",
    "Temporary failure in name resolution",
    "SSLError",
    "ServiceError",
)
CLEAN, VULNERABLE, UNCHECKED = 0, 1, 2


def pip_audit(args: list[str]) -> subprocess.CompletedProcess[str]:
    """pip-audit on this interpreter's environment, its report as JSON on stdout."""
    command = [sys.executable, "-m", "pip_audit", *args]
    command += ["--skip-editable", "--format", "json", "--desc", "off", "--progress-spinner", "off"]
    return subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603 - our own argv


def verdict(report: dict) -> tuple[int, list[str]]:
    """The exit status and the lines to print for a pip-audit JSON report."""
    dependencies = report.get("dependencies", [])
    checked = [dependency for dependency in dependencies if "skip_reason" not in dependency]
    skipped = [dependency for dependency in dependencies if "skip_reason" in dependency]
    if not checked:
        lines = [UNREACHABLE]
        if skipped:
            lines.append(f"All {len(skipped)} packages were skipped, e.g. {skipped[0]['skip_reason']}")
        return UNCHECKED, lines
    lines = []
    vulnerable = [dependency for dependency in checked if dependency["vulns"]]
    for dependency in vulnerable:
        for vulnerability in dependency["vulns"]:
            names = ", ".join([vulnerability["id"], *vulnerability.get("aliases", [])])
            fixed = ", ".join(vulnerability["fix_versions"]) or "no fixed version yet"
            lines.append(f"{dependency['name']} {dependency['version']}: {names} (fixed in: {fixed})")
    for dependency in skipped:
        lines.append(f"not checked: {dependency['name']}: {dependency['skip_reason']}")
    summary = f"{len(checked)} of {len(dependencies)} packages checked"
    if vulnerable:
        lines.append(f"{summary}: {len(vulnerable)} with known vulnerabilities.")
        return VULNERABLE, lines
    if skipped:
        lines.append(f"{summary}: no known vulnerabilities in those, {len(skipped)} could not be checked.")
        return UNCHECKED, lines
    lines.append(f"{summary}: no known vulnerabilities.")
    return CLEAN, lines


def failure(result: subprocess.CompletedProcess[str]) -> tuple[int, list[str]]:
    """The exit status and lines to print when pip-audit produced no report."""
    error = result.stderr.strip().splitlines()[-1:] or [f"pip-audit exited with status {result.returncode}"]
    if any(marker in result.stderr for marker in NETWORK_ERRORS):
        return UNCHECKED, [UNREACHABLE, *error]
    return UNCHECKED, [f"pip-audit failed: nothing was checked (exit status {result.returncode})", *error]


def main(args: list[str]) -> int:
    result = pip_audit(args)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        report = None
    if isinstance(report, dict) and "dependencies" in report:
        status, lines = verdict(report)
    else:
        status, lines = failure(result)
    print("\n".join(lines), file=sys.stderr if status else sys.stdout)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
