"""The drafting desk's suggester: which sentences of a new statement state a commitment, and what they promise.

The text is split into sentences with pysbd (English, Urdu and Chinese), keeping each sentence's character
position, so that a quote taken from a suggestion is the text's own characters. Each sentence is scored on
what commitments are made of: promise language, quantities, dates and deadlines, places and the parties
named. A suggestion says why it was made, proposes a claim kind and a party, and offers the existing
commitments it may restate (by their titles' distinctive words, their places and their other names).
`manage.py evaluate_suggestions` measures it against a catalogue's statements.
"""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import pysbd
from django.utils.translation import gettext_lazy as _

from .vocabulary import ClaimKind, DatePrecision, Party

PYSBD_LANGUAGES = {"en": "en", "ur": "ur", "zh-hans": "zh"}

# Words that make a sentence a promise, a request, a report or an aspiration, per language.
PROMISE = {
    "en": r"\b(will|shall|'ll|agreed? to|agree on|must|commit(?:ted|ment|s)?|ready to|prepared to|pledge[sd]?|"
    r"promise[sd]?|undertake|determined to|hope that|look forward|aim(?:s)? to|should|continue to|"
    r"work (?:together|with)|support|ensure|promote|accelerate|strengthen|deepen|implement|expand|uphold|"
    r"safeguard)\b|’ll\b",
    "ur": r"(گے|گی|گا|عزم|وعدہ|تیار ہیں|تیار ہے|چاہیے|امید|کریں)",
    "zh": r"(将|愿|要|承诺|同意|致力|希望|期待|继续|推动|推进|支持|加强|必须)",
}
REQUEST = {
    "en": r"\b(hope[sd]? that|urge[sd]?|call(?:s|ed)? on|ask(?:s|ed)?|expect(?:s|ed)? (?:that|\w+ to))\b",
    "ur": r"(امید ہے کہ|مطالبہ|زور دیا)",
    "zh": r"(希望.{0,6}(巴方|巴基斯坦|中方)|敦促|要求)",
}
REPORTED = {
    "en": r"\b(has|have|had) (?:\w+ ){0,3}(been|[a-z]+ed)\b|\b(exceeded|arrived|launched|distributed|commenced|"
    r"completed|opened|signed|held|visited|reached|delivered|provided)\b",
    "ur": r"(چکا|چکی|چکے|کیا گیا|کی گئی|ہو گیا|ہوئی|پہنچ)",
    "zh": r"(已经|已|了|实现|完成|抵达|启用)",
}
ASPIRATION = {
    "en": r"\b(aim(?:s)? to|look forward|should|strive|vision|hope to)\b",
    "ur": r"(خواہش|کوشش|چاہیے|مقصد)",
    "zh": r"(期待|致力于|努力|愿景|目标)",
}
JOINT = {
    "en": r"\b(both sides|two sides|together|jointly|with pakistan|with china|work with|two countries|we must)\b",
    "ur": r"(دونوں|مل کر|مشترکہ)",
    "zh": r"(双方|共同|一道|携手|中巴)",
}
PARTIES = {
    Party.CHINA: {"en": r"\b(china|chinese|beijing)\b", "ur": r"(چین|چینی)", "zh": r"(中国|中方)"},
    Party.PAKISTAN: {"en": r"\b(pakistan|pakistani|islamabad)\b", "ur": r"(پاکستان)", "zh": r"(巴基斯坦|巴方)"},
}
QUANTITY = re.compile(
    r"(?P<number>\d[\d,]*(?:\.\d+)?)\s*(?P<scale>million|billion|thousand|万|亿|ملین|ارب|ہزار)?\s*"
    r"(?P<unit>[^\W\d_][^\W\d]*(?:\s+[^\W\d_][^\W\d]*)?)?",
)
SCALES = {"thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "万": 10_000, "亿": 100_000_000,
          "ہزار": 1_000, "ملین": 1_000_000, "ارب": 1_000_000_000}  # fmt: skip
YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
DATE_WORDS = {
    "en": r"\b(by (?:the end of )?|before |in |until |within )?(january|february|march|april|may|june|july|august|"
    r"september|october|november|december|next year|this year|last year|\d{4})\b",
    "ur": r"(سال|ماہ|تک|جنوری|فروری|مارچ|اپریل|مئی|جون|جولائی|اگست|ستمبر|اکتوبر|نومبر|دسمبر)",
    "zh": r"(年|月|日|之前|以前|到期)",
}
MONTHS = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
          "november", "december"]  # fmt: skip
# Places the desk recognises before any commitment names them.
PLACES = [
    "Gwadar", "Karachi", "Peshawar", "Lahore", "Islamabad", "Rawalpindi", "Quetta", "Multan", "Rohri", "Khunjerab",
    "Xinjiang", "Kashgar", "Beijing", "Balochistan", "Sindh", "Punjab", "Khyber Pakhtunkhwa", "Gilgit", "Baltistan",
    "Sost", "Thakot", "Raikot", "Dasu", "Diamer", "Rashakai", "Dhabeji", "Faisalabad",
    "گوادر", "کراچی", "پشاور", "لاہور", "اسلام آباد", "خنجراب", "سنکیانگ", "بلوچستان",
    "瓜达尔", "卡拉奇", "白沙瓦", "拉合尔", "伊斯兰堡", "红其拉甫", "新疆", "喀什", "北京", "俾路支",
]  # fmt: skip
# Words too common to tell one commitment's title from another's.
STOP_WORDS = {
    "a", "an", "and", "the", "of", "in", "on", "for", "to", "with", "by", "from", "at", "as", "its", "their", "our",
    "promote", "support", "advance", "continue", "upgrade", "cooperation", "china", "chinese", "pakistan",
    "pakistani", "cpec", "develop", "development", "project", "projects", "programme", "two", "sides", "both",
    "more", "new", "high", "level", "high-level",
}  # fmt: skip
MIN_SCORE = 2


@dataclass
class Sentence:
    start: int
    end: int
    text: str


@dataclass
class Candidate:
    sentence: Sentence
    score: int = 0
    reasons: list = field(default_factory=list)
    claim_kind: str = ClaimKind.PLEDGE
    party: str = ""
    quantity: Decimal | None = None
    unit: str = ""
    deadline: tuple | None = None  # (the latest day, its precision)
    places: list = field(default_factory=list)
    restates: list = field(default_factory=list)
    drafted: list = field(default_factory=list)  # what the desk has drafted from this sentence already

    @property
    def suggested(self):
        return self.score >= MIN_SCORE

    @property
    def quote(self):
        return self.sentence.text.strip()

    @property
    def claim_kind_label(self):
        return ClaimKind(self.claim_kind).label

    @property
    def party_label(self):
        return Party(self.party).label if self.party else ""


def language_of(code):
    return PYSBD_LANGUAGES.get(code, "en")


def sentences(text, language="en"):
    """The text's sentences with their positions; a sentence's text is text[start:end], trailing space included."""
    segmenter = pysbd.Segmenter(language=language_of(language), clean=False, char_span=True)
    found, position = [], 0
    for span in segmenter.segment(text):
        # pysbd's spans can drift on repeated sentences: find each one from where the last one ended.
        start = text.find(span.sent, position)
        if start < 0:
            continue
        end = start + len(span.sent)
        for line in _lines(text, start, end):
            found.append(line)
        position = end
    return found


def _lines(text, start, end):
    """A span cut at blank lines: a heading or a line of its own is a sentence of its own."""
    for match in re.finditer(r"[^\n]+", text[start:end]):
        if match.group().strip():
            yield Sentence(start + match.start(), start + match.end(), match.group())


def suggest(text, language="en", commitments=()):
    """Every sentence of the text, scored; `commitments` are the existing ones a sentence may restate."""
    lang = language_of(language)
    known = [(commitment, names_of(commitment)) for commitment in commitments]
    return [score(Candidate(sentence), lang, known) for sentence in sentences(text, language)]


def score(candidate, lang, known):
    text = candidate.sentence.text
    lowered = text.lower()
    if re.search(PROMISE[lang], lowered):
        candidate.score += 2
        candidate.reasons.append(_("promise language"))
    if re.search(REPORTED[lang], lowered):
        candidate.score += 1
        candidate.reasons.append(_("reports a result"))
    quantity = find_quantity(text)
    if quantity:
        candidate.quantity, candidate.unit = quantity
        candidate.score += 1
        candidate.reasons.append(_("a quantity"))
    deadline = find_deadline(lowered)
    if deadline or re.search(DATE_WORDS[lang], lowered):
        candidate.deadline = deadline
        candidate.score += 1
        candidate.reasons.append(_("a date or deadline"))
    candidate.places = [place for place in PLACES if place.lower() in lowered]
    if candidate.places:
        candidate.score += 1
        candidate.reasons.append(_("a place"))
    named = [party for party, patterns in PARTIES.items() if re.search(patterns[lang], lowered)]
    joint = re.search(JOINT[lang], lowered)
    if named or joint or re.search(r"\b(we|us|our)\b|我们|ہم", lowered):
        candidate.score += 1
        candidate.reasons.append(_("names who acts"))
    # The side named first is the one that acts: "China will provide ... to Pakistani students".
    named.sort(key=lambda party: re.search(PARTIES[party][lang], lowered).start())
    candidate.party = Party.BOTH if joint else (named[0] if named else "")
    candidate.restates = [commitment for commitment, names in known if any(name in lowered for name in names)]
    if candidate.restates:
        candidate.score += 2
        candidate.reasons.append(_("names an existing commitment"))
    candidate.claim_kind = claim_kind_of(lowered, lang, joint)
    return candidate


def claim_kind_of(lowered, lang, joint):
    if re.search(REQUEST[lang], lowered):
        return ClaimKind.REQUEST
    if re.search(REPORTED[lang], lowered) and not re.search(PROMISE[lang], lowered):
        return ClaimKind.REPORTED_RESULT
    if re.search(ASPIRATION[lang], lowered):
        return ClaimKind.ASPIRATION
    return ClaimKind.JOINT_PLEDGE if joint else ClaimKind.PLEDGE


def find_quantity(text):
    """(number, unit) of the first number that is not a year or a day of the month, if any."""
    for match in QUANTITY.finditer(text):
        raw = match.group("number").replace(",", "")
        try:
            number = Decimal(raw)
        except InvalidOperation:
            continue
        unit = (match.group("unit") or "").strip()
        if YEAR.fullmatch(raw) or unit.lower() in MONTHS or re.match(r"(st|nd|rd|th)\b", unit.lower()):
            continue
        if match.start() > 0 and text[match.start() - 1] in "$€£¥":
            unit = "US dollars" if text[match.start() - 1] == "$" else text[match.start() - 1]
        scale = match.group("scale")
        return number * SCALES.get(scale, 1), unit[:100]
    return None


def find_deadline(lowered):
    """The latest day a deadline like "by the end of 2027" or "by June 2027" allows, with its precision."""
    months = "|".join(MONTHS)
    month = re.search(rf"\b(?:by|before|in|until) (?:the end of )?({months}) (20\d\d)\b", lowered)
    if month:
        return datetime.date(int(month.group(2)), MONTHS.index(month.group(1)) + 1, 1), DatePrecision.MONTH
    year = re.search(r"\b(?:by|before|in|until|within) (?:the end of )?(20\d\d)\b", lowered)
    if year:
        return datetime.date(int(year.group(1)), 12, 31), DatePrecision.YEAR
    return None


def names_of(commitment):
    """What a commitment's project is called: its other names, its place, and its title's distinctive words in
    pairs ("main line-1", "gwadar port"), lower-cased."""
    names = {name.strip().lower() for name in (commitment.aliases or "").split(",") if len(name.strip()) > 2}
    words = [word for word in re.findall(r"[\w-]+", commitment.title.lower()) if word not in STOP_WORDS]
    names |= {f"{first} {second}" for first, second in zip(words, words[1:], strict=False)}
    return names


@dataclass
class Evaluation:
    sentences: int
    suggested: list
    found: int
    missed: list
    holding: int

    @property
    def recall(self):
        return self.found / (self.found + len(self.missed)) if self.found + len(self.missed) else 1.0

    @property
    def precision(self):
        return self.holding / len(self.suggested) if self.suggested else 0.0


def evaluate(text, language, quotes, commitments=()):
    """How the suggestions for `text` compare with the statements (quotes) an editor took from it."""
    candidates = suggest(text, language, commitments)
    suggested = [candidate.sentence for candidate in candidates if candidate.suggested]
    spans = [(text.find(quote), text.find(quote) + len(quote)) for quote in quotes if quote in text]
    missed = [quote for quote in quotes if quote not in text or not _covered(text.find(quote), quote, suggested)]
    holding = sum(any(start < s.end and s.start < end for start, end in spans) for s in suggested)
    return Evaluation(len(candidates), suggested, len(quotes) - len(missed), missed, holding)


def _covered(start, quote, suggested):
    """Whether the quote lies within suggested sentences (one, or several in a row)."""
    end, position = start + len(quote), start
    for sentence in sorted(suggested, key=lambda s: s.start):
        if sentence.start <= position < sentence.end:
            position = sentence.end
            if position >= end or not quote[position - start :].strip():
                return True
    return False
