"""A realistic, reproducible data set of a chosen size, for benchmarks.

    .venv/bin/python bench/seed.py --commitments 100000 [--seed 1] [--reset]

Seeds the database of DATABASE_URL (SQLite or PostgreSQL). For N commitments: about N/50 source documents
(each a generated speech or statement in which every commitment's quote occurs word for word), 5 pillars with
14 themes, N statements, 3N milestones, N indicators with 5N measurements and 5N progress updates, and the
evidence record of each URL and source document those measurements and updates cite. Everything
comes from random.Random(seed) and fixed dates (never today's), so the same seed gives the same rows.

It lives beside the benchmark rather than in the app: it is no tool for running the tracker, and its rows
bypass the services layer, which every real write goes through.

Rows are written in one transaction, with ids chosen here, by COPY on PostgreSQL and executemany on SQLite:
no history is recorded and no signal is sent. (bulk_create builds a model instance a row and on SQLite sends
at most 999 parameters a statement: it needs over 5 minutes for 100,000 commitments, this about 2 on either
database, on a shared 2-core machine.) Before they are written, each commitment's figures are worked out from
its records and the day by the rule the services layer applies (`Commitment.derived_state`: its status and
progress, its verdict, its evidence, its last check), so that they are in line as real writes leave them and a
benchmark's write moves only what it changes. The public page cache versions are bumped at the end, so no
cached page survives.
"""

import argparse
import datetime
import os
import random
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice
from pathlib import Path

import django
import psycopg

if __name__ == "__main__":  # run as a script: Django is set up before the models are imported
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
    django.setup()

from django.apps import apps  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.management.color import no_style  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.db.migrations.executor import MigrationExecutor  # noqa: E402
from django.utils import timezone  # noqa: E402
from django.utils.text import slugify  # noqa: E402
from modeltranslation.manager import get_translatable_fields_for_model  # noqa: E402
from modeltranslation.settings import DEFAULT_LANGUAGE  # noqa: E402
from modeltranslation.utils import build_localized_fieldname  # noqa: E402

from commitments.cache import COMMITMENTS, SITE, bump  # noqa: E402
from commitments.models import (  # noqa: E402
    Commitment,
    EvidenceSource,
    Indicator,
    Measurement,
    Milestone,
    Pillar,
    ProgressUpdate,
    PublicVersion,
    SourceDocument,
    Statement,
    Theme,
)
from commitments.vocabulary import (  # noqa: E402
    CommitmentKind,
    DocumentKind,
    Measure,
    Party,
    ProgressMethod,
    PublisherKind,
    SourceKind,
    Status,
)

BATCH = 10000  # rows per executemany
# Column types the database drivers take as Python gives them; others go through the field's get_db_prep_save.
NATIVE = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "DateField", "DecimalField",
    "FloatField", "ForeignKey", "IntegerField", "PositiveIntegerField", "PositiveSmallIntegerField", "SlugField",
    "SmallIntegerField", "TextField", "URLField",
}  # fmt: skip
PER_SOURCE = 50  # commitments quoted from one source document
CHILDREN_PER_PARENT = 4  # the first commitment of every source is carried out by this many others in it
AS_OF = datetime.date(2025, 10, 1)  # the data's "today": nothing is completed, measured or reported later
FIRST_SOURCE = datetime.date(2019, 1, 1)
CENT = Decimal("0.01")

PILLARS = {
    "strategic": ("High-level strategic cooperation", ["Leaders' exchanges", "Party and parliamentary ties"]),
    "practical": (
        "High-level practical cooperation",
        ["Key projects", "Agricultural cooperation", "Industry and trade", "Energy"],
    ),
    "security": ("High-level security cooperation", ["Protection of personnel and projects", "Counter-terrorism"]),
    "livelihoods": (
        "High-level cooperation in improving livelihoods",
        ["Health", "Education and training", "Water and climate"],
    ),
    "international": ("High-level international collaboration", ["United Nations", "Regional organisations", "Trade"]),
}
KIND_PILLARS = {
    CommitmentKind.INFRASTRUCTURE: ["practical", "practical", "livelihoods"],
    CommitmentKind.PROGRAMME: ["livelihoods", "livelihoods", "practical"],
    CommitmentKind.TRADE: ["practical", "international"],
    CommitmentKind.POLICY: ["strategic", "practical", "livelihoods", "international"],
    CommitmentKind.SECURITY: ["security"],
    CommitmentKind.DIPLOMATIC: ["strategic", "international"],
}
PARTIES = {Party.CHINA: 35, Party.PAKISTAN: 35, Party.BOTH: 25, Party.THIRD_PARTIES: 5}
KINDS = {
    CommitmentKind.INFRASTRUCTURE: 35,
    CommitmentKind.PROGRAMME: 20,
    CommitmentKind.TRADE: 10,
    CommitmentKind.POLICY: 15,
    CommitmentKind.SECURITY: 10,
    CommitmentKind.DIPLOMATIC: 10,
}
STATUSES = {
    Status.ANNOUNCED: 15,
    Status.PLANNED: 20,
    Status.IN_PROGRESS: 30,
    Status.ONGOING: 10,
    Status.COMPLETED: 15,
    Status.STALLED: 6,
    Status.CANCELLED: 4,
}
# Who published the evidence the updates and measurements cite, as editors have classified it; a share is not
# classified yet, as every evidence record starts.
PUBLISHER_KINDS = {
    PublisherKind.UNCLASSIFIED: 35,
    PublisherKind.PAKISTAN_GOVERNMENT: 15,
    PublisherKind.CHINA_GOVERNMENT: 10,
    PublisherKind.JOINT_BODY: 5,
    PublisherKind.STATE_MEDIA: 10,
    PublisherKind.INDEPENDENT_MEDIA: 15,
    PublisherKind.THIRD_PARTY_OFFICIAL: 5,
    PublisherKind.ACADEMIC_NGO: 5,
}
DOCUMENT_KINDS = {
    DocumentKind.SPEECH: 40,
    DocumentKind.JOINT_STATEMENT: 25,
    DocumentKind.AGREEMENT: 10,
    DocumentKind.PRESS_RELEASE: 15,
    DocumentKind.REPORT: 10,
}
SUBJECTS = {
    Party.CHINA: ["China", "The Chinese side", "Chinese enterprises"],
    Party.PAKISTAN: ["Pakistan", "The Government of Pakistan", "The Pakistani side"],
    Party.BOTH: ["The two sides", "China and Pakistan", "Both countries"],
    Party.THIRD_PARTIES: ["Partner countries", "International lenders"],
}
# (verb, object) pairs; {n} becomes a number.
ACTIONS = {
    CommitmentKind.INFRASTRUCTURE: [
        ("build", "a {n}-kilometre road"),
        ("upgrade", "the railway line"),
        ("complete", "a {n} MW solar park"),
        ("construct", "a water treatment plant"),
        ("expand", "the port terminal"),
        ("lay", "a fibre optic cable of {n} kilometres"),
        ("build", "a {n}-bed hospital"),
    ],
    CommitmentKind.PROGRAMME: [
        ("train", "{n} engineers"),
        ("award", "{n} scholarships"),
        ("send", "{n} medical teams"),
        ("run", "a vocational training programme for {n} young people"),
        ("distribute", "{n} health kits"),
    ],
    CommitmentKind.TRADE: [
        ("raise", "agricultural exports to USD {n} million"),
        ("open", "a cross-border e-commerce zone"),
        ("double", "dairy exports"),
        ("set up", "a special economic zone of {n} acres"),
    ],
    CommitmentKind.POLICY: [
        ("adopt", "a framework on investment protection"),
        ("simplify", "visa rules for business travellers"),
        ("publish", "a plan on water management"),
        ("agree", "standards for halal food exports"),
    ],
    CommitmentKind.SECURITY: [
        ("strengthen", "protection of project sites"),
        ("hold", "joint counter-terrorism exercises"),
        ("set up", "a joint security coordination cell"),
        ("deploy", "{n} additional security personnel"),
    ],
    CommitmentKind.DIPLOMATIC: [
        ("hold", "a strategic dialogue"),
        ("celebrate", "the anniversary of diplomatic relations"),
        ("coordinate", "positions at the United Nations"),
        ("open", "a consulate"),
    ],
}
NUMBERS = [12, 25, 50, 100, 120, 150, 200, 300, 500, 1000, 2000, 5000]
PLACES = [
    ("Gwadar", "25.12640", "62.32250"),
    ("Karachi", "24.86070", "67.00110"),
    ("Lahore", "31.54970", "74.34360"),
    ("Islamabad", "33.68440", "73.04790"),
    ("Peshawar", "34.01510", "71.52490"),
    ("Quetta", "30.17980", "66.97500"),
    ("Multan", "30.15750", "71.52490"),
    ("Faisalabad", "31.45040", "73.13500"),
    ("Sukkur", "27.70520", "68.85740"),
    ("Hyderabad", "25.39600", "68.37780"),
    ("Gilgit", "35.92080", "74.30830"),
    ("Skardu", "35.29710", "75.63330"),
    ("Sialkot", "32.49450", "74.52290"),
    ("Thar", "24.74140", "70.17560"),
    ("Hunza", "36.31670", "74.65000"),
    ("Khunjerab", "36.85000", "75.42780"),
    ("Rawalpindi", "33.59730", "73.04790"),
    ("Bahawalpur", "29.39560", "71.68360"),
    ("Kashgar", "39.46770", "75.99380"),
    ("Urumqi", "43.82560", "87.61680"),
]
TOPICS = [
    "the All-weather Strategic Cooperative Partnership",
    "the China-Pakistan Economic Corridor",
    "agricultural cooperation",
    "energy cooperation",
    "security cooperation",
    "people-to-people exchanges",
    "trade and investment",
    "health cooperation",
    "education and training",
    "the development of Gwadar",
    "industrial cooperation",
    "climate and water",
]
SPEAKERS = [
    "Ministry of Foreign Affairs of China",
    "Ministry of Foreign Affairs of Pakistan",
    "Prime Minister's Office, Pakistan",
    "Embassy of China in Pakistan",
    "CPEC Authority",
    "Ministry of Planning, Development and Special Initiatives",
]
FILLERS = [
    "This reflects the spirit of our all-weather friendship.",
    "The people of {place} have waited long for this.",
    "Both sides reviewed the progress made since {year}.",
    "We appreciate the hard work of everyone involved.",
    "Our friendship is higher than the mountains and deeper than the oceans.",
    "Much has been achieved, and much remains to be done.",
    "The coming years will test our resolve.",
    "We thank our friends in {place} for their hospitality.",
]
MILESTONES = {
    CommitmentKind.INFRASTRUCTURE: ["Feasibility study approved", "Contract awarded", "Construction completed"],
    CommitmentKind.PROGRAMME: ["Programme launched", "First cohort completed", "Final cohort completed"],
    CommitmentKind.TRADE: ["Protocol signed", "First shipments made", "Target volume reached"],
    CommitmentKind.POLICY: ["Draft published", "Consultation closed", "Adopted"],
    CommitmentKind.SECURITY: ["Arrangement agreed", "Joint exercise held", "Review completed"],
    CommitmentKind.DIPLOMATIC: ["Dates agreed", "Meeting held", "Outcome published"],
}
INDICATORS = {
    CommitmentKind.INFRASTRUCTURE: ("Funds disbursed", "USD million", Measure.AMOUNT),
    CommitmentKind.PROGRAMME: ("People reached", "people", Measure.COUNT),
    CommitmentKind.TRADE: ("Exports", "USD million", Measure.AMOUNT),
    CommitmentKind.POLICY: ("Measures adopted", "measures", Measure.COUNT),
    CommitmentKind.SECURITY: ("Personnel deployed", "people", Measure.COUNT),
    CommitmentKind.DIPLOMATIC: ("Meetings held", "meetings", Measure.COUNT),
}
# The statuses a commitment's five updates report, ending with its current status.
STATUS_PATHS = {
    Status.ANNOUNCED: ["announced"] * 5,
    Status.PLANNED: ["announced", "announced", "planned", "planned", "planned"],
    Status.IN_PROGRESS: ["announced", "planned", "planned", "in_progress", "in_progress"],
    Status.ONGOING: ["announced", "planned", "ongoing", "ongoing", "ongoing"],
    Status.COMPLETED: ["planned", "in_progress", "in_progress", "in_progress", "completed"],
    Status.STALLED: ["planned", "in_progress", "in_progress", "stalled", "stalled"],
    Status.CANCELLED: ["announced", "planned", "planned", "stalled", "cancelled"],
}
UPDATE_TEXTS = [
    "Officials confirmed that work on “{title}” is on schedule.",
    "The implementing agency reported progress on “{title}”.",
    "A media report said “{title}” faces delays over financing.",
    "A field visit found activity on the site of “{title}”.",
    "The ministry published new figures for “{title}”.",
]
SOURCE_KINDS = SourceKind.values
NOTES = ["Check the figures with the ministry.", "Awaiting the implementing agency's report.", ""]


def weighted(rng, weights):
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def days(n):
    return datetime.timedelta(days=n)


def between(rng, start, end):
    return start + days(rng.randint(0, max((end - start).days, 0)))


def converter(model):
    """A function from a row (a model instance, or a dict of values by attname) to the values of the model's
    columns in order, as the database takes them. A dict's missing columns take the model's defaults and its
    translated fields fill their default language's column too, as model instances do."""
    stamp = timezone.now()  # created and updated, as bulk_create would set them
    prototype = model()
    defaults, prepared = [], []
    for i, field in enumerate(model._meta.concrete_fields):
        automatic = getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        default = stamp if automatic else getattr(prototype, field.attname)
        defaults.append((field.attname, field.get_db_prep_save(default, connection)))
        if field.get_internal_type() not in NATIVE:
            prepared.append((i, field.attname, field.get_db_prep_save))
    translatable = get_translatable_fields_for_model(model) or []
    translated = [(build_localized_fieldname(name, DEFAULT_LANGUAGE), name) for name in translatable]

    def convert(row):
        if isinstance(row, dict):
            row = {**{column: row[name] for column, name in translated if name in row}, **row}
        else:  # an instance holds None only where the column takes its default (created, updated) or is null
            row = {name: value for name, _ in defaults if (value := getattr(row, name)) is not None}
        values = [row.get(name, default) for name, default in defaults]
        for i, name, prepare in prepared:
            if row.get(name) is not None:
                values[i] = prepare(row[name], connection)
        return values

    return convert


def insert(model, rows):
    """Write rows (any iterable of instances or dicts, each with its id); returns how many. PostgreSQL takes them
    with COPY, several times faster than INSERT even with executemany; SQLite with executemany, BATCH at a time."""
    table = connection.ops.quote_name(model._meta.db_table)
    columns = [connection.ops.quote_name(field.column) for field in model._meta.concrete_fields]
    rows, convert, count = iter(rows), converter(model), 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(convert(row))
                    count += 1
            return count
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        while batch := [convert(row) for row in islice(rows, BATCH)]:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count


def numbered(rows):
    """Ids in the order rows are written, from 1: the tables are empty."""
    for pk, row in enumerate(rows, 1):
        row["id"] = pk
        yield row


@dataclass
class Pledge:
    """A commitment as a source states it; `quote` stands at `quote_start` in the source text."""

    party: str
    kind: str
    subject: str
    verb: str
    thing: str
    place: tuple
    year: int
    sentence: str
    quote: str = ""
    quote_start: int = 0


def make_pledge(rng, source_date):
    party, kind = weighted(rng, PARTIES), weighted(rng, KINDS)
    verb, thing = rng.choice(ACTIONS[kind])
    thing = thing.format(n=rng.choice(NUMBERS))
    place, year = rng.choice(PLACES), source_date.year + rng.randint(1, 6)
    subject = rng.choice(SUBJECTS[party])
    sentence = f"{subject} will {verb} {thing} in {place[0]} by {year}."
    return Pledge(party, kind, subject, verb, thing, place, year, sentence)


def seed_pillars():
    pillars = [
        Pillar(
            id=i + 1, name=name, slug=slug, order=i + 1, description=f"The commitments on {name[0].lower()}{name[1:]}."
        )
        for i, (slug, (name, _)) in enumerate(PILLARS.items())
    ]
    insert(Pillar, pillars)
    themes = [
        Theme(pillar=pillar, name=name, slug=slugify(name), order=j + 1)
        for pillar in pillars
        for j, name in enumerate(PILLARS[pillar.slug][1])
    ]
    for pk, theme in enumerate(themes, 1):
        theme.pk = pk
    insert(Theme, themes)
    return pillars, themes


def seed_sources(rng, commitments):
    """Source documents, each with the pledges it quotes; returns [(source, pledges)]."""
    sources = []
    for i in range((commitments + PER_SOURCE - 1) // PER_SOURCE):
        date = between(rng, FIRST_SOURCE, AS_OF - days(90))
        kind, topic = weighted(rng, DOCUMENT_KINDS), rng.choice(TOPICS)
        title = f"{DocumentKind(kind).label} on {topic}, {rng.choice(PLACES)[0]}, {date:%B %Y}"
        slug = f"{date.isoformat()}-{slugify(topic)}-{i + 1}"
        count = min(PER_SOURCE, commitments - i * PER_SOURCE)
        pledges = []
        while len(pledges) < count:
            pledge = make_pledge(rng, date)
            if any(p.sentence == pledge.sentence for p in pledges):
                continue  # each quote occurs once in its source
            pledges.append(pledge)
        text = f"{title}.\n\n"
        for n, pledge in enumerate(pledges):
            for _ in range(rng.randint(0, 3)):
                text += rng.choice(FILLERS).format(place=rng.choice(PLACES)[0], year=date.year - 1) + " "
            pledge.quote_start = len(text)
            pledge.quote = pledge.sentence
            if rng.random() < 0.3:  # some quotes run on into the next sentence
                pledge.quote += " " + rng.choice(FILLERS).format(place=pledge.place[0], year=date.year - 1)
            text += pledge.quote + ("\n\n" if n % 4 == 3 else " ")
        text += "Thank you."
        source = SourceDocument(
            id=i + 1,
            title=title,
            slug=slug,
            date=date,
            speaker=rng.choice(SPEAKERS),
            kind=kind,
            url=f"https://example.org/statements/{slug}",
            summary=f"A {DocumentKind(kind).label.lower()} on {topic}, with {count} commitments.",
            text=text,
        )
        sources.append((source, pledges))
    insert(SourceDocument, [source for source, _ in sources])
    return sources


def progress_for(rng, status):
    if status == Status.COMPLETED:
        return 100
    if status in (Status.IN_PROGRESS, Status.STALLED):
        return rng.randint(5, 95 if status == Status.IN_PROGRESS else 60)
    if status == Status.ONGOING:
        return rng.choice([None, rng.randint(20, 90)])
    return rng.choice([None, None, 0, rng.randint(0, 20)])


def seed_commitments(rng, sources, pillars, themes):
    pillar_by_slug = {pillar.slug: pillar for pillar in pillars}
    parents, others = [], []
    for source, pledges in sources:
        family = []  # the commitments that carry out this source's first one
        for n, pledge in enumerate(pledges):
            status = weighted(rng, STATUSES)
            pillar = pillar_by_slug[rng.choice(KIND_PILLARS[pledge.kind])]
            own_themes = [theme for theme in themes if theme.pillar_id == pillar.pk]
            start = between(rng, source.date, source.date + days(540)) if rng.random() < 0.8 else None
            if status == Status.COMPLETED:
                start = between(rng, source.date, source.date + (AS_OF - source.date) / 2)
            title = f"{pledge.verb.capitalize()} {pledge.thing} in {pledge.place[0]}"
            number = len(parents) + len(others) + 1
            commitment = Commitment(
                # Every source's first commitment (a parent) before all others, as the database would number
                # them written parents first, so that a child's parent has its id.
                id=len(parents) + 1 if n == 0 else len(sources) + len(others) + 1,
                title=title,
                slug=f"{slugify(title)[:60].rstrip('-')}-{number}",
                pillar=pillar,
                pillar_order=pillar.order,
                theme=rng.choice(own_themes) if rng.random() < 0.8 else None,
                party=pledge.party,
                kind=pledge.kind,
                status=status,
                progress=progress_for(rng, status),
                location=pledge.place[0],
                latitude=Decimal(pledge.place[1]),
                longitude=Decimal(pledge.place[2]),
                start_date=start,
                target_date=datetime.date(pledge.year, rng.randint(1, 12), 1) if rng.random() < 0.9 else None,
                completion_date=between(rng, start, AS_OF) if status == Status.COMPLETED else None,
                source=source,
                quote=pledge.quote,
                quote_start=pledge.quote_start,
                published=rng.random() >= 0.05,
                summary=f"{pledge.subject} committed to {pledge.verb} {pledge.thing} in {pledge.place[0]}.",
                internal_notes=rng.choice(NOTES),
                iati_identifier=f"XM-DAC-{rng.randint(10000, 99999)}-{number}" if rng.random() < 0.3 else "",
                aiddata_id=str(rng.randint(30000, 99999)) if rng.random() < 0.25 else "",
            )
            if n == 0:
                commitment.progress_method = ProgressMethod.CHILDREN
                parents.append(commitment)
            else:
                if n <= CHILDREN_PER_PARENT:
                    commitment.parent = parents[-1]
                    commitment.weight = Decimal(rng.choice(["0.5", "1", "1", "2", "3"]))
                    family.append(commitment)
                others.append(commitment)
        # The parent's progress, which its measurements follow, is the weighted average of its children's.
        total = sum(child.weight for child in family)
        parents[-1].progress = round(sum(c.weight * (c.progress or 0) for c in family) / total) if family else None
    commitments = parents + others
    statements = [Statement.first_of(commitment) for commitment in commitments]
    for pk, statement in enumerate(statements, 1):
        statement.pk = pk
    return commitments, statements


def seed_milestones(rng, commitments):
    """Three milestones a commitment (rows, not written yet)."""

    def rows():
        for commitment in commitments:
            begin = commitment.start_date or commitment.source.date
            end = max(commitment.target_date or begin + days(3 * 365), begin + days(90))
            done = {Status.COMPLETED: 3, Status.ANNOUNCED: 0, Status.PLANNED: 0}.get(commitment.status)
            done = rng.randint(0, 2) if done is None else done
            for k, title in enumerate(MILESTONES[commitment.kind]):
                due = begin + (end - begin) * (k + 1) / 3
                finished = min(due, commitment.completion_date or AS_OF) - days(rng.randint(0, 30))
                yield {
                    "commitment_id": commitment.pk,
                    "title": title,
                    "due_date": due,
                    "completed_date": finished if k < done else None,
                    "order": k + 1,
                }

    return list(numbered(rows()))


def seed_indicators(rng, commitments):
    """One indicator a commitment; returns [(indicator row, commitment)], not written yet."""
    indicators = []
    for n, commitment in enumerate(commitments):
        name, unit, measure = INDICATORS[commitment.kind]
        target = Decimal(rng.choice(NUMBERS))
        row = {
            "id": n + 1,
            "commitment_id": commitment.pk,
            "name": name,
            "slug": f"{commitment.slug}-{slugify(name)}",
            "unit": unit,
            "measure": measure,
            "key": n % 1000 == 0,  # a few key indicators for the dashboard, whatever the size
            "baseline_value": (target * Decimal(rng.choice(["0", "0", "0.05", "0.1", "0.2"]))).quantize(CENT),
            "baseline_date": commitment.start_date or commitment.source.date,
            "target_value": target,
            "target_date": commitment.target_date,
        }
        indicators.append((row, commitment))
    return indicators


def seed_measurements(rng, indicators, sources):
    """Five measurements an indicator (rows, not written yet)."""

    def rows():
        for indicator, commitment in indicators:
            first = min(indicator["baseline_date"], AS_OF - days(150))
            reached = (commitment.progress or rng.randint(0, 30)) / 100
            baseline, target = indicator["baseline_value"], indicator["target_value"]
            for k in range(5):
                share = Decimal(reached * (k + 1) / 5 * rng.uniform(0.9, 1.0))
                value = baseline + (target - baseline) * share
                by_url = rng.random() < 0.6
                yield {
                    "indicator_id": indicator["id"],
                    "value": max(value, Decimal(0)).quantize(CENT),
                    "as_of": first + (AS_OF - first) * (k + 1) / 5,
                    "source_url": f"https://data.example.org/{indicator['slug']}/{k + 1}" if by_url else "",
                    "source_document_id": None if by_url else rng.choice(sources)[0].pk,
                }

    return list(numbered(rows()))


def seed_updates(rng, commitments):
    """Each commitment's path of statuses as sourced updates ending in its status and progress, as the timeline
    rule derives them (rows, not written yet). An update that moves neither may be internal; one that moves them
    is public. Each is recorded a moment after the one before, so that two of the same day stand in order."""

    recorded = timezone.now()

    def rows():
        for commitment in commitments:
            begin = commitment.source.date
            path = STATUS_PATHS[commitment.status]
            progress = commitment.progress if commitment.progress_method == ProgressMethod.MANUAL else None
            steps = [None if progress is None else round(progress * (k + 1) / len(path)) for k in range(len(path))]
            for k, status in enumerate(path):
                by_url = rng.random() < 0.7
                moves = k == 0 or status != path[k - 1] or steps[k] != steps[k - 1]
                yield {
                    "commitment_id": commitment.pk,
                    "date": min(begin + (AS_OF - begin) * (k + 1) / 6 + days(rng.randint(0, 20)), AS_OF),
                    "text": rng.choice(UPDATE_TEXTS).format(title=commitment.title),
                    "source_url": f"https://news.example.org/{commitment.slug}/{k + 1}" if by_url else "",
                    "source_document_id": None if by_url else commitment.source_id,
                    "source_kind": rng.choice(SOURCE_KINDS),
                    "status": status,
                    "progress": steps[k],
                    "public": moves or rng.random() < 0.85,
                    "created": recorded + datetime.timedelta(microseconds=k),
                }

    return list(numbered(rows()))


def seed_evidence(rng, sources, measurements, updates):
    """The evidence record of each URL and source document that measurements and updates cite, as the services
    layer makes it when the first record citing it is saved (`EvidenceSource.first_cited`), and as editors have
    classified those not from a field visit since (instances, not written yet). Each citing row gets its
    `evidence_id`."""
    documents = {source.pk: source for source, _ in sources}
    evidence, recorded = [], {}
    for row in [*measurements, *updates]:
        key = row["source_url"] or row["source_document_id"]
        if key not in recorded:
            document = None if row["source_url"] else documents[row["source_document_id"]]
            new = EvidenceSource.first_cited(row["source_url"], document, row.get("source_kind", ""))
            if new.publisher_kind != PublisherKind.FIELD_VISIT:
                new.publisher_kind = weighted(rng, PUBLISHER_KINDS)
            if new.publisher_kind == PublisherKind.STATE_MEDIA:
                new.country = rng.choice(["CHN", "PAK"])
            new.id = len(evidence) + 1
            evidence.append(new)
            recorded[key] = new.id
        row["evidence_id"] = recorded[key]
    return evidence


def bring_in_line(commitments, statements, milestones, indicators, measurements, updates, evidence):
    """Set what each commitment derives from its records and the day (its status and progress, its verdict, its
    evidence, its last check: `Commitment.derived_state`, the rule every write of the services layer applies)
    on its row before it is written, so that the figures are in line as real writes leave them. A parent is
    worked out after its children, whose progress it counts."""
    today = timezone.localdate()
    cited = {record.pk: record for record in evidence}
    records = {commitment.pk: {"updates": [], "milestones": [], "indicators": []} for commitment in commitments}
    for kind, rows in (("updates", updates), ("milestones", milestones)):
        for row in rows:
            records[row["commitment_id"]][kind].append(row)
    measured = {row["id"]: [] for row, _ in indicators}
    for row in measurements:
        measured[row["indicator_id"]].append(row)
    for row, commitment in indicators:
        records[commitment.pk]["indicators"].append((row, measured[row["id"]]))
    children = {}
    for commitment in commitments:
        children.setdefault(commitment.parent_id, []).append(commitment)
    statement_of = {statement.commitment_id: statement for statement in statements}
    for commitment in sorted(commitments, key=lambda commitment: commitment.pk in children):
        loaded = loaded_records(commitment, statement_of[commitment.pk], records[commitment.pk], cited)
        loaded["children"] = children.get(commitment.pk, [])
        for relation, rows in loaded.items():
            setattr(commitment, f"loaded_{relation}", rows)
        for name, value in commitment.derived_state(today).items():
            setattr(commitment, name, value)
        for relation in loaded:  # only its own row is written
            delattr(commitment, f"loaded_{relation}")


def loaded_records(commitment, statement, records, cited):
    """A commitment's records as `CommitmentQuerySet.for_deriving` loads them, each with the evidence it cites
    (`cited`, by id): {relation: model instances}."""
    updates = [BUILD[ProgressUpdate](row) for row in records["updates"]]
    for update in updates:
        update.commitment, update.evidence = commitment, cited[update.evidence_id]
    indicators = []
    for row, measurements in records["indicators"]:
        indicator = BUILD[Indicator](row)
        indicator.loaded_measurements = [BUILD[Measurement](measurement) for measurement in measurements]
        for measurement in indicator.loaded_measurements:
            measurement.evidence = cited[measurement.evidence_id]
        indicators.append(indicator)
    statement.source = commitment.source
    return {
        "statements": [statement],
        # Newest first, as ProgressUpdate.Meta orders them.
        "updates": sorted(updates, key=lambda update: (update.date, update.created), reverse=True),
        "milestones": [BUILD[Milestone](row) for row in records["milestones"]],
        "indicators": indicators,
        "checks": [],
        "verdicts": [],
    }


def builder(model):
    """A function from a row (a dict by attname) to a model instance, given its values in order: keyword
    arguments cost django-modeltranslation's rewriting of every name, ten times the instance."""
    prototype = model()
    defaults = [(field.attname, getattr(prototype, field.attname)) for field in model._meta.concrete_fields]
    return lambda row: model(*[row.get(name, default) for name, default in defaults])


BUILD = {model: builder(model) for model in (ProgressUpdate, Indicator, Measurement, Milestone)}


def tracker_models():
    """Every table of the tracker's records and their history; not the public page cache's versions."""
    return [model for model in apps.get_app_config("commitments").get_models() if model is not PublicVersion]


def delete_all():
    """Empty the tracker's tables as `manage.py flush` would (TRUNCATE on PostgreSQL), without signals."""
    tables = [model._meta.db_table for model in tracker_models()]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Foreign keys checked at commit would make TRUNCATE refuse inside a transaction that wrote rows.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for sql in connection.ops.sql_flush(no_style(), tables):
            cursor.execute(sql)


def restart_sequences():
    """PostgreSQL's id sequences go on after the ids written here; SQLite's follow by themselves."""
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), tracker_models()):
            cursor.execute(sql)


def create_database(url):
    """Create the PostgreSQL database of `url` unless it exists (SQLite creates its file by itself)."""
    if not url.startswith("postgres"):
        return
    base, name = url.split("?")[0].rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as maintenance:
        if not maintenance.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            maintenance.execute(f'CREATE DATABASE "{name}"')


def migrate():
    """A new database gets its tables first (seeding is timed from then on)."""
    executor = MigrationExecutor(connection)
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        call_command("migrate", verbosity=0)


class SeedError(Exception):
    """The database cannot be seeded as asked."""


def seed(commitments, seed=1, reset=False):
    """Fill the database with `commitments` commitments and their records in one transaction, reproducibly from
    `seed`; returns {what: how many rows}. A database that holds data is refused unless `reset`, which first
    deletes every commitment, source, pillar and their records (and their history)."""
    if commitments < 1:
        raise SeedError("Seed at least 1 commitment.")
    held = {str(m._meta.verbose_name_plural): m.objects.count() for m in (Commitment, SourceDocument, Pillar)}
    if any(held.values()) and not reset:
        found = ", ".join(f"{count} {name}" for name, count in held.items())
        raise SeedError(
            f"The database already holds data ({found}); the seeder fills an empty database. "
            "Reset it (--reset) to delete all of it first, or point DATABASE_URL at another database."
        )
    rng = random.Random(seed)
    with transaction.atomic():
        if reset:
            delete_all()
        pillars, themes = seed_pillars()
        sources = seed_sources(rng, commitments)
        rows, statements = seed_commitments(rng, sources, pillars, themes)
        milestones = seed_milestones(rng, rows)
        indicators = seed_indicators(rng, rows)
        measurements = seed_measurements(rng, indicators, sources)
        updates = seed_updates(rng, rows)
        evidence = seed_evidence(rng, sources, measurements, updates)
        bring_in_line(rows, statements, milestones, indicators, measurements, updates, evidence)
        counts = {
            "source documents": len(sources),
            "pillars": len(pillars),
            "themes": len(themes),
            "commitments": insert(Commitment, rows),
            "statements": insert(Statement, statements),
            "milestones": insert(Milestone, milestones),
            "indicators": insert(Indicator, (row for row, _ in indicators)),
            "evidence sources": insert(EvidenceSource, evidence),
            "measurements": insert(Measurement, measurements),
            "progress updates": insert(ProgressUpdate, updates),
        }
        restart_sequences()
        bump(SITE, COMMITMENTS)  # no signal was sent: no cached public page may survive
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # the planner's statistics now, not whenever autovacuum comes round
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--commitments", type=int, default=20000, help="how many commitments (default 20000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed; the same seed gives the same data")
    parser.add_argument(
        "--reset",
        action="store_true",
        help="first delete every commitment, source, pillar and their records (and their history)",
    )
    args = parser.parse_args(argv)
    create_database(os.environ.get("DATABASE_URL", ""))
    migrate()
    started = time.monotonic()
    try:
        counts = seed(args.commitments, args.seed, args.reset)
    except SeedError as error:
        parser.exit(1, f"{error}\n")
    for name, count in counts.items():
        print(f"{count:>9,} {name}")
    print(f"Seeded {connection.vendor} in {time.monotonic() - started:.1f} s (seed {args.seed}).")


if __name__ == "__main__":
    main()
