"""The image's build step runs here exactly as the Dockerfile writes it: same command line,
same environment and nothing else (no database, broker or secret), so it cannot break
unnoticed."""

import os
import shlex
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parents[2]
DOCKERFILE = (BASE_DIR / "Dockerfile").read_text()


def _instructions(keyword: str) -> list[str]:
    """The Dockerfile's instructions of one kind, continuation lines joined."""
    joined = DOCKERFILE.replace("\\\n", " ")
    return [line.split(None, 1)[1] for line in joined.splitlines() if line.startswith(f"{keyword} ")]


def _image_environment() -> dict[str, str]:
    environment = {}
    for instruction in _instructions("ENV"):
        environment |= dict(pair.split("=", 1) for pair in shlex.split(instruction))
    return environment


def test_static_files_are_collected_with_the_dockerfiles_command_and_environment_alone(tmp_path):
    # given the build step, split into its variables and its command
    [build_step] = [run for run in _instructions("RUN") if "collectstatic" in run]
    words = shlex.split(build_step)
    assignments = [word for word in words if "=" in word.split()[0] and not word.startswith("-")]
    command = words[len(assignments) :]
    assert command[:2] == ["python", "manage.py"]
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        **_image_environment(),
        **dict(word.split("=", 1) for word in assignments),
    }
    # when it runs with nothing else in its environment
    started = time.time() - 1
    result = subprocess.run(
        [sys.executable, *command[1:]],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=300,
    )
    # then the static files and their manifest are there, written by this run
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    manifest = BASE_DIR / "staticfiles" / "staticfiles.json"
    assert manifest.stat().st_mtime >= started
    assert "js/store.js" in manifest.read_text()
