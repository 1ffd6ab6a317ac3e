import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings",
    "DJANGO_SECRET_KEY": "x7!kq2#production-like-secret-key-with-enough-entropy-0a9b8c7d6e5f",
    "DJANGO_ALLOWED_HOSTS": "loja.example.com.br",
    "EMAIL_URL": "smtp://mail.example.com.br:587",
    "DATABASE_URL": "postgres://store@db.example.com.br:5432/store",
    "REDIS_URL": "redis://cache.example.com.br:6379/0",
    "STORE_SANDBOX_WEBHOOK_SECRET": "whsec_production_like",
    "STORE_SANDBOX_CARRIER_SECRET": "whsec_carrier_production_like",
    "STORE_SANDBOX_INBOUND_EMAIL_SECRET": "whsec_inbound_mail_production_like",
    "STORE_SANDBOX_WHATSAPP_SECRET": "whatsapp_app_secret_production_like",
    "STORE_WHATSAPP_VERIFY_TOKEN": "whatsapp_verify_production_like",
    "STORE_SITE_URL": "https://loja.example.com.br",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    ours = ("DJANGO_", "EMAIL_URL", "DATABASE_URL", "REDIS_URL", "STORE_")
    clean = {key: value for key, value in os.environ.items() if not key.startswith(ours)}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("variable", "warning"), [("DATABASE_URL", "core.W001"), ("REDIS_URL", "core.W002")])
def test_the_deploy_check_warns_about_the_demo_defaults(variable, warning):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != variable}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode != 0
    assert warning in result.stderr + result.stdout


@pytest.mark.parametrize(
    "variable",
    [
        "DJANGO_SECRET_KEY",
        "DJANGO_ALLOWED_HOSTS",
        "EMAIL_URL",
        "STORE_SANDBOX_WEBHOOK_SECRET",
        "STORE_SANDBOX_CARRIER_SECRET",
        "STORE_SANDBOX_INBOUND_EMAIL_SECRET",
        "STORE_SANDBOX_WHATSAPP_SECRET",
        "STORE_WHATSAPP_VERIFY_TOKEN",
        "STORE_SITE_URL",
    ],
)
def test_a_missing_production_setting_stops_start_up_with_one_line_naming_it(variable):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != variable}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        f"Missing required setting: set the {variable} environment variable "
        "(for local use, set DJANGO_DEBUG=true)."
    ]


def test_debug_runs_without_production_settings():
    result = manage("check", env={"DJANGO_SETTINGS_MODULE": "config.settings", "DJANGO_DEBUG": "true"})
    assert result.returncode == 0, result.stderr


def test_settings_read_the_time_zone_and_languages(settings):
    assert settings.TIME_ZONE == "America/Sao_Paulo"
    assert settings.USE_TZ
    assert [code for code, _name in settings.LANGUAGES] == ["pt-br", "en"]
    assert "django.middleware.locale.LocaleMiddleware" in settings.MIDDLEWARE
    assert settings.CELERY_TASK_ACKS_LATE
