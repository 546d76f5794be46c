"""Content entered in English, Urdu and Chinese (django-modeltranslation).

Each registered field gets one column per language (`title_en`, `title_ur`, `title_zh_hans`);
reading `title` gives the current language, falling back to English where a translation is missing.
Quotes are never translated: they stay verbatim in the language of their source.
"""

from modeltranslation.translator import TranslationOptions, register

from .models import Commitment, Indicator, Milestone, Pillar, ProgressUpdate, Theme


@register(Pillar)
class PillarTranslation(TranslationOptions):
    fields = ["name", "description"]


@register(Theme)
class ThemeTranslation(TranslationOptions):
    fields = ["name", "description"]


@register(Commitment)
class CommitmentTranslation(TranslationOptions):
    fields = ["title", "summary"]


@register(Milestone)
class MilestoneTranslation(TranslationOptions):
    fields = ["title"]


@register(Indicator)
class IndicatorTranslation(TranslationOptions):
    fields = ["name", "unit"]


@register(ProgressUpdate)
class ProgressUpdateTranslation(TranslationOptions):
    fields = ["text"]
