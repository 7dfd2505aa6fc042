"""Select widgets that write their options in Python.

Django renders each `<option>` of a select through two templates (the option and its attributes);
a filter bar with a few hundred options spends more time there than the rest of its page. These
widgets write the same HTML directly, from the same context Django builds (`get_context`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe


def _attrs(attrs: dict[str, Any]) -> str:
    # As django/forms/widgets/attrs.html: False leaves the attribute out, True writes it bare.
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


class FastOptionsMixin:
    def render(self, name: str, value: Any, attrs: Any = None, renderer: Any = None) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]  # type: ignore[attr-defined]
        parts = [f'<select name="{escape(widget["name"])}"{_attrs(widget["attrs"])}>']
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(f'<optgroup label="{escape(group_name)}">')
            parts.extend(
                f'<option value="{escape(option["value"])}"{_attrs(option["attrs"])}>'
                f"{escape(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("</optgroup>")
        parts.append("</select>")
        return mark_safe("".join(parts))  # every value above is escaped


class FastSelect(FastOptionsMixin, forms.Select):
    pass


class FastSelectMultiple(FastOptionsMixin, forms.SelectMultiple):
    pass


class FastNullBooleanSelect(FastOptionsMixin, forms.NullBooleanSelect):
    pass
