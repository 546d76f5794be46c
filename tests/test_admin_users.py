"""Only a superuser makes, changes or removes a superuser; administrators grant no more than they hold."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from commitments.roles import ADMINISTRATORS, EDITORS

from .factories import UserFactory

pytestmark = pytest.mark.django_db


def change_user(client, user, **changes):
    data = {
        "username": user.username,
        "first_name": "",
        "last_name": "",
        "email": user.email,
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "groups": [group.pk for group in user.groups.all()],
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
    }
    data.update(changes)
    return client.post(reverse("admin:auth_user_change", args=[user.pk]), data)


def test_administrator_cannot_make_themselves_superuser(client, administrator):
    client.force_login(administrator)
    page = client.get(reverse("admin:auth_user_change", args=[administrator.pk])).content.decode()
    assert 'name="is_superuser"' not in page and 'name="user_permissions"' not in page
    permission = Permission.objects.get(codename="delete_group")

    response = change_user(client, administrator, is_superuser="on", user_permissions=[permission.pk])

    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert not administrator.user_permissions.exists()


def test_superuser_can_grant_superuser_status(client):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-test-password")
    other = UserFactory(username="other", groups=[EDITORS])
    client.force_login(root)
    assert 'name="is_superuser"' in client.get(reverse("admin:auth_user_change", args=[other.pk])).content.decode()

    assert change_user(client, other, is_superuser="on").status_code == 302
    other.refresh_from_db()
    assert other.is_superuser


def test_administrator_cannot_change_or_delete_a_superuser(client, administrator):
    root = get_user_model().objects.create_superuser("root", "root@example.org", "a-long-test-password")
    client.force_login(administrator)

    assert change_user(client, root, is_active="", email="attacker@example.org").status_code == 403
    password = reverse("admin:auth_user_password_change", args=[root.pk])
    assert client.post(password, {"password1": "x-new-pass-123", "password2": "x-new-pass-123"}).status_code == 403
    assert client.post(reverse("admin:auth_user_delete", args=[root.pk]), {"post": "yes"}).status_code == 403
    changelist = reverse("admin:auth_user_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [root.pk], "post": "yes"})

    root.refresh_from_db()
    assert root.is_active and root.email == "root@example.org" and root.check_password("a-long-test-password")
    # Other accounts stay within an administrator's reach.
    editor = UserFactory(username="ed", groups=[EDITORS])
    assert change_user(client, editor, email="ed@example.net").status_code == 302


def test_administrator_cannot_join_a_group_granting_more_than_they_have(client, administrator):
    auditors = Group.objects.create(name="Auditors")
    auditors.permissions.set(Permission.objects.filter(codename__in=["delete_group", "view_user"]))
    client.force_login(administrator)
    own_groups = [group.pk for group in administrator.groups.all()]

    response = change_user(client, administrator, groups=[*own_groups, auditors.pk])

    assert response.status_code == 200
    assert "Only a superuser can grant" in response.content.decode()
    assert set(administrator.groups.values_list("name", flat=True)) == {ADMINISTRATORS}
    # A group within their own permissions is fine.
    editor_group = Group.objects.get(name=EDITORS)
    assert change_user(client, administrator, groups=[*own_groups, editor_group.pk]).status_code == 302
    assert set(administrator.groups.values_list("name", flat=True)) == {ADMINISTRATORS, EDITORS}


def test_administrator_cannot_add_permissions_they_lack_to_a_group(client, administrator):
    group = Group.objects.get(name=ADMINISTRATORS)
    before = set(group.permissions.all())
    extra = Permission.objects.get(codename="delete_group")
    client.force_login(administrator)

    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": group.name, "permissions": [p.pk for p in before] + [extra.pk]},
    )

    assert response.status_code == 200
    assert "Only a superuser can grant" in response.content.decode()
    assert set(group.permissions.all()) == before
