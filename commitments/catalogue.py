"""Loading a catalogue file: one source document and the commitments it makes.

A catalogue is a YAML file (see README.md, "Catalogue files") naming its source
document, the pillars and themes it uses and its commitments with their
milestones, indicators, measurements and progress updates. Every entry is
matched by a stable key (a slug, or a title or date within its parent), so a
second run changes nothing and an edited file updates rows in place. The whole
file is validated inside one transaction: one bad entry and nothing is written.

A file owns only what it wrote. Each row remembers the values the file last
wrote to it (`ImportedValues`); a re-import changes a field only while it still
holds that value, so what an editor changed since, or deleted, stays as it is
and is reported. Rows are saved through the services layer like every other write.
"""

import datetime
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils import timezone, translation

from . import services
from .models import (
    Commitment,
    EvidenceSource,
    ImportedValues,
    Indicator,
    Measurement,
    Milestone,
    Pillar,
    ProgressUpdate,
    SourceDocument,
    Statement,
    Theme,
    VerdictRecord,
)
from .vocabulary import ClaimKind, DatePrecision, PublisherKind, VerdictKind


class CatalogueError(Exception):
    """The file was rejected; `problems` lists every bad entry and field."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass
class ImportReport:
    counts: Counter = field(default_factory=Counter)
    kept: list = field(default_factory=list)

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
        ] + self.kept


TRANSLATED_LANGUAGES = [code.replace("-", "_") for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def translation_keys(*fields):
    """`title_ur`, `title_zh_hans`, ...: the catalogue's optional translations of English fields."""
    return {f"{field}_{code}" for field in fields for code in TRANSLATED_LANGUAGES}


def translations(entry, *fields):
    return {key: entry[key] or "" for key in translation_keys(*fields) if key in entry}


SOURCE_KEYS = {
    "slug", "title", "date", "speaker", "kind", "url", "summary", "text_file", "text", "publisher_kind", "country",
    "language",
}  # fmt: skip
# Evidence the file's updates, measurements and verdicts cite by URL: who published it, and when.
EVIDENCE_KEYS = {"url", "title", "publisher", "publisher_kind", "country", "published_on", "retrieved_on"}
VERDICT_KEYS = {"kind", "verdict", "judged_on", "reason", "source_url"}
PILLAR_KEYS = {"slug", "name", "order", "description", "themes", *translation_keys("name", "description")}
THEME_KEYS = {"slug", "name", "order", "description", *translation_keys("name", "description")}
# What a commitment's statement in this source says; given on the commitment's entry, or on a `restates` entry.
STATEMENT_KEYS = {
    "quote", "speaker", "claim_kind", "deliverable", "quantity", "unit", "place", "target_date",
    "target_date_precision", "responsible_party",
}  # fmt: skip
COMMITMENT_KEYS = {
    "slug", "title", "pillar", "theme", "party", "kind", "aliases", "location", "latitude", "longitude", "geometry",
    "start_date", "start_date_precision", "completion_date", "completion_date_precision", "verification", "summary",
    "parent", "weight", "published", "iati_identifier", "aiddata_id", "internal_notes",
    "progress_method", "milestones", "indicators", "updates", "verdicts", *STATEMENT_KEYS,
}  # fmt: skip
RESTATEMENT_KEYS = {"restates", "updates", *STATEMENT_KEYS}
MILESTONE_KEYS = {
    "title", "due_date", "due_date_precision", "completed_date", "completed_date_precision", "order",
    *translation_keys("title"),
}  # fmt: skip
INDICATOR_KEYS = {
    "slug", "name", "unit", "measure", "key", "baseline_value", "baseline_date", "target_value", "target_date",
    "order", "measurements",
}  # fmt: skip
MEASUREMENT_KEYS = {"value", "as_of", "as_of_precision", "source_url", "note"}
UPDATE_KEYS = {"date", "text", "source_url", "source_kind", "status", "progress", "public", *translation_keys("text")}
COMMITMENT_KEYS |= translation_keys("title", "summary")
INDICATOR_KEYS |= translation_keys("name", "unit")


class _NoAliasLoader(yaml.SafeLoader):
    """YAML without aliases: a few bytes of `*alias` can expand to gigabytes (the "billion laughs")."""

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.YAMLError(f"aliases (*name) are not accepted in a catalogue: line {event.start_mark.line + 1}")
        return super().compose_node(parent, index)


def _read_limited(path, what):
    limit = settings.CATALOGUE_MAX_BYTES
    size = path.stat().st_size
    if size > limit:
        raise CatalogueError(
            [f"{what}: the file is {filesizeformat(size)}; the largest accepted is {filesizeformat(limit)}."]
        )
    return path.read_text(encoding="utf-8")


def source_text_path(catalogue_path, name):
    """The source text named by `text_file`: a file in the catalogue's own folder, never elsewhere."""
    folder = catalogue_path.resolve().parent
    if not isinstance(name, str) or not name.strip():
        raise CatalogueError(["source: text_file: give the name of the source text file, next to the catalogue."])
    candidate = Path(name)
    if candidate.is_absolute() or ".." in candidate.parts:
        raise CatalogueError(
            [f"source: text_file: '{name}' must be a file name in the catalogue's folder, without '..' or '/'."]
        )
    resolved = (folder / candidate).resolve()
    if resolved.parent != folder and folder not in resolved.parents:
        raise CatalogueError([f"source: text_file: '{name}' leads outside the catalogue's folder."])
    if not resolved.is_file():
        raise CatalogueError([f"source: text_file: cannot find the source text '{name}' in {folder}."])
    return resolved


def read_catalogue(path):
    """Parse a catalogue file and attach its source text; raise CatalogueError on unreadable input."""
    path = Path(path)
    try:
        data = yaml.load(_read_limited(path, str(path)), Loader=_NoAliasLoader)  # noqa: S506 (a safe loader)
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError([f"{path}: cannot read the file ({error})."]) from error
    except yaml.YAMLError as error:
        raise CatalogueError([f"{path}: not valid YAML ({error})."]) from error
    if not isinstance(data, dict) or not isinstance(data.get("source"), dict):
        raise CatalogueError([f"{path}: a catalogue needs a 'source' mapping at the top."])
    source = data["source"]
    if "text" not in source:
        text_path = source_text_path(path, source.get("text_file"))
        try:
            source["text"] = _read_limited(text_path, "source: text_file")
        except (OSError, UnicodeDecodeError) as error:
            raise CatalogueError([f"source: text_file: cannot read '{text_path.name}' ({error})."]) from error
    return data


def import_catalogue_file(path):
    return import_catalogue(data=read_catalogue(path))


def import_catalogue(*, data):
    """Create or update everything the catalogue describes, all or nothing. A catalogue is written in the site's
    default language: its texts go to that language's columns whatever language is active (an import started from
    a page in Urdu would otherwise have written English titles into the Urdu ones)."""
    loader = _Loader()
    try:
        with services.write(), translation.override(settings.LANGUAGE_CODE):
            loader.load(data)
            if loader.problems:
                raise CatalogueError(loader.problems)
    except ValidationError as error:  # a rule of the services layer, met after the entry itself was checked
        raise CatalogueError([*loader.problems, *error.messages]) from error
    return loader.report


SCALARS = (str, int, float, bool, type(None), datetime.date)
NESTED = {"milestones", "indicators", "updates", "measurements", "themes", "geometry", "verdicts"}


class _Loader:
    def __init__(self):
        self.problems = []
        self.report = ImportReport()
        self.source = None
        self.catalogue = None
        self.written = {}
        self.now = timezone.now()

    def load(self, data):
        unknown = set(data) - {"source", "evidence", "pillars", "commitments"}
        if unknown:
            self.problems.append(f"unknown top-level keys: {', '.join(sorted(unknown))}.")
        self.catalogue = data["source"].get("slug")
        if not isinstance(self.catalogue, str) or not self.catalogue:
            self.problems.append("source: slug: give the source's slug as text.")
            return
        self.written = {
            (record.model, record.key): record for record in ImportedValues.objects.filter(catalogue=self.catalogue)
        }
        self.source = self.upsert_source(data["source"], self.quotes_in(data))
        # Before the records that cite it, so that they find it as the file describes it.
        for index, entry in enumerate(self.entries(data, "evidence", "evidence")):
            self.upsert_evidence(entry, f"evidence[{index}]")
        for index, entry in enumerate(self.entries(data, "pillars", "pillars")):
            self.upsert_pillar(entry, f"pillars[{index}]")
        seen = set()
        for index, entry in enumerate(self.entries(data, "commitments", "commitments")):
            slug = entry.get("restates", entry.get("slug"))
            label = f"commitments[{index}] ({slug or 'no slug'})"
            if not self.check_types(entry, label):
                continue
            if slug in seen:
                self.problems.append(f"{label}: slug: appears more than once in the file.")
                continue
            seen.add(slug)
            if "restates" in entry:
                self.upsert_restatement(entry, label)
            else:
                self.upsert_commitment(entry, label)

    def entries(self, mapping, key, label):
        value = mapping.get(key) or []
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            self.problems.append(f"{label}: must be a list of mappings.")
            return []
        return value

    def check_types(self, entry, label):
        """Every field holds one value (text, number, date, yes/no); only nested lists hold more."""
        wrong = [key for key, value in entry.items() if key not in NESTED and not isinstance(value, SCALARS)]
        for key in wrong:
            self.problems.append(f"{label}: {key}: must be a single value, not a {type(entry[key]).__name__}.")
        return not wrong

    def check_keys(self, entry, allowed, label):
        if not self.check_types(entry, label):
            return False
        unknown = set(entry) - allowed
        if unknown & {"status", "progress"} and allowed is COMMITMENT_KEYS:
            self.problems.append(
                f"{label}: status and progress come from the commitment's dated, sourced updates: "
                "give them in its `updates`, not on the commitment."
            )
            unknown -= {"status", "progress"}
        if unknown:
            self.problems.append(f"{label}: unknown fields: {', '.join(sorted(unknown))}.")
        return not unknown

    def upsert(self, model, key, lookup, values, label, save):
        """Bring the row found by `lookup` in line with the file, field by field, leaving alone every field
        an editor changed since this file last wrote it. None if the row is invalid or was deleted."""
        record = self.written.get((model._meta.label_lower, key))
        try:
            obj = model.objects.filter(**lookup).first()
        except (ValidationError, ValueError, TypeError) as error:
            messages = error.messages if isinstance(error, ValidationError) else [str(error)]
            self.problems.append(f"{label}: {', '.join(lookup)}: {' '.join(messages)}")
            return None
        if obj is None and record is not None:
            self.report.kept.append(
                f"kept the editors' change or deletion of {key}: it is no longer as this file wrote it, "
                "so it is not created again."
            )
            return None
        created = obj is None
        obj = obj or model(**lookup)
        taken = dict(record.values) if record else {}
        changed = False
        for name, value in values.items():
            model_field = model._meta.get_field(name)
            try:
                value = _python_value(model_field, value)
            except ValidationError as error:
                self.problems.append(f"{label}: {name}: {' '.join(error.messages)}")
                return None
            current = getattr(obj, model_field.attname)
            wanted = value.pk if model_field.is_relation and value is not None else value
            if created or _same(model_field, current, wanted):
                taken[name] = _stored(wanted)
            elif self.still_as_written(model_field, current, record.values if record else {}):
                taken[name] = _stored(wanted)
                changed = True
            else:
                self.report.kept.append(self.kept_message(obj, key, name, record))
                continue
            setattr(obj, name, value)
        if not (created or changed):
            self.report.record(model, "unchanged")
            self.remember(model, key, taken)
            return obj
        try:
            save(obj)
        except ValidationError as error:
            messages = error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]
            self.problems.extend(f"{label}: {name}: {' '.join(msgs)}".replace(": :", ":") for name, msgs in messages)
            return None
        self.report.record(model, "created" if created else "updated")
        self.remember(model, key, taken)
        return obj

    @staticmethod
    def still_as_written(model_field, current, written):
        """Whether a field still holds what this file left there: the value it wrote, or, for a field it never
        wrote (a field added since, a row the tracker created), the field's default, which nobody chose."""
        if model_field.name in written:
            return _same(model_field, current, written[model_field.name])
        return _same(model_field, current, model_field.get_default())

    def remember(self, model, key, values):
        ImportedValues.objects.update_or_create(
            catalogue=self.catalogue,
            model=model._meta.label_lower,
            key=key,
            defaults={"values": values, "imported": self.now},
        )

    def kept_message(self, obj, key, name, record):
        if record is None:
            return f"kept the database's value for {key}.{name} (this file never wrote it)."
        change = _last_change(obj)
        if change is None:
            return f"kept the editors' value for {key}.{name}, changed after the import of {record.imported:%Y-%m-%d}."
        who = change.history_user.get_username() if change.history_user else "an import or the system"
        return f"kept the editors' value for {key}.{name}, changed on {change.history_date:%Y-%m-%d} by {who}."

    def quotes_in(self, data):
        """{slug: quote} of the file's statements whose quote the file still owns: a corrected source text
        comes with its corrected quotes, but a quote an editor changed is kept (and must stand in the text)."""
        current = dict(Statement.objects.filter(source__slug=self.catalogue).values_list("commitment__slug", "quote"))
        quotes = {}
        for entry in self.entries(data, "commitments", "commitments"):
            slug, quote = entry.get("restates", entry.get("slug")), entry.get("quote")
            if not (isinstance(slug, str) and isinstance(quote, str)):
                continue
            record = self.written.get((Statement._meta.label_lower, self.statement_key(slug)))
            if slug in current and (record is None or record.values.get("quote") != current[slug]):
                continue
            quotes[slug] = quote
        return quotes

    def upsert_source(self, entry, quotes):
        if not self.check_keys(entry, SOURCE_KEYS, "source"):
            return None
        values = {key: entry.get(key, "") for key in ("title", "date", "speaker", "kind", "url", "summary", "text")}
        values["language"] = entry.get("language") or settings.LANGUAGE_CODE

        def save(source):
            services.save_shared(source, user=None, quotes=quotes)

        source = self.upsert(SourceDocument, f"source:{entry.get('slug')}", {"slug": entry.get("slug")}, values,
                             "source", save)  # fmt: skip
        if source is not None:
            self.upsert_document_evidence(source, entry)
        return source

    def upsert_document_evidence(self, source, entry):
        """The source document as evidence: who published it decides how independent its word is."""
        values = {
            "title": source.title[:300],
            "publisher": source.speaker,
            "published_on": source.date,
            "publisher_kind": entry.get("publisher_kind") or PublisherKind.UNCLASSIFIED,
            "country": entry.get("country") or "",
        }
        key = f"evidence:document/{source.slug}"
        self.upsert(EvidenceSource, key, {"source_document": source}, values, "source", self.save_shared)

    def upsert_evidence(self, entry, label):
        if not self.check_keys(entry, EVIDENCE_KEYS, label):
            return
        url = entry.get("url")
        if not isinstance(url, str) or not url:
            self.problems.append(f"{label}: url: every evidence entry needs its URL.")
            return
        values = {key: entry.get(key) or "" for key in ("title", "publisher", "country")}
        values.update(
            publisher_kind=entry.get("publisher_kind") or PublisherKind.UNCLASSIFIED,
            published_on=entry.get("published_on"),
            retrieved_on=entry.get("retrieved_on"),
        )
        self.upsert(EvidenceSource, f"evidence:{url}"[:500], {"url": url}, values, label, self.save_shared)

    def save_shared(self, obj):
        services.save_shared(obj, user=None)

    def save_commitment(self, obj):
        services.save_commitment(obj, user=None, expected_version=services.FILE_ROW)

    def save_part(self, obj):
        services.save_part(obj, user=None, expected_version=services.FILE_ROW)

    def upsert_pillar(self, entry, label):
        if not self.check_keys(entry, PILLAR_KEYS, label):
            return
        values = {
            "name": entry.get("name"),
            "order": entry.get("order", 0),
            "description": entry.get("description", ""),
            **translations(entry, "name", "description"),
        }
        slug = entry.get("slug")
        pillar = self.upsert(Pillar, f"pillar:{slug}", {"slug": slug}, values, label, self.save_shared)
        for index, theme in enumerate(self.entries(entry, "themes", f"{label}.themes")):
            theme_label = f"{label}.themes[{index}]"
            if pillar and self.check_keys(theme, THEME_KEYS, theme_label):
                values = {key: theme.get(key, "") for key in ("name", "description")}
                values.update(pillar=pillar, order=theme.get("order", 0), **translations(theme, "name", "description"))
                slug = theme.get("slug")
                self.upsert(Theme, f"theme:{slug}", {"slug": slug}, values, theme_label, self.save_shared)

    def find(self, model, slug, label, name):
        if slug is None:
            return None
        found = model.objects.filter(slug=slug).first()
        if found is None:
            self.problems.append(f"{label}: {name}: no {model._meta.verbose_name} with slug '{slug}'.")
        return found

    def belongs_elsewhere(self, commitment, label):
        """A slug is never reused: one that belongs to another source's commitment is refused."""
        if commitment is None or self.source is None or commitment.source_id == self.source.pk:
            return False
        self.problems.append(
            f"{label}: slug: '{commitment.slug}' already belongs to a commitment of “{commitment.source.title}” "
            f"({commitment.source.slug}), not of “{self.source.title}” ({self.source.slug}). Choose another slug, "
            f"or add this source's statement to it with `restates: {commitment.slug}`."
        )
        return True

    def upsert_commitment(self, entry, label):
        if not self.check_keys(entry, COMMITMENT_KEYS, label) or self.source is None:
            return
        slug = entry.get("slug")
        if self.belongs_elsewhere(Commitment.objects.select_related("source").filter(slug=slug).first(), label):
            return
        existing = Commitment.objects.filter(slug=slug).exists()
        nested = {"milestones", "indicators", "updates", "verdicts"}
        # Its quote is its statement's; a new commitment is created with it, the statement keeps it from then on.
        stated = STATEMENT_KEYS if existing else STATEMENT_KEYS - {"quote"}
        plain = {key: entry[key] for key in COMMITMENT_KEYS - nested - stated if key in entry}
        relations = {
            "pillar": self.find(Pillar, plain.pop("pillar", None), label, "pillar"),
            "theme": self.find(Theme, plain.pop("theme", None), label, "theme"),
            "parent": self.find(Commitment, plain.pop("parent", None), label, "parent"),
        }
        if relations["pillar"] is None:
            self.problems.append(f"{label}: pillar: every commitment needs a pillar.")
            return
        for text_field in ("aliases", "location", "summary", "internal_notes", "iati_identifier", "aiddata_id"):
            plain[text_field] = plain.get(text_field) or ""
        # Published only when the file says so.
        plain.setdefault("published", False)
        plain.setdefault("weight", 1)
        plain.pop("slug", None)
        values = {**plain, **relations, "source": self.source}
        key = f"commitment:{slug}"
        commitment = self.upsert(Commitment, key, {"slug": slug}, values, label, self.save_commitment)
        if commitment is None:
            return
        self.upsert_statement(commitment, entry, label, default_speaker=entry.get("party"))
        for index, milestone in enumerate(self.entries(entry, "milestones", f"{label}.milestones")):
            self.upsert_milestone(commitment, milestone, index, f"{label}.milestones[{index}]")
        for index, indicator in enumerate(self.entries(entry, "indicators", f"{label}.indicators")):
            self.upsert_indicator(commitment, indicator, index, f"{label}.indicators[{index}]")
        for index, update in enumerate(self.entries(entry, "updates", f"{label}.updates")):
            self.upsert_update(commitment, update, f"{label}.updates[{index}]")
        for index, verdict in enumerate(self.entries(entry, "verdicts", f"{label}.verdicts")):
            self.upsert_verdict(commitment, verdict, f"{label}.verdicts[{index}]")

    def statement_key(self, slug):
        return f"statement:{slug}/{self.catalogue}"

    def upsert_statement(self, commitment, entry, label, default_speaker):
        """The commitment's statement in this file's source: its quote and what it promised."""
        values = {key: entry.get(key) for key in ("quote", "quantity", "target_date")}
        values.update(
            {key: entry.get(key) or "" for key in ("deliverable", "unit", "place", "responsible_party")},
            speaker=entry.get("speaker") or default_speaker,
            claim_kind=entry.get("claim_kind") or ClaimKind.PLEDGE,
            target_date_precision=entry.get("target_date_precision") or DatePrecision.DAY,
        )
        lookup = {"commitment": commitment, "source": self.source}
        return self.upsert(Statement, self.statement_key(commitment.slug), lookup, values, label, self.save_part)

    def upsert_restatement(self, entry, label):
        """A later (or earlier) statement of a commitment that exists: it adds this source's statement, with any
        updates the source gives, and changes nothing else about the commitment."""
        if not self.check_keys(entry, RESTATEMENT_KEYS, label) or self.source is None:
            return
        slug = entry["restates"]
        commitment = Commitment.objects.filter(slug=slug).first() if isinstance(slug, str) else None
        if commitment is None:
            self.problems.append(f"{label}: restates: no commitment with slug '{slug}' to restate.")
            return
        if commitment.source_id == self.source.pk:
            self.problems.append(
                f"{label}: restates: '{slug}' was first stated in this source; give its statement on its own entry."
            )
            return
        if "quote" not in entry:
            self.problems.append(f"{label}: quote: a restatement needs its words from this source.")
            return
        if self.upsert_statement(commitment, entry, label, default_speaker=commitment.party) is None:
            return
        for index, update in enumerate(self.entries(entry, "updates", f"{label}.updates")):
            self.upsert_update(commitment, update, f"{label}.updates[{index}]")

    def upsert_verdict(self, commitment, entry, label):
        """An editor's verdict (or its withdrawal) given in the file, with its reason and source."""
        if not self.check_keys(entry, VERDICT_KEYS, label):
            return
        kind = entry.get("kind") or VerdictKind.OVERRIDE
        lookup = {"commitment": commitment, "judged_on": entry.get("judged_on"), "kind": kind}
        values = {
            "verdict": entry.get("verdict") or "",
            "reason": entry.get("reason") or "",
            "source_url": entry.get("source_url") or "",
        }
        key = f"verdict:{commitment.slug}/{entry.get('judged_on')}/{kind}"
        self.upsert(VerdictRecord, key, lookup, values, label, self.save_part)

    def upsert_milestone(self, commitment, entry, index, label):
        if self.check_keys(entry, MILESTONE_KEYS, label):
            values = {key: entry.get(key) for key in ("due_date", "completed_date")}
            for precision in ("due_date_precision", "completed_date_precision"):
                values[precision] = entry.get(precision) or DatePrecision.DAY
            values["order"] = entry.get("order", index)
            values.update(translations(entry, "title"))
            key = f"milestone:{commitment.slug}/{entry.get('title')}"
            lookup = {"commitment": commitment, "title": entry.get("title")}
            self.upsert(Milestone, key, lookup, values, label, self.save_part)

    def upsert_indicator(self, commitment, entry, index, label):
        if not self.check_keys(entry, INDICATOR_KEYS, label):
            return
        slug = entry.get("slug")
        other = Indicator.objects.filter(slug=slug).exclude(commitment=commitment).select_related("commitment").first()
        if other is not None:
            self.problems.append(f"{label}: slug: '{slug}' already belongs to an indicator of “{other.commitment}”.")
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
        indicator = self.upsert(Indicator, f"indicator:{slug}", {"slug": slug}, values, label, self.save_part)
        for number, measurement in enumerate(self.entries(entry, "measurements", f"{label}.measurements")):
            measurement_label = f"{label}.measurements[{number}]"
            if indicator and self.check_keys(measurement, MEASUREMENT_KEYS, measurement_label):
                values = {
                    "value": measurement.get("value"),
                    "source_url": measurement.get("source_url") or "",
                    "source_document": self.source,
                    "note": measurement.get("note") or "",
                    "as_of_precision": measurement.get("as_of_precision") or DatePrecision.DAY,
                }
                as_of = measurement.get("as_of")
                lookup = {"indicator": indicator, "as_of": as_of}
                key = f"measurement:{slug}/{as_of}"
                self.upsert(Measurement, key, lookup, values, measurement_label, self.save_part)

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
        key = f"update:{commitment.slug}/{entry.get('date')}/{entry.get('text')}"
        self.upsert(ProgressUpdate, key[:500], lookup, values, label, self.save_part)


def _python_value(model_field, value):
    if model_field.is_relation:
        return value
    if isinstance(value, float):
        value = str(value)  # YAML's 62.33 means the decimal 62.33, not its binary approximation.
    return model_field.to_python(value)


def _same(model_field, current, value):
    """Whether two values of a field are equal, whether read from the database, the file or the record."""
    target = model_field.target_field if model_field.is_relation else model_field
    try:
        return target.to_python(current) == target.to_python(value)
    except ValidationError:
        return False


def _stored(value):
    """A value as the import record keeps it, in JSON."""
    return value if isinstance(value, (str, int, bool, dict, list, type(None))) else str(value)


def _last_change(obj):
    """The newest recorded change of a row, where its model keeps a history."""
    history = getattr(type(obj), "history", None)
    if history is None:
        return None
    return obj.history.select_related("history_user").order_by("-history_date").first()
