import os
import shutil

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from tests.accounts.factories import UserFactory

CHROMIUM = "/usr/bin/chromium"


def _missing_service(item: pytest.Item) -> str | None:
    """Why a test that needs a real service cannot run here, or None when it can."""
    database_engine = settings.DATABASES["default"]["ENGINE"]
    if (
        item.get_closest_marker("postgres") or item.get_closest_marker("worker")
    ) and "postgresql" not in database_engine:
        return "needs PostgreSQL: set DATABASE_URL=postgres://..."
    if item.get_closest_marker("worker") and not os.environ.get("REDIS_URL"):
        return "needs Redis for a real Celery worker: set REDIS_URL=redis://..."
    if item.get_closest_marker("browser") and not shutil.which(CHROMIUM):
        return f"needs Chromium at {CHROMIUM}: run make test, or apt-get install chromium"
    return None


def pytest_runtest_setup(item: pytest.Item) -> None:
    reason = _missing_service(item)
    if reason is None:
        return
    if os.environ.get("STORE_REQUIRE_SERVICES"):
        pytest.fail(f"STORE_REQUIRE_SERVICES is set but this test {reason}")
    pytest.skip(reason)


@pytest.fixture
def migrated_defaults(transactional_db):
    """What data migrations set up and transactional tests flush: the staff roles, the
    store's opening hours, the support desk's queues with their deadlines, the recovery reminders
    and the legal pages."""
    from importlib import import_module

    from django.apps import apps

    from backoffice.roles import ROLE_PERMISSIONS, roles_sync

    roles_sync(apps, ROLE_PERMISSIONS)
    import_module("core.migrations.0004_default_opening_hours").default_hours_create(apps, None)
    import_module("support.migrations.0002_default_queues").default_queues_create(apps, None)
    import_module("support.recovery.migrations.0002_default_sequences").default_sequences_create(apps, None)
    import_module("storefront.pages.migrations.0002_default_pages").default_pages_create(apps, None)


@pytest.fixture
def customer(db):
    return UserFactory()


@pytest.fixture
def make_staff(db):
    """Build a staff member holding the given roles: `make_staff(Role.MANAGER)`."""

    def make(*roles: str):
        user = UserFactory(is_staff=True)
        user.groups.add(*Group.objects.filter(name__in=roles))
        return user

    return make


@pytest.fixture
def staff_client(client, make_staff):
    """A client logged in as staff with the given roles: `staff_client(Role.MANAGER)`."""

    def login(*roles: str):
        client.force_login(make_staff(*roles))
        return client

    return login
