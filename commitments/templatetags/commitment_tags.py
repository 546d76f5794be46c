from django import template

from .. import badges
from ..charts import Drift, Sparkline, bar_rows

register = template.Library()
register.simple_tag(badges.status_badge, name="status_badge")
register.simple_tag(badges.progress_bar, name="progress_bar")
register.simple_tag(bar_rows, name="bar_rows")


@register.simple_tag
def sparkline(measurements):
    return Sparkline.from_measurements(measurements)


@register.simple_tag
def milestone_state(milestone, today):
    if milestone.is_done:
        return "done"
    return "overdue" if milestone.is_overdue(today) else "due"


@register.filter
def precise(obj, name):
    """`{{ commitment|precise:"target_date" }}`: the date as its source gives it (a PreciseDate), or None."""
    return obj.precise(name)


@register.simple_tag
def drift(statements):
    return Drift.of(statements)


@register.simple_tag
def active_filters(filterset):
    """[(label, value in words)] of the filters a table or map is narrowed by, for the summary of the filters."""
    form = filterset.form
    if not form.is_bound or not form.is_valid():
        return []
    active = []
    for name, value in form.cleaned_data.items():
        if value in (None, "", [], ()):
            continue
        field = form.fields[name]
        choices = dict(getattr(field, "choices", []) or [])
        values = value if isinstance(value, (list, tuple)) else [value]
        active.append((field.label, ", ".join(str(choices.get(v, choices.get(str(v), v))) for v in values)))
    return active
