"""`{% panels shown %}`: render a page's panels (tandem.core.panels.panels_for) in order, each as an
included template would render: with the page's context and, on top of it, the panel's own."""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.template import Context
from django.utils.safestring import SafeString, mark_safe

from tandem.core.panels import Shown

register = template.Library()


@register.simple_tag(takes_context=True)
def panels(context: Context, shown: Iterable[Shown]) -> SafeString:
    page = context.template
    if page is None:  # a tag always renders inside a template
        raise template.TemplateSyntaxError("{% panels %} renders inside a template")
    parts = []
    for panel in shown:
        with context.push(panel.context):
            parts.append(page.engine.get_template(panel.template).render(context))
    return mark_safe("\n".join(parts))  # noqa: S308 - each part is a template's autoescaped output
