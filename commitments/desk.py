"""The drafting desk: a new statement's sentences turned into draft commitments and restatements.

A quote is never typed: the desk receives the start and end of a span of the source text (a suggested
sentence, or what the editor selected) and takes the characters from the text itself. Everything is saved
through the services layer; drafts stay unpublished until an editor publishes them.
"""

import yaml
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext as _

from . import services
from .models import Commitment, Statement
from .suggest import find_deadline, find_quantity, suggest
from .vocabulary import ClaimKind, CommitmentKind, DatePrecision, Party


def span_of(source, start, end):
    """(start, quote) of a span of the source text, without the spaces around it; refused when empty or out of
    the text."""
    if not (0 <= start < end <= len(source.text)):
        raise ValidationError(_("That span is not in the source text."))
    raw = source.text[start:end]
    quote = raw.strip()
    if not quote:
        raise ValidationError(_("That span holds no words."))
    return start + raw.index(quote), quote


def proposals(source):
    """The source's sentences, scored, with the commitments each may restate and what was drafted from them."""
    existing = Commitment.objects.exclude(statements__source=source).only("pk", "slug", "title", "aliases")
    candidates = suggest(source.text, source.language, list(existing))
    statements = list(Statement.objects.filter(source=source).select_related("commitment"))
    for candidate in candidates:
        span = candidate.sentence
        candidate.drafted = [s.commitment for s in statements if span.start <= s.quote_start < span.end]
    return candidates


def initial_values(source, start, end, candidates=None):
    """A draft's fields as the sentence gives them, for the editor to check. `candidates`: the source's
    proposals, when the caller has them already."""
    start, quote = span_of(source, start, end)
    candidates = proposals(source) if candidates is None else candidates
    candidate = next((c for c in candidates if c.sentence.start <= start < c.sentence.end), None)
    quantity = find_quantity(quote)
    deadline = find_deadline(quote.lower())
    return {
        "start": start,
        "end": start + len(quote),
        "title": quote[:200],
        "party": candidate.party if candidate else "",
        "claim_kind": candidate.claim_kind if candidate else "",
        "quantity": quantity[0] if quantity else None,
        "unit": quantity[1] if quantity else "",
        "target_date": deadline[0] if deadline else None,
        "target_date_precision": deadline[1] if deadline else DatePrecision.DAY,
        "place": ", ".join(candidate.places) if candidate else "",
        "restates": candidate.restates[0] if candidate and candidate.restates else None,
    }


def statement_for(source, start, end, data, commitment=None):
    start, quote = span_of(source, start, end)
    return Statement(
        commitment=commitment,
        source=source,
        quote=quote,
        speaker=data.get("speaker") or data["party"],
        claim_kind=data["claim_kind"],
        deliverable=data.get("deliverable") or "",
        quantity=data.get("quantity"),
        unit=data.get("unit") or "",
        place=data.get("place") or "",
        target_date=data.get("target_date"),
        target_date_precision=data.get("target_date_precision") or DatePrecision.DAY,
        responsible_party=data["party"],
    )


def draft(source, start, end, data, user):
    """A new draft commitment first stated in this span, or, with `restates`, a new statement of an existing one."""
    if data.get("restates"):
        statement = statement_for(source, start, end, data, commitment=data["restates"])
        return services.save_part(statement, user=user, expected_version=None).commitment
    statement = statement_for(source, start, end, data)
    commitment = Commitment(
        title=data["title"],
        slug=unique_slug(data["title"]),
        pillar=data["pillar"],
        theme=data.get("theme"),
        party=data["party"],
        kind=data.get("kind") or CommitmentKind.PROGRAMME,
        source=source,
        quote=statement.quote,
        published=False,
    )
    # The statement is saved in the same write, once the commitment has its id.
    with services.write():
        services.save_commitment(commitment, user=user)
        statement.commitment = commitment
        services.save_part(statement, user=user)
    return commitment


def draft_many(source, spans, pillar, user):
    """The checked sentences (the desk without JavaScript), each a draft with the values the sentence gives."""
    drafted, candidates = [], proposals(source)  # the text is split and scored once, not once a sentence
    with services.write():
        for start, end in spans:
            values = initial_values(source, start, end, candidates)
            values.update(
                pillar=pillar,
                restates=None,
                party=values["party"] or Party.BOTH,
                claim_kind=values["claim_kind"] or ClaimKind.PLEDGE,
            )
            drafted.append(draft(source, values["start"], values["end"], values, user))
    return drafted


def unique_slug(title):
    base = slugify(title)[:80].strip("-") or "commitment"
    slug, number = base, 2
    while Commitment.objects.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def catalogue_of(source):
    """The source and what was drafted from it, as a catalogue file `import_catalogue` reads back."""
    entries = []
    for statement in (
        Statement.objects.filter(source=source)
        .select_related("commitment", "commitment__pillar", "commitment__theme")
        .order_by("pk")
    ):
        commitment = statement.commitment
        said = {
            "quote": statement.quote,
            "speaker": statement.speaker,
            "claim_kind": statement.claim_kind,
            "deliverable": statement.deliverable,
            "quantity": float(statement.quantity) if statement.quantity is not None else None,
            "unit": statement.unit,
            "place": statement.place,
            "target_date": statement.target_date,
            "target_date_precision": statement.target_date_precision,
            "responsible_party": statement.responsible_party,
        }
        if commitment.source_id != source.pk:
            entries.append({"restates": commitment.slug, **said})
            continue
        entries.append({
            "slug": commitment.slug,
            "title": commitment.title,
            "pillar": commitment.pillar.slug,
            "theme": commitment.theme.slug if commitment.theme else None,
            "party": commitment.party,
            "kind": commitment.kind,
            "published": commitment.published,
            **said,
        })  # fmt: skip
    document = {
        "source": {
            "slug": source.slug,
            "title": source.title,
            "date": source.date,
            "speaker": source.speaker,
            "kind": source.kind,
            "url": source.url,
            "language": source.language,
            "text": source.text,
        },
        "commitments": entries,
    }
    return yaml.safe_dump(document, allow_unicode=True, sort_keys=False, width=120)
