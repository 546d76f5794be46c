"""The tracker's models, one module per concern, all importable from here."""

from .commitments import Commitment, CommitmentQuerySet
from .common import PERCENT_VALIDATORS, translation_columns
from .measures import Indicator, Measurement, Milestone, MilestoneQuerySet
from .records import ImportedValues, ImportJob, PublicVersion
from .sources import Pillar, SourceDocument, Theme
from .staff import DigestMark, Follow
from .statements import Statement, StatementQuerySet
from .timeline import ProgressUpdate, ProgressUpdateQuerySet

__all__ = [
    "PERCENT_VALIDATORS", "Commitment", "CommitmentQuerySet", "DigestMark", "Follow", "ImportJob", "ImportedValues",
    "Indicator", "Measurement", "Milestone", "MilestoneQuerySet", "Pillar", "ProgressUpdate",
    "ProgressUpdateQuerySet", "PublicVersion", "SourceDocument", "Statement", "StatementQuerySet", "Theme",
    "translation_columns",
]  # fmt: skip
