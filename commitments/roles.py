"""The three staff roles, kept as Django groups.

Viewers read everything, drafts and internal notes included, and change nothing.
Editors maintain the catalogue and publish. Administrators may do everything,
users and groups included. `sync_roles` runs after every `migrate`, so the
groups and their permissions always match this module.
"""

from django.contrib.auth.models import Group, Permission

VIEWERS = "Viewers"
EDITORS = "Editors"
ADMINISTRATORS = "Administrators"

CATALOGUE_MODELS = [
    "sourcedocument",
    "pillar",
    "theme",
    "commitment",
    "statement",
    "milestone",
    "indicator",
    "measurement",
    "progressupdate",
    "evidencesource",
    "check",
    "verdictrecord",
]


def _codenames(actions):
    return [f"{action}_{model}" for model in CATALOGUE_MODELS for action in actions]


ROLE_PERMISSIONS = {
    VIEWERS: {"commitments": [*_codenames(["view"]), "view_draft"]},
    EDITORS: {"commitments": [*_codenames(["view", "add", "change", "delete"]), "view_draft", "publish_commitment"]},
    ADMINISTRATORS: {
        "commitments": [*_codenames(["view", "add", "change", "delete"]), "view_draft", "publish_commitment"],
        "auth": ["view_user", "add_user", "change_user", "delete_user", "view_group", "change_group"],
        # Lifting a sign-in lock-out is deleting its access attempts.
        "axes": ["view_accessattempt", "delete_accessattempt", "view_accessfailurelog", "view_accesslog"],
    },
}


def sync_roles(**kwargs):
    for name, permissions_by_app in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        permissions = [
            permission
            for app_label, codenames in permissions_by_app.items()
            for permission in Permission.objects.filter(content_type__app_label=app_label, codename__in=codenames)
        ]
        group.permissions.set(permissions)
