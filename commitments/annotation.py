"""Splitting a source text into plain and quoted passages for the annotated source page."""

from dataclasses import dataclass


@dataclass
class Passage:
    text: str
    commitments: list  # the commitments whose quotes cover this passage, innermost first
    starts: list  # commitments whose quote begins here (their anchors go before the passage)

    @property
    def commitment(self):
        return self.commitments[0] if self.commitments else None


def annotate(text, commitments):
    """Cut `text` at every quote boundary; quotes may overlap or nest."""
    commitments = [c for c in commitments if text[c.quote_start : c.quote_end] == c.quote]
    cuts = sorted({0, len(text)} | {c.quote_start for c in commitments} | {c.quote_end for c in commitments})
    passages = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = sorted(
            (c for c in commitments if c.quote_start <= start and end <= c.quote_end),
            key=lambda c: len(c.quote),
        )
        starting = [c for c in commitments if c.quote_start == start]
        passages.append(Passage(text[start:end], covering, starting))
    return passages
