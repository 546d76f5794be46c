"""Links to the pages named by a slug (a commitment's, a source's, a pillar's), and to pages without
arguments (the table, which the dashboard links to with a different filter for each figure), reversed once
for each page rather than once for each link.

Django's `reverse` takes 40 to 120 µs, and a page of a table, the annotated source or the map names hundreds
of such pages. Their URLs differ only in the slug, which a URL shows as it is (ASCII letters, digits, hyphens
and underscores: the `slug` path converter), so the URL around the slug is reversed once for each language,
URL configuration and script prefix, and each link is that URL with its slug in place.
"""

import re
from functools import lru_cache

from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.translation import get_language

SLUG = re.compile(r"[-a-zA-Z0-9_]+")  # django.urls.converters.SlugConverter
PLACEHOLDER = "0-slug-placeholder-0"  # a slug no other part of a URL holds


def slug_url(viewname, slug):
    """`reverse(viewname, kwargs={"slug": slug})`, as quick as joining three strings."""
    if not (isinstance(slug, str) and SLUG.fullmatch(slug)):
        return reverse(viewname, kwargs={"slug": slug})  # its error, for what the converter refuses
    before, after = _around_slug(viewname, get_language(), get_urlconf(), get_script_prefix())
    return f"{before}{slug}{after}"


def page_url(viewname):
    """`reverse(viewname)` of a page that takes no arguments."""
    return _page_url(viewname, get_language(), get_urlconf(), get_script_prefix())


@lru_cache(maxsize=256)
def _page_url(viewname, language, urlconf, script_prefix):
    return reverse(viewname, urlconf=urlconf)


@lru_cache(maxsize=256)
def _around_slug(viewname, language, urlconf, script_prefix):
    """The URL of `viewname` before and after its slug (the arguments other than `viewname` are the key: what
    `reverse` reads besides it)."""
    url = reverse(viewname, kwargs={"slug": PLACEHOLDER}, urlconf=urlconf)
    before, _, after = url.partition(PLACEHOLDER)
    return before, after
