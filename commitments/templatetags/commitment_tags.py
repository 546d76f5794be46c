from django import template

from ..charts import Sparkline

register = template.Library()


@register.simple_tag
def sparkline(measurements):
    return Sparkline.from_measurements(measurements)


@register.simple_tag
def milestone_state(milestone, today):
    if milestone.is_done:
        return "done"
    return "overdue" if milestone.is_overdue(today) else "due"
