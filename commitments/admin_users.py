"""Users and groups in the admin, where only a superuser makes or changes a superuser.

Administrators manage accounts, but must not give themselves or anyone else more than they have:
superuser status and per-user permissions are read-only to them, superusers' accounts are out of
their reach, and a group or permission they do not hold themselves cannot be added to an account
or a group.
"""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _

from .admin_guard import ChangelistGuardMixin, guard_registered_admins


def permission_names(permissions):
    return {
        f"{app_label}.{codename}"
        for app_label, codename in permissions.values_list("content_type__app_label", "codename")
    }


def beyond(request, permissions):
    """The permissions among `permissions` (a queryset) that the signed-in user does not hold."""
    if request.user.is_superuser:
        return set()
    return permission_names(permissions) - request.user.get_all_permissions()


def no_escalation_form(form_class, request, field, grants):
    """A form whose `field` refuses newly added items granting permissions the signed-in user lacks."""

    def clean(self):
        chosen = self.cleaned_data.get(field)
        if chosen is None:
            return chosen
        already = set(getattr(self.instance, field).all()) if self.instance.pk else set()
        too_much = [item for item in chosen if item not in already and beyond(request, grants(item))]
        if too_much:
            raise forms.ValidationError(
                _("Only a superuser can grant what you do not have yourself: %(items)s."),
                params={"items": ", ".join(str(item) for item in too_much)},
            )
        return chosen

    return type(form_class.__name__, (form_class,), {f"clean_{field}": clean})


class GuardedUserAdmin(ChangelistGuardMixin, UserAdmin):
    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_superuser", "user_permissions"]
        return fields

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "groups" not in form.base_fields:
            return form
        return no_escalation_form(form, request, "groups", lambda group: group.permissions.all())

    def get_actions(self, request):
        # Bulk delete would reach superusers past has_delete_permission(obj).
        actions = super().get_actions(request)
        if not request.user.is_superuser:
            actions.pop("delete_selected", None)
        return actions


class GuardedGroupAdmin(ChangelistGuardMixin, GroupAdmin):
    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if "permissions" not in form.base_fields:
            return form
        return no_escalation_form(
            form, request, "permissions", lambda permission: type(permission).objects.filter(pk=permission.pk)
        )


User = get_user_model()
admin.site.unregister(User)
admin.site.register(User, GuardedUserAdmin)
admin.site.unregister(Group)
admin.site.register(Group, GuardedGroupAdmin)
# The other apps' admins (axes) get the changelist guard of admin_guard.py too.
guard_registered_admins()
