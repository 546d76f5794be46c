"""Archiving evidence: a copy of each cited page or file as it was read, and a flag for links that stop answering.

`manage.py archive_sources` runs it. Pages are fetched over HTTP with a time limit (`ARCHIVE_TIMEOUT_SECONDS`, for
the whole download, not only for each read), a size limit (`ARCHIVE_MAX_BYTES`) and only for the types kept
(`ARCHIVE_CONTENT_TYPES`: HTML, plain text, PDF). The copy is stored with its SHA-256 and the time it was read.
"""

import hashlib
import mimetypes
import time
from dataclasses import dataclass

import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from . import services
from .vocabulary import LinkState

USER_AGENT = "commitment-tracker-archiver/1 (keeps a copy of pages cited as evidence)"


class Unarchivable(Exception):
    """The page could not be kept; `dead` when the link itself no longer answers."""

    def __init__(self, message, *, dead):
        super().__init__(message)
        self.dead = dead


@dataclass
class Fetched:
    content: bytes
    content_type: str


def fetch(url):
    timeout = settings.ARCHIVE_TIMEOUT_SECONDS
    limit = settings.ARCHIVE_MAX_BYTES
    deadline = time.monotonic() + timeout
    try:
        with requests.get(url, timeout=timeout, stream=True, headers={"User-Agent": USER_AGENT}) as response:
            if response.status_code >= 400:
                raise Unarchivable(f"the server answered HTTP {response.status_code}", dead=True)
            content_type = response.headers.get("Content-Type", "").split(";")[0].strip().lower()
            if content_type not in settings.ARCHIVE_CONTENT_TYPES:
                kept = ", ".join(settings.ARCHIVE_CONTENT_TYPES)
                raise Unarchivable(f"not kept: its type is {content_type or 'not given'} (kept: {kept})", dead=False)
            if int(response.headers.get("Content-Length") or 0) > limit:
                raise Unarchivable(f"not kept: larger than {filesizeformat(limit)}", dead=False)
            body = bytearray()
            for chunk in response.iter_content(64 * 1024):
                body += chunk
                if len(body) > limit:
                    raise Unarchivable(f"not kept: larger than {filesizeformat(limit)}", dead=False)
                if time.monotonic() > deadline:
                    raise Unarchivable(f"no complete answer within {timeout:g} s", dead=True)
            return Fetched(bytes(body), content_type)
    except requests.Timeout as error:
        raise Unarchivable(f"no answer within {timeout:g} s", dead=True) from error
    except requests.RequestException as error:
        raise Unarchivable(f"could not connect ({type(error).__name__})", dead=True) from error


def archive(evidence, *, refresh=False):
    """Check one evidence record's URL and keep a copy of it; returns a line saying what happened. A link that
    stops answering is flagged; the copy kept before stays, for staff."""
    now = timezone.now()
    evidence.link_checked_at = now
    try:
        fetched = fetch(evidence.url)
    except Unarchivable as problem:
        evidence.link_state = LinkState.DEAD if problem.dead else LinkState.ANSWERS
        evidence.archive_note = str(problem)[:300]
        services.save_shared(evidence, user=None)
        return f"{'DEAD' if problem.dead else 'kept no copy'}: {evidence.url}: {problem}"
    evidence.link_state = LinkState.ANSWERS
    evidence.archive_note = ""
    if evidence.archive and not refresh:
        services.save_shared(evidence, user=None)
        return f"answers: {evidence.url} (copy of {evidence.archived_at:%Y-%m-%d} kept)"
    digest = hashlib.sha256(fetched.content).hexdigest()
    extension = mimetypes.guess_extension(fetched.content_type) or ".bin"
    evidence.archive.save(f"{digest[:32]}{extension}", ContentFile(fetched.content), save=False)
    evidence.archive_sha256, evidence.archive_content_type = digest, fetched.content_type
    evidence.archived_at, evidence.retrieved_on = now, timezone.localdate(now)
    services.save_shared(evidence, user=None)
    return f"archived: {evidence.url} ({filesizeformat(len(fetched.content))}, sha256 {digest[:12]}…)"
