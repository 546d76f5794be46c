"""Published commitments as rows shaped like AidData's project-level data (GCDF 3.0 column style).

One row per published commitment, with AidData's column names where a column has a counterpart
here and blank cells where the tracker does not know the value (intent, flow type, constant-dollar
amounts). Tracker-only columns come last. Every cell is escaped against spreadsheet formulas.
Column by column in docs/open-data.md.
"""

import csv
import io

from django.db.models import Exists, OuterRef, Prefetch
from django.utils import translation

from .exports import escape_formula
from .iati import activity_identifier, english, english_field, number, sector_for
from .models import Commitment, Indicator
from .vocabulary import Party, Status

FINANCIER_CHINA = "China (People's Republic of)"
RECIPIENT, RECIPIENT_ISO3, RECIPIENT_REGION = "Pakistan", "PAK", "Asia"
URL_SEPARATOR = "|"

COLUMNS = [
    "AidData Record ID",
    "Recommended For Aggregates",
    "Umbrella",
    "Financier Country",
    "Recipient",
    "Recipient ISO-3",
    "Recipient Region",
    "Commitment Year",
    "Implementation Start Year",
    "Completion Year",
    "Title",
    "Description",
    "Status",
    "Intent",
    "Flow Type",
    "Sector Code",
    "Sector Name",
    "Amount (Original Currency)",
    "Original Currency",
    "Amount (Constant USD 2021)",
    "Amount (Nominal USD)",
    "Source URLs",
    "Source Titles",
    "Tracker Slug",
    "Tracker URL",
    "Tracker IATI Identifier",
    "Tracker Verdict",
    "Tracker Verdict Date",
    "Tracker Evidence",
]


def commitments():
    """Published commitments with what a row shows, in a fixed number of queries."""
    unit = english_field(Indicator, "unit")
    usd_targets = Indicator.objects.filter(**{f"{unit}__iexact": "USD"}, target_value__isnull=False)
    return (
        Commitment.objects.published()
        .select_related("source", "theme")
        .annotate(umbrella=Exists(Commitment.objects.published().filter(parent=OuterRef("pk"))))
        .prefetch_related(Prefetch("indicators", queryset=usd_targets, to_attr="usd_targets"))
    )


def year(day):
    return day.year if day else ""


def row(commitment, request):
    """One commitment's cells, by column name, before escaping."""
    source = commitment.source
    sector = sector_for(commitment)
    amount = number(commitment.usd_targets[0].target_value) if commitment.usd_targets else ""
    description = f"“{commitment.quote}”"
    if summary := english(commitment, "summary"):
        description = f"{summary} The source says: {description}"
    source_urls = [request.build_absolute_uri(source.get_absolute_url()), *([source.url] if source.url else [])]
    return {
        "AidData Record ID": commitment.aiddata_id,
        "Recommended For Aggregates": "No",
        "Umbrella": "Yes" if commitment.umbrella else "No",
        "Financier Country": FINANCIER_CHINA if commitment.party in (Party.CHINA, Party.BOTH) else "",
        "Recipient": RECIPIENT,
        "Recipient ISO-3": RECIPIENT_ISO3,
        "Recipient Region": RECIPIENT_REGION,
        "Commitment Year": source.date.year,
        "Implementation Start Year": year(commitment.start_date),
        "Completion Year": year(commitment.completed_on),
        "Title": english(commitment, "title"),
        "Description": description,
        "Status": Status(commitment.status).aiddata_status,
        "Intent": "",
        "Flow Type": "",
        "Sector Code": sector.category_code if sector else "",
        "Sector Name": sector.category_name if sector else "",
        "Amount (Original Currency)": amount,
        "Original Currency": "USD" if amount else "",
        "Amount (Constant USD 2021)": "",
        "Amount (Nominal USD)": amount,
        "Source URLs": URL_SEPARATOR.join(source_urls),
        "Source Titles": source.title,
        "Tracker Slug": commitment.slug,
        "Tracker URL": request.build_absolute_uri(commitment.get_absolute_url()),
        "Tracker IATI Identifier": activity_identifier(commitment),
        "Tracker Verdict": english_label(commitment, "verdict"),
        "Tracker Verdict Date": commitment.verdict_date.isoformat() if commitment.verdict_date else "",
        "Tracker Evidence": english_label(commitment, "evidence_strength"),
    }


def english_label(commitment, field):
    """A choice's label in English, as the rest of the file."""
    with translation.override("en"):
        return str(getattr(commitment, f"get_{field}_display")())


def csv_text(request):
    """The whole CSV file: a header and one escaped row per published commitment."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for commitment in commitments():
        cells = row(commitment, request)
        writer.writerow([escape_formula(cells[column]) for column in COLUMNS])
    return out.getvalue()
