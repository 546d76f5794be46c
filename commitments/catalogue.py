"""Loading a catalogue file: one source document and the commitments it makes.

A catalogue is a YAML file (see README.md, "Catalogue files") naming its source
document, the pillars and themes it uses and its commitments with their
milestones, indicators, measurements and progress updates. Every entry is
matched by a stable key (a slug, or a title or date within its parent), so a
second run changes nothing and an edited file updates rows in place. The whole
file is validated inside one transaction: one bad entry and nothing is written.
"""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from .models import Commitment, Indicator, Measurement, Milestone, Pillar, ProgressUpdate, SourceDocument, Theme
from .services import refresh_progress


class CatalogueError(Exception):
    """The file was rejected; `problems` lists every bad entry and field."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)

    def record(self, model, action):
        self.counts[(model._meta.verbose_name_plural, action)] += 1

    @property
    def changed(self):
        return sum(n for (_, action), n in self.counts.items() if action != "unchanged")

    def lines(self):
        names = sorted({name for name, _ in self.counts})
        return [
            f"{name}: {self.counts[name, 'created']} created, {self.counts[name, 'updated']} updated, "
            f"{self.counts[name, 'unchanged']} unchanged"
            for name in names
        ]


TRANSLATED_LANGUAGES = [code.replace("-", "_") for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def translation_keys(*fields):
    """`title_ur`, `title_zh_hans`, ...: the catalogue's optional translations of English fields."""
    return {f"{field}_{code}" for field in fields for code in TRANSLATED_LANGUAGES}


def translations(entry, *fields):
    return {key: entry[key] or "" for key in translation_keys(*fields) if key in entry}


SOURCE_KEYS = {"slug", "title", "date", "speaker", "kind", "url", "summary", "text_file", "text"}
PILLAR_KEYS = {"slug", "name", "order", "description", "themes", *translation_keys("name", "description")}
THEME_KEYS = {"slug", "name", "order", "description", *translation_keys("name", "description")}
COMMITMENT_KEYS = {
    "slug", "title", "pillar", "theme", "party", "kind", "status", "progress", "location", "latitude",
    "longitude", "geometry", "start_date", "target_date", "completion_date", "quote", "summary", "parent", "weight",
    "published", "last_verified", "iati_identifier", "aiddata_id", "internal_notes", "progress_method",
    "milestones", "indicators", "updates",
}  # fmt: skip
MILESTONE_KEYS = {"title", "due_date", "completed_date", "order", *translation_keys("title")}
INDICATOR_KEYS = {
    "slug", "name", "unit", "measure", "key", "baseline_value", "baseline_date", "target_value", "target_date",
    "order", "measurements",
}  # fmt: skip
MEASUREMENT_KEYS = {"value", "as_of", "source_url", "note"}
UPDATE_KEYS = {"date", "text", "source_url", "source_kind", "status", "progress", "public", *translation_keys("text")}
COMMITMENT_KEYS |= translation_keys("title", "summary")
INDICATOR_KEYS |= translation_keys("name", "unit")


def read_catalogue(path):
    """Parse a catalogue file and attach its source text; raise CatalogueError on unreadable input."""
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError([f"{path}: cannot read the file ({error})."]) from error
    except yaml.YAMLError as error:
        raise CatalogueError([f"{path}: not valid YAML ({error})."]) from error
    if not isinstance(data, dict) or not isinstance(data.get("source"), dict):
        raise CatalogueError([f"{path}: a catalogue needs a 'source' mapping at the top."])
    source = data["source"]
    if "text" not in source:
        text_file = path.parent / str(source.get("text_file", ""))
        if not source.get("text_file") or not text_file.is_file():
            raise CatalogueError([f"source: text_file: cannot find the source text '{source.get('text_file')}'."])
        source["text"] = text_file.read_text(encoding="utf-8")
    return data


def import_catalogue_file(path):
    return import_catalogue(data=read_catalogue(path))


def import_catalogue(*, data):
    """Create or update everything the catalogue describes, all or nothing."""
    loader = _Loader()
    with transaction.atomic():
        loader.load(data)
        if loader.problems:
            transaction.set_rollback(True)
        else:
            for commitment in loader.commitments:
                refresh_progress(commitment)
    if loader.problems:
        raise CatalogueError(loader.problems)
    return loader.report


class _Loader:
    def __init__(self):
        self.problems = []
        self.report = ImportReport()
        self.source = None
        self.relocate_quotes = False
        self.commitments = []

    def load(self, data):
        unknown = set(data) - {"source", "pillars", "commitments"}
        if unknown:
            self.problems.append(f"unknown top-level keys: {', '.join(sorted(unknown))}.")
        self.source = self.upsert_source(data["source"])
        for index, entry in enumerate(self.entries(data, "pillars", "pillars")):
            self.upsert_pillar(entry, f"pillars[{index}]")
        seen = set()
        for index, entry in enumerate(self.entries(data, "commitments", "commitments")):
            label = f"commitments[{index}] ({entry.get('slug', 'no slug')})"
            if entry.get("slug") in seen:
                self.problems.append(f"{label}: slug: appears more than once in the file.")
                continue
            seen.add(entry.get("slug"))
            self.upsert_commitment(entry, label)

    def entries(self, mapping, key, label):
        value = mapping.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problems.append(f"{label}: must be a list of mappings.")
            return []
        return value

    def check_keys(self, entry, allowed, label):
        unknown = set(entry) - allowed
        if unknown:
            self.problems.append(f"{label}: unknown fields: {', '.join(sorted(unknown))}.")
        return not unknown

    def upsert(self, model, lookup, values, label, force=False):
        """Save `values` on the row found by `lookup` (or a new one) if anything differs; None if invalid."""
        try:
            obj = model.objects.filter(**lookup).first() or model(**lookup)
        except (ValidationError, ValueError, TypeError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.problems.append(f"{label}: {', '.join(lookup)}: {' '.join(messages)}")
            return None
        changed = obj.pk is None or force
        for name, value in values.items():
            model_field = model._meta.get_field(name)
            if model_field.is_relation:
                current, value = getattr(obj, model_field.attname), value
                changed |= current != (value.pk if value is not None else None)
                setattr(obj, name, value)
                continue
            if isinstance(value, float):
                value = str(value)  # YAML's 62.33 means the decimal 62.33, not its binary approximation.
            try:
                value = model_field.to_python(value)
            except ValidationError as error:
                self.problems.append(f"{label}: {name}: {' '.join(error.messages)}")
                return None
            changed |= getattr(obj, name) != value
            setattr(obj, name, value)
        if not changed:
            self.report.record(model, "unchanged")
            return obj
        try:
            obj.full_clean()
        except ValidationError as error:
            self.problems.extend(f"{label}: {name}: {' '.join(msgs)}" for name, msgs in error.message_dict.items())
            return None
        self.report.record(model, "created" if obj.pk is None else "updated")
        obj.save()
        return obj

    def upsert_source(self, entry):
        if not self.check_keys(entry, SOURCE_KEYS, "source"):
            return None
        values = {key: entry.get(key, "") for key in ("title", "date", "speaker", "kind", "url", "summary", "text")}
        existing = SourceDocument.objects.filter(slug=entry.get("slug")).values_list("text", flat=True).first()
        # A corrected source text moves the quotes: locate every quote again.
        self.relocate_quotes = existing is not None and existing != values["text"]
        return self.upsert(SourceDocument, {"slug": entry.get("slug")}, values, "source")

    def upsert_pillar(self, entry, label):
        if not self.check_keys(entry, PILLAR_KEYS, label):
            return
        values = {
            "name": entry.get("name"),
            "order": entry.get("order", 0),
            "description": entry.get("description", ""),
            **translations(entry, "name", "description"),
        }
        pillar = self.upsert(Pillar, {"slug": entry.get("slug")}, values, label)
        for index, theme in enumerate(self.entries(entry, "themes", f"{label}.themes")):
            theme_label = f"{label}.themes[{index}]"
            if pillar and self.check_keys(theme, THEME_KEYS, theme_label):
                values = {key: theme.get(key, "") for key in ("name", "description")}
                values.update(pillar=pillar, order=theme.get("order", 0), **translations(theme, "name", "description"))
                self.upsert(Theme, {"slug": theme.get("slug")}, values, theme_label)

    def find(self, model, slug, label, name):
        if slug is None:
            return None
        found = model.objects.filter(slug=slug).first()
        if found is None:
            self.problems.append(f"{label}: {name}: no {model._meta.verbose_name} with slug '{slug}'.")
        return found

    def upsert_commitment(self, entry, label):
        if not self.check_keys(entry, COMMITMENT_KEYS, label) or self.source is None:
            return
        plain = {key: entry[key] for key in COMMITMENT_KEYS - {"milestones", "indicators", "updates"} if key in entry}
        relations = {
            "pillar": self.find(Pillar, plain.pop("pillar", None), label, "pillar"),
            "theme": self.find(Theme, plain.pop("theme", None), label, "theme"),
            "parent": self.find(Commitment, plain.pop("parent", None), label, "parent"),
        }
        if relations["pillar"] is None:
            self.problems.append(f"{label}: pillar: every commitment needs a pillar.")
            return
        for text_field in ("location", "summary", "internal_notes", "iati_identifier", "aiddata_id"):
            plain[text_field] = plain.get(text_field) or ""
        plain.setdefault("published", True)
        plain.setdefault("weight", 1)
        slug = plain.pop("slug", None)
        values = {**plain, **relations, "source": self.source}
        commitment = self.upsert(Commitment, {"slug": slug}, values, label, force=self.relocate_quotes)
        if commitment is None:
            return
        self.commitments.append(commitment)
        for index, milestone in enumerate(self.entries(entry, "milestones", f"{label}.milestones")):
            self.upsert_milestone(commitment, milestone, index, f"{label}.milestones[{index}]")
        for index, indicator in enumerate(self.entries(entry, "indicators", f"{label}.indicators")):
            self.upsert_indicator(commitment, indicator, index, f"{label}.indicators[{index}]")
        for index, update in enumerate(self.entries(entry, "updates", f"{label}.updates")):
            self.upsert_update(commitment, update, f"{label}.updates[{index}]")

    def upsert_milestone(self, commitment, entry, index, label):
        if self.check_keys(entry, MILESTONE_KEYS, label):
            values = {key: entry.get(key) for key in ("due_date", "completed_date")}
            values["order"] = entry.get("order", index)
            values.update(translations(entry, "title"))
            self.upsert(Milestone, {"commitment": commitment, "title": entry.get("title")}, values, label)

    def upsert_indicator(self, commitment, entry, index, label):
        if not self.check_keys(entry, INDICATOR_KEYS, label):
            return
        values = {
            key: entry.get(key)
            for key in ("name", "unit", "baseline_value", "baseline_date", "target_value", "target_date")
        }
        values.update(
            commitment=commitment,
            measure=entry.get("measure", "count"),
            key=entry.get("key", False),
            order=entry.get("order", index),
            **translations(entry, "name", "unit"),
        )
        indicator = self.upsert(Indicator, {"slug": entry.get("slug")}, values, label)
        for number, measurement in enumerate(self.entries(entry, "measurements", f"{label}.measurements")):
            measurement_label = f"{label}.measurements[{number}]"
            if indicator and self.check_keys(measurement, MEASUREMENT_KEYS, measurement_label):
                values = {
                    "value": measurement.get("value"),
                    "source_url": measurement.get("source_url") or "",
                    "source_document": self.source,
                    "note": measurement.get("note") or "",
                }
                lookup = {"indicator": indicator, "as_of": measurement.get("as_of")}
                self.upsert(Measurement, lookup, values, measurement_label)

    def upsert_update(self, commitment, entry, label):
        if not self.check_keys(entry, UPDATE_KEYS, label):
            return
        lookup = {"commitment": commitment, "date": entry.get("date"), "text": entry.get("text")}
        values = {
            "source_url": entry.get("source_url") or "",
            "source_document": self.source,
            "source_kind": entry.get("source_kind"),
            "status": entry.get("status"),
            "progress": entry.get("progress"),
            "public": entry.get("public", True),
            **translations(entry, "text"),
        }
        self.upsert(ProgressUpdate, lookup, values, label)
