import pytest
from django.contrib.auth.models import Group, Permission

from backoffice.roles import ROLE_PERMISSIONS, Role

pytestmark = pytest.mark.django_db


def test_migrations_leave_every_role_with_exactly_its_permissions():
    assert set(Group.objects.values_list("name", flat=True)) >= set(Role.values)
    for role, expected in ROLE_PERMISSIONS.items():
        granted = {
            f"{app_label}.{codename}"
            for app_label, codename in Permission.objects.filter(group__name=role).values_list(
                "content_type__app_label", "codename"
            )
        }
        assert granted == expected, role


def test_every_role_is_defined():
    assert set(ROLE_PERMISSIONS) == set(Role.values)
