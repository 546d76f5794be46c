from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CommitmentsConfig(AppConfig):
    name = "commitments"
    verbose_name = _("Commitments")

    def ready(self):
        from .roles import sync_roles

        # Permissions exist only after migrate has run, so the groups are kept in step here.
        post_migrate.connect(sync_roles, sender=self)
        post_migrate.connect(keep_indexes_made_outside_models, sender=self)


def keep_indexes_made_outside_models(using, **kwargs):
    """On SQLite a migration may have rebuilt the commitments table without what Django's model state does not know
    of: the search index's triggers (search.py) and the verification queue's index (queue_index.py)."""
    from django.db import connections

    from . import queue_index
    from .search import ensure_index

    ensure_index(connections[using])
    queue_index.ensure(connections[using])
