from django.conf import settings
from django.http import HttpResponseRedirect
from django.urls import translate_url
from django.utils import translation
from django.utils.cache import patch_vary_headers


class BrowserLanguageMiddleware:
    """On a first visit (no language chosen yet), send a reader to the page in their browser's language.

    English pages live at unprefixed URLs, so only those are redirected; choosing a language with the
    switcher sets the language cookie, and from then on the choice wins over the browser.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        redirect = first_visit_redirect(request)
        response = redirect or self.get_response(request)
        if translation.get_language_from_path(request.path_info) is None:
            patch_vary_headers(response, ["Accept-Language", "Cookie"])
        return response


def first_visit_redirect(request):
    """The redirect to the page in the browser's language, or None where the page is to be answered as asked."""
    if request.method != "GET" or settings.LANGUAGE_COOKIE_NAME in request.COOKIES:
        return None
    if translation.get_language_from_path(request.path_info) is not None:
        return None
    preferred = translation.get_language_from_request(request, check_path=False)
    if preferred == settings.LANGUAGE_CODE:
        return None
    target = translate_url(request.get_full_path(), preferred)
    return HttpResponseRedirect(target) if target != request.get_full_path() else None
