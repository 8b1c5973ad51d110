"""Reads the POST forms of a rendered page like a browser would: action, fields, their options and values."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Field:
    name: str
    kind: str  # text, textarea, select, checkbox, radio, date, datetime-local, number, file, hidden, password
    options: list[str] = field(default_factory=list)
    value: str = ""


@dataclass
class PageForm:
    action: str
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def signature(self) -> tuple:
        return (self.action.split("?")[0], tuple(sorted(self.fields)))


class _Parser(HTMLParser):
    def __init__(self, page_url: str):
        super().__init__()
        self.page_url, self.forms, self.form, self.select = page_url, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "get").lower() == "post":
            self.form = PageForm(a.get("action") or self.page_url)
        elif tag == "option" and self.select is not None:
            self.select.options.append(a.get("value", ""))
        elif self.form is None or not a.get("name"):
            return
        elif tag == "input":
            self._input(a)
        elif tag == "textarea":
            self.form.fields.setdefault(a["name"], Field(a["name"], "textarea"))
        elif tag == "select":
            self.select = self.form.fields.setdefault(a["name"], Field(a["name"], "select"))

    def _input(self, a: dict) -> None:
        kind = (a.get("type") or "text").lower()
        if kind in ("submit", "button", "reset"):
            return
        current = self.form.fields.setdefault(a["name"], Field(a["name"], kind, value=a.get("value", "")))
        if kind in ("radio", "checkbox"):
            current.options.append(a.get("value", "on"))

    def handle_endtag(self, tag):
        if tag == "select":
            self.select = None
        elif tag == "form" and self.form is not None:
            self.forms.append(self.form)
            self.form = None


def post_forms(html: str, page_url: str) -> list[PageForm]:
    parser = _Parser(page_url)
    parser.feed(html)
    return parser.forms
