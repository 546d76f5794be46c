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
        post_migrate.connect(keep_search_index, sender=self)
        post_migrate.connect(keep_queue_index, sender=self)


def keep_search_index(using, **kwargs):
    """A migration may have rebuilt the commitments table without the search index's triggers (search.py)."""
    from django.db import connections

    from .search import ensure_index

    ensure_index(connections[using])


def keep_queue_index(using, **kwargs):
    """A migration may have rebuilt the commitments table without the verification queue's index (queue_index.py)."""
    from django.db import connections

    from . import queue_index

    queue_index.ensure(connections[using])
