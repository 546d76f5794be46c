"""Splitting a source text into plain and quoted passages for the annotated source page."""

from dataclasses import dataclass


@dataclass
class Passage:
    text: str
    statements: list  # the statements whose quotes cover this passage, innermost first
    starts: list  # statements whose quote begins here (their anchors go before the passage)
    shared_ends: list = None  # where several statements share a quote that ends here: all of them, to link each

    @property
    def statement(self):
        return self.statements[0] if self.statements else None

    @property
    def commitments(self):
        return [statement.commitment for statement in self.statements]


def annotate(text, statements):
    """Cut `text` at every quote boundary; quotes may overlap, nest, or be shared by items of one list."""
    statements = [s for s in statements if text[s.quote_start : s.quote_end] == s.quote]
    cuts = sorted({0, len(text)} | {s.quote_start for s in statements} | {s.quote_end for s in statements})
    passages = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        covering = sorted(
            (s for s in statements if s.quote_start <= start and end <= s.quote_end),
            key=lambda s: len(s.quote),
        )
        starting = [s for s in statements if s.quote_start == start]
        ending = [s for s in covering if s.quote_end == end]
        shared = ending if len(ending) > 1 else []
        passages.append(Passage(text[start:end], covering, starting, shared))
    return passages
