"""Forms: reading fields, and putting a service's error message next to the field it names.

Services name the field their message is about at its start ("from: not a time ..."), the way
the API and CLI show them; a page shows such a message beside that field, and any other at the
top of the form.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dutydesk.errors import DutydeskError, Invalid

FORM_ERROR = "form"


@dataclass
class FormErrors:
    """Messages by field name (FORM_ERROR for the form as a whole)."""

    by_field: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, message: str) -> None:
        """Record a message for a field (the first one for a field wins)."""
        self.by_field.setdefault(name, message)

    def add_error(self, error: DutydeskError, fields: tuple[str, ...]) -> None:
        """Place a service's error beside the field its message names, else on the form."""
        name, separator, rest = error.message.partition(": ")
        if separator and name in fields:
            self.add(name, rest)
        else:
            self.add(FORM_ERROR, error.message)

    def __bool__(self) -> bool:
        return bool(self.by_field)


def required(form: dict[str, str], name: str, errors: FormErrors, *, label: str) -> str:
    """A field's trimmed text; records 'Enter …' when it is empty."""
    value = form.get(name, "").strip()
    if not value:
        errors.add(name, f"enter {label}")
    return value


def optional(form: dict[str, str], name: str) -> str | None:
    """A field's trimmed text, or None when empty."""
    value = form.get(name, "").strip()
    return value or None


def field_error(name: str, error: Invalid) -> FormErrors:
    """FormErrors holding one message for one field."""
    errors = FormErrors()
    errors.add_error(error, (name,))
    return errors


@dataclass(frozen=True)
class PageForm:
    """A form of a page that holds several: the field its refusals are shown beside, the
    service's field names as the form calls them, and the fields it posts (kept when refused)."""

    main: str
    renames: dict[str, str] = field(default_factory=dict)
    fields: tuple[str, ...] = ()

    def errors_for(self, error: DutydeskError) -> FormErrors:
        """The service's message beside the field it names, else beside the form's main one."""
        errors = FormErrors()
        name, separator, rest = error.message.partition(": ")
        if separator and name in self.renames:
            errors.add(self.renames[name], rest)
        else:
            errors.add(self.main, error.message)
        return errors


def posted_text(form: dict[str, str], name: str) -> str:
    """A textarea's text with the browser's CRLF line ends made plain newlines."""
    return form.get(name, "").replace("\r\n", "\n")
