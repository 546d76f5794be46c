"""The tracker's models, one module per concern, all importable from here."""

from .commitments import Commitment, CommitmentQuerySet
from .common import PERCENT_VALIDATORS, translation_columns
from .evidence import Check, EvidenceSource, VerdictRecord
from .measures import Indicator, Measurement, Milestone, MilestoneQuerySet
from .records import ImportedValues, ImportJob, PublicVersion
from .sources import Pillar, SourceDocument, Theme
from .staff import DigestMark, Follow
from .statements import Statement, StatementQuerySet
from .timeline import ProgressUpdate, ProgressUpdateQuerySet

__all__ = [
    "PERCENT_VALIDATORS", "Check", "Commitment", "CommitmentQuerySet", "DigestMark", "EvidenceSource", "Follow",
    "ImportJob", "ImportedValues", "Indicator", "Measurement", "Milestone", "MilestoneQuerySet", "Pillar",
    "ProgressUpdate", "ProgressUpdateQuerySet", "PublicVersion", "SourceDocument", "Statement", "StatementQuerySet",
    "Theme", "VerdictRecord", "translation_columns",
]  # fmt: skip
