"""Spreadsheet safety for every export: cells that a spreadsheet would run as a formula are escaped.

A text cell that starts with = + - @ (or a tab or carriage return), or with an
apostrophe, gets one apostrophe in front, so Excel and LibreOffice show it as
text. The importer takes exactly one leading apostrophe off again, so an export
imports back to the same data. Plain numbers such as -5 are left alone.
"""

import re

import tablib
from django_tables2.export import ExportMixin, TableExport
from import_export.formats import base_formats

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")
PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def escape_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def unescape_formula(value):
    if isinstance(value, str) and value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value


def escaped(dataset):
    safe = tablib.Dataset(headers=dataset.headers, title=dataset.title)
    for row in dataset:
        safe.append([escape_formula(cell) for cell in row])
    return safe


class SafeTableExport(TableExport):
    """django-tables2's export of the rows on screen, escaped."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dataset = escaped(self.dataset)


class SafeExportMixin(ExportMixin):
    """`?_export=csv|xlsx|json` on any table page: exactly the rows the filters select, escaped."""

    export_formats = ("csv", "xlsx", "json")
    export_class = SafeTableExport


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped(dataset), **kwargs)


class SafeXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        return super().export_data(escaped(dataset), **kwargs)
