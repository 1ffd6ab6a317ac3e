import pytest
from django.contrib.auth.models import Group

from backoffice.roles import Role
from core.actor import Actor, PermissionMissing
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_labels_name_who_acted():
    user = UserFactory.build(email="ana@loja.example")
    assert Actor.staff(user).label == "staff:ana@loja.example"
    assert Actor.customer(user).label == "customer:ana@loja.example"
    assert Actor.customer(None).label == "customer:guest"
    assert Actor.job("payment_confirm").label == "job:payment_confirm"


def test_jobs_act_for_the_store():
    Actor.job("reconcile").require_perm("notifications.retry_notification")


def test_staff_need_the_permission():
    staff = UserFactory(is_staff=True)
    staff.groups.add(Group.objects.get(name=Role.SUPPORT_AGENT))
    Actor.staff(staff).require_perm("notifications.retry_notification")
    with pytest.raises(PermissionMissing):
        Actor.staff(staff).require_perm("catalog.change_product")


def test_customers_never_hold_staff_permissions():
    with pytest.raises(PermissionMissing):
        Actor.customer(UserFactory(is_superuser=True)).require_perm("notifications.retry_notification")
