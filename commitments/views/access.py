"""One access rule for every staff view, function or class: an anonymous visitor is sent to sign in,
and a signed-in person without the permission gets 403.

Django's own `permission_required` redirects a signed-in person to sign in again unless told to raise,
and then also refuses an anonymous visitor with 403; its mixin behaves differently again.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied


def permission_required(*perms):
    """Let the view run only for a signed-in user holding every permission in `perms`."""

    def decorator(view):
        @wraps(view)
        def checked(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not request.user.has_perms(perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return checked

    return decorator


class PermissionRequiredMixin:
    """`permission_required` for a class-based view: list the permissions in `permission_required`."""

    permission_required = ()

    def dispatch(self, request, *args, **kwargs):
        perms = self.permission_required
        perms = (perms,) if isinstance(perms, str) else perms
        return permission_required(*perms)(super().dispatch)(request, *args, **kwargs)
