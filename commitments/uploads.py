"""Limits an uploaded import file must meet before any of it is parsed.

A spreadsheet is a zip archive: a few megabytes can expand to gigabytes (a "zip bomb"), so its
uncompressed size is read from the archive's directory, and its row count from each sheet's declared
dimension, before a cell is read. A CSV file is counted line by line.
"""

import re
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')


def check_upload(upload):
    """Refuse a file over the size, uncompressed size or row limits, with the limit in the message;
    return its number of rows, header included."""
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise ValidationError(
            _("The file is %(size)s; the largest accepted is %(limit)s. Split it into smaller files.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.IMPORT_MAX_BYTES)}
        )
    try:
        rows = _spreadsheet_rows(upload) if zipfile.is_zipfile(upload) else _text_rows(upload)
    finally:
        upload.seek(0)
    if rows > settings.IMPORT_MAX_ROWS + 1:  # the header row
        raise ValidationError(
            _("The file has %(rows)s rows; the most accepted at once is %(limit)s. Split it into smaller files.")
            % {"rows": f"{rows - 1:,}", "limit": f"{settings.IMPORT_MAX_ROWS:,}"}
        )
    return rows


def _spreadsheet_rows(upload):
    upload.seek(0)
    with zipfile.ZipFile(upload) as archive:
        members = archive.infolist()
        expanded = sum(member.file_size for member in members)
        if expanded > settings.IMPORT_MAX_UNCOMPRESSED_BYTES:
            raise ValidationError(
                _("The spreadsheet expands to %(size)s; the largest accepted is %(limit)s.")
                % {
                    "size": filesizeformat(expanded),
                    "limit": filesizeformat(settings.IMPORT_MAX_UNCOMPRESSED_BYTES),
                }
            )
        rows = 0
        for member in members:
            if member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml"):
                with archive.open(member) as sheet:
                    match = DIMENSION.search(sheet.read(4096))
                rows = max(rows, int(match.group(1) or 1) if match else 0)
        return rows


def _text_rows(upload):
    """Lines, header included; a quoted line break inside a cell counts as a line too, erring on the safe side."""
    upload.seek(0)
    lines, last = 0, b"\n"
    for chunk in upload.chunks():
        lines += chunk.count(b"\n")
        last = chunk[-1:] or last
    return lines + (last != b"\n")
