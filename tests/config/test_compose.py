"""docker-compose.yml describes the full stack, and what it runs exists in the project."""

import importlib
import shlex
import tomllib
from pathlib import Path

import pytest
import yaml

BASE_DIR = Path(__file__).resolve().parents[2]
COMPOSE = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
APP_SERVICES = ["web", "worker", "beat"]
DEPENDENCIES = tomllib.loads((BASE_DIR / "pyproject.toml").read_text())["project"]["dependencies"]


def declared(package: str) -> bool:
    return any(dependency.lower().startswith(package) for dependency in DEPENDENCIES)


def commands(service: str) -> list[list[str]]:
    """The commands a service runs, split on `&&` when it runs a shell line."""
    argv = shlex.split(SERVICES[service]["command"])
    if argv[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in argv[2].split("&&")]
    return [argv]


def test_the_stack_has_every_part():
    assert set(SERVICES) == {"web", "worker", "beat", "db", "redis", "cache", "mail"}
    assert SERVICES["db"]["image"].startswith("postgres:16")
    assert "db-data" in COMPOSE["volumes"]
    assert "media" in COMPOSE["volumes"]


@pytest.mark.parametrize("service", ["web", "worker", "db", "redis", "cache", "mail"])
def test_long_running_services_have_health_checks(service):
    assert SERVICES[service]["healthcheck"]["test"]


@pytest.mark.parametrize("service", APP_SERVICES)
def test_every_command_exists_in_the_project(service):
    for argv in commands(service):
        program = argv[0]
        if program == "python":
            assert argv[1] == "manage.py"
            from django.core.management import get_commands

            assert argv[2] in get_commands(), f"{service}: unknown management command {argv[2]}"
        elif program == "gunicorn":
            assert declared("gunicorn")
            module, attribute = argv[1].split(":")
            assert hasattr(importlib.import_module(module), attribute)
        elif program == "celery":
            assert declared("celery")
            assert argv[1:3] == ["-A", "config"]
            assert importlib.import_module("config.celery").app
            if argv[3] == "worker":
                from core.queues import Queue

                queues = argv[argv.index("--queues") + 1].split(",")
                assert set(queues) == set(Queue)
        else:
            pytest.fail(f"{service} runs {program}, which the project does not provide")


def test_the_web_health_check_calls_healthz():
    assert "/healthz" in " ".join(SERVICES["web"]["healthcheck"]["test"])


def test_the_broker_never_evicts_and_the_cache_is_bounded_and_may_evict():
    assert "--maxmemory-policy noeviction" in SERVICES["redis"]["command"]
    assert "--maxmemory-policy allkeys-lru" in SERVICES["cache"]["command"]
    assert "--maxmemory " in SERVICES["cache"]["command"]
    environment = COMPOSE["x-app"]["environment"]
    assert environment["REDIS_URL"].startswith("redis://redis:")
    assert environment["CACHE_URL"].startswith("redis://cache:")
