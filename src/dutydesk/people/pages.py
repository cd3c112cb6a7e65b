"""People pages: changing a person's contact methods.

The list of everyone shows their rotas, so rotas serve it (rotas/people_pages.py).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, RedirectResponse

from dutydesk.db import unit_of_work
from dutydesk.people import contacts, service
from dutydesk.people.models import Person
from dutydesk.web.forms import FormErrors
from dutydesk.web.page import Page, PostedForm, ResponderPage, web_actor

router = APIRouter(include_in_schema=False)

# The form's fields, with the labels the preview uses for them.
CONTACT_LABELS = {"email": "E-mail", "slack": "Slack member id", "phone": "Phone"}


@router.get("/people/{person_id}/contact", response_class=HTMLResponse)
def contact_form(person_id: str, page: ResponderPage) -> HTMLResponse:
    """The form for a person's e-mail, Slack member id and phone."""
    person = _editable_person(page, person_id)
    values = {name: getattr(person, name) or "" for name in contacts.CONTACT_FIELDS}
    return _show_form(page, person, values, FormErrors())


@router.post("/people/{person_id}/contact/preview", response_class=HTMLResponse)
def contact_preview(person_id: str, page: ResponderPage, form: PostedForm) -> HTMLResponse:
    """What saving the form would change, each field old → new; nothing is saved."""
    person = _editable_person(page, person_id)
    values = _contact_values(form)
    with unit_of_work(page.runtime.read_sessions) as session:
        try:
            changes = contacts.contact_changes(session, person_id, **_typed(values))
        except contacts.InvalidContacts as error:
            return _show_form(page, person, values, _errors_of(error), status=400)
    return page.render(
        "people/contact_preview.html",
        {
            "active": "people",
            "person": person,
            "values": values,
            "changes": changes,
            "labels": CONTACT_LABELS,
        },
    )


@router.post("/people/{person_id}/contact", response_model=None)
def contact_save(
    person_id: str, page: ResponderPage, form: PostedForm
) -> HTMLResponse | RedirectResponse:
    """Save the contact methods (or go back to the form to change them) and audit it."""
    person = _editable_person(page, person_id)
    values = _contact_values(form)
    if form.get("action") == "change":
        return _show_form(page, person, values, FormErrors())
    assert page.user is not None
    with unit_of_work(page.runtime.sessions) as session:
        try:
            changes = contacts.update_contacts(
                session,
                person_id,
                **_typed(values),
                by=page.user,
                actor=web_actor(page),
                now=page.now,
            )
        except contacts.InvalidContacts as error:
            return _show_form(page, person, values, _errors_of(error), status=400)
        session.commit()
    if not changes:
        return page.redirect(
            "/people", flash=f"Nothing changed: {person.name}'s contact methods were already those."
        )
    changed = ", ".join(CONTACT_LABELS[change.field] for change in changes)
    return page.redirect("/people", flash=f"Changed {person.name}'s contact methods: {changed}.")


def _editable_person(page: Page, person_id: str) -> Person:
    """The person (NotFound if there is none), after checking the user may edit them."""
    assert page.user is not None
    with unit_of_work(page.runtime.read_sessions) as session:
        person = service.get_person(session, person_id)
        session.expunge(person)
    contacts.require_contact_editor(page.user, person_id)
    return person


def _contact_values(form: dict[str, str]) -> dict[str, str]:
    return {name: form.get(name, "").strip() for name in contacts.CONTACT_FIELDS}


def _typed(values: dict[str, str]) -> dict[str, str | None]:
    return {name: value or None for name, value in values.items()}


def _errors_of(error: contacts.InvalidContacts) -> FormErrors:
    errors = FormErrors()
    for name, message in error.problems.items():
        errors.add(name, message)
    return errors


def _show_form(
    page: Page, person: Person, values: dict[str, str], errors: FormErrors, *, status: int = 200
) -> HTMLResponse:
    return page.render(
        "people/contact_form.html",
        {
            "active": "people",
            "person": person,
            "values": values,
            "errors": errors.by_field,
            "own": page.user is not None and page.user.person_id == person.id,
        },
        status=status,
    )
