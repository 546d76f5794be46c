from django import template

from ..charts import Drift, Sparkline

register = template.Library()


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
