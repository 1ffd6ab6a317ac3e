"""Supply chain: bandit runs in `make lint` exactly as the Makefile writes it, and `make audit`
says plainly when the vulnerability database could not be reached instead of reporting that
nothing is vulnerable."""

import importlib.util
import os
import shlex
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
AUDIT_SCRIPT = BASE_DIR / "scripts" / "audit.py"
UNREACHABLE = "pip-audit could not reach the vulnerability database (no network?): nothing was checked"


def _recipe(target: str) -> list[str]:
    """The command lines of a Makefile target, with $(BIN) pointing at this interpreter's."""
    lines = (BASE_DIR / "Makefile").read_text().splitlines()
    start = next(index for index, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip().replace("$(BIN)", str(BIN)))
    return recipe


def _audit_module():
    spec = importlib.util.spec_from_file_location("audit", AUDIT_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bandit_passes_as_make_lint_runs_it():
    # given the bandit line of `make lint`
    [command] = [line for line in _recipe("lint") if "/bandit " in line]
    # when it runs over the tree
    result = subprocess.run(shlex.split(command), cwd=BASE_DIR, capture_output=True, text=True, timeout=300)
    # then no medium or high finding is left unreviewed
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]


def test_make_audit_runs_the_wrapper_script():
    assert _recipe("audit") == [f"{BIN}/python scripts/audit.py $(AUDIT_ARGS)"]


def test_audit_without_network_says_nothing_was_checked(tmp_path):
    # given a machine whose every HTTP request goes to a proxy that is not there
    environment = {name: value for name, value in os.environ.items() if "proxy" not in name.lower()}
    for name in ("HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        environment[name] = "http://127.0.0.1:9"
    # when the audit runs, with an empty HTTP cache so no earlier answer is reused
    result = subprocess.run(
        [sys.executable, str(AUDIT_SCRIPT), "--cache-dir", str(tmp_path)],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # then it says so plainly and fails
    output = result.stdout + result.stderr
    assert result.returncode == 2, output
    assert UNREACHABLE in result.stderr
    assert "No known vulnerabilities" not in output


def test_a_report_where_every_package_was_skipped_checked_nothing():
    # pip-audit itself prints "No known vulnerabilities found" for this report
    report = {
        "dependencies": [
            {"name": "django", "skip_reason": "Dependency not found on PyPI and could not be audited"},
            {"name": "celery", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        ],
        "fixes": [],
    }
    status, lines = _audit_module().verdict(report)
    assert status == 2
    assert lines[0] == UNREACHABLE
    assert "All 2 packages were skipped" in lines[1]


def test_a_report_with_vulnerabilities_names_them_and_fails():
    report = {
        "dependencies": [
            {
                "name": "django",
                "version": "5.2",
                "vulns": [{"id": "PYSEC-1", "fix_versions": ["5.2.1"], "aliases": ["CVE-1"]}],
            },
            {"name": "celery", "version": "5.5.0", "vulns": []},
        ],
        "fixes": [],
    }
    status, lines = _audit_module().verdict(report)
    assert status == 1
    assert lines == [
        "django 5.2: PYSEC-1, CVE-1 (fixed in: 5.2.1)",
        "2 of 2 packages checked: 1 with known vulnerabilities.",
    ]


def test_a_partly_skipped_report_lists_what_was_not_checked_and_fails():
    report = {
        "dependencies": [
            {"name": "django", "version": "5.2", "vulns": []},
            {"name": "celery", "skip_reason": "Dependency not found on PyPI and could not be audited"},
        ],
        "fixes": [],
    }
    status, lines = _audit_module().verdict(report)
    assert status == 2
    assert lines == [
        "not checked: celery: Dependency not found on PyPI and could not be audited",
        "1 of 2 packages checked: no known vulnerabilities in those, 1 could not be checked.",
    ]


def test_a_clean_report_passes():
    report = {"dependencies": [{"name": "django", "version": "5.2", "vulns": []}], "fixes": []}
    assert _audit_module().verdict(report) == (0, ["1 of 1 packages checked: no known vulnerabilities."])
