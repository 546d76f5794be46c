from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme


def switch_language(request, code):
    """The language switcher's links: remember the choice and show the same page in that language.

    A plain link (not a form) so that public pages stay identical for every reader and can be cached;
    it changes only the reader's own language preference.
    """
    if code not in dict(settings.LANGUAGES):
        raise Http404
    next_url = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = "/"
    # translate_url resolves the address in the language it is written in.
    with translation.override(translation.get_language_from_path(next_url) or settings.LANGUAGE_CODE):
        target = translate_url(next_url, code)
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=365 * 24 * 60 * 60,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    return response
