"""Incident pages: the list with the form that declares one, one incident's page (roles,
document, timeline, links, and what responders do there), and the document's editor.

Every signed-in user reads them, the viewer role included; responders and admins change them.
Each form runs one service call in one transaction; when the service refuses, nothing is
committed and the page comes back with the reason beside the form's field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Alert
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, DutydeskError, Invalid, NotFound
from dutydesk.incidents import document_edits, links, review, service, timeline
from dutydesk.incidents.document import render
from dutydesk.incidents.document_edits import DocumentConflict
from dutydesk.incidents.export import FORMATS, SUFFIXES, timeline_file
from dutydesk.incidents.models import (
    OPEN_STATUSES,
    PRIORITIES,
    ROLE_NAMES,
    ROLES,
    TITLE_LENGTH,
    Incident,
)
from dutydesk.incidents.policy import incident_policy
from dutydesk.incidents.service import MOVES
from dutydesk.incidents.timeline_view import rendered_timeline, timeline_rows
from dutydesk.incidents.views import view_incident
from dutydesk.people.service import name_of, person_names
from dutydesk.tasks.service import NewTask, tasks_from
from dutydesk.text import one_line
from dutydesk.tickets import service as tickets
from dutydesk.timeparse import parse_time
from dutydesk.web.forms import FormErrors, PageForm, posted_text
from dutydesk.web.page import (
    ME,
    Page,
    PostedForm,
    ResponderPage,
    SignedInPage,
    chosen_person,
    web_actor,
)

router = APIRouter(include_in_schema=False)

# An alert's severity as an incident's priority, when one is declared from it.
SEVERITY_PRIORITY = {"critical": "P1", "error": "P2", "warning": "P3", "info": "P4"}
DEFAULT_PRIORITY = "P2"
RECENT_CLOSED = 20


STATUS = PageForm("status", {"status": "status"}, ("status",))
PRIORITY = PageForm("priority", {"priority": "priority"}, ("priority",))
ROLE = PageForm("role_person", {"person": "role_person", "role": "role"}, ("role", "role_person"))
UPDATE = PageForm("update", {"update": "update"}, ("update",))
CHECK = PageForm("check", {}, ("check_note",))
ENTRY = PageForm("entry", {"text": "entry", "occurred_at": "occurred_at"}, ("entry", "occurred_at"))
LINK = PageForm("link", {}, ("link",))
JOIN = PageForm("join", {"person": "join"}, ())
ESCALATE = PageForm("escalate", {}, ())
EDIT = PageForm("text", {"text": "text", "occurred_at": "occurred_at"}, ())


@router.get("/incidents", response_class=HTMLResponse)
def incident_list(page: SignedInPage) -> HTMLResponse:
    """Open incidents, then the latest closed ones, and the form that declares one."""
    return _list_page(page)


def _list_page(
    page: Page,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(page.runtime.read_sessions) as session:
        open_ones = service.list_incidents(session, statuses=OPEN_STATUSES)
        closed = service.list_incidents(
            session, statuses=("resolved", "reviewed"), limit=RECENT_CLOSED
        )
        people = person_names(session)
    return page.render(
        "incidents/list.html",
        {
            "active": "incidents",
            "open_incidents": open_ones,
            "closed_incidents": closed,
            "may_change": page.may("responder"),
            "priority_options": [(p, p) for p in PRIORITIES],
            "lead_options": list(people.items()),
            "errors": errors.by_field if errors else {},
            "values": {"priority": "P2"} | (values or {}),
        },
        status=status,
    )


@router.post("/incidents", response_class=HTMLResponse)
def declare(page: ResponderPage, form: PostedForm) -> Response:
    """Declare an incident: from the list's form, an alert's page or a ticket's page."""
    assert page.user is not None
    values = {name: form.get(name, "").strip() for name in ("title", "priority", "lead")}
    alert = _number(form.get("alert", ""))
    ticket = _number(form.get("ticket", ""))
    with unit_of_work(page.runtime.sessions) as session:
        try:
            if alert or ticket:
                values = _from_what_it_links(session, values, alert, ticket)
            incident = service.declare(
                session,
                incident_policy(session),
                service.Declaration(
                    title=values["title"],
                    priority=values["priority"],
                    source="alert" if alert else "ticket" if ticket else "web",
                    alert_ids=(alert,) if alert else (),
                    ticket_ids=(ticket,) if ticket else (),
                    lead=values["lead"] or None,
                ),
                actor=web_actor(page),
                person_id=page.user.person_id,
                now=page.now,
                base_url=page.runtime.settings.base_url,
            )
        except (Invalid, Conflict, NotFound) as error:
            refusal: DutydeskError = error
        else:
            session.commit()
            return page.redirect(
                f"/incidents/{incident.id}",
                flash=f"Incident {incident.id} declared: its roles are told.",
            )
    errors = FormErrors()
    name, separator, rest = refusal.message.partition(": ")
    if separator and name in ("title", "priority", "lead"):
        errors.add(name, rest)
    else:
        errors.add("title", refusal.message)
    return _list_page(page, errors=errors, values=values, status=_status_of(refusal))


def _from_what_it_links(
    session: Session, values: dict[str, str], alert: int | None, ticket: int | None
) -> dict[str, str]:
    """A declaration from an alert's or a ticket's page, in one click: the title and priority
    it leaves out come from the alert (its summary and severity) or the ticket."""
    title, priority = values["title"], values["priority"]
    if alert:
        found = session.get(Alert, alert)
        if found is None:
            raise NotFound(f"no alert {alert}")
        title = title or found.summary
        priority = priority or SEVERITY_PRIORITY.get(found.severity, DEFAULT_PRIORITY)
    elif ticket:
        linked = tickets.get_ticket(session, ticket)
        title = title or f"Ticket #{linked.id}: {linked.subject}"
        priority = priority or linked.priority or DEFAULT_PRIORITY
    return values | {"title": one_line(title)[:TITLE_LENGTH], "priority": priority}


def incident_page(
    page: Page,
    incident_id: int,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The incident: status, roles, document, timeline and links, and the forms open to the
    user."""
    assert page.user is not None
    may_change = page.may("responder")
    with unit_of_work(page.runtime.read_sessions) as session:
        view = view_incident(session, incident_id, whole_timeline=False)
        people = view.people
        listed = rendered_timeline(session, view.incident, page.zone, may_change=may_change)
    incident = view.incident
    person_id = page.user.person_id
    me = [(ME, f"Me ({people.get(person_id, person_id)})")] if person_id else []
    joined = {p.person_id for p in view.participants}
    pinned = timeline_rows(view.entries, {}, page.zone)
    return page.render(
        "incidents/show.html",
        {
            "active": "incidents",
            "view": view,
            "incident": incident,
            # Under the page's h1 and the section's h2.
            "document_html": render(incident.document, shift=2),
            "timeline_items": listed,
            "pinned": pinned,
            "is_open": incident.status in OPEN_STATUSES,
            "may_change": page.may("responder"),
            "roles": [(role, ROLE_NAMES[role], view.current_roles.get(role)) for role in ROLES],
            "role_options": [(role, ROLE_NAMES[role]) for role in ROLES],
            "moves": [(s, s.capitalize()) for s in MOVES[incident.status]],
            "priority_options": [(p, p) for p in PRIORITIES if p != incident.priority],
            "people_options": me + list(people.items()),
            "joined": person_id in joined if person_id else True,
            "formats": [(fmt, SUFFIXES[fmt]) for fmt in FORMATS],
            "errors": errors.by_field if errors else {},
            "values": values or {},
        },
        status=status,
    )


@router.get("/incidents/{incident_id:int}", response_class=HTMLResponse)
def show_incident(incident_id: int, page: SignedInPage) -> HTMLResponse:
    """One incident."""
    return incident_page(page, incident_id)


@router.get("/incidents/{incident_id:int}/timeline.{suffix}")
def export_timeline(incident_id: int, suffix: str, page: SignedInPage) -> Response:
    """The timeline as a file: Markdown, CSV or JSON."""
    formats = {value: key for key, value in SUFFIXES.items()}
    if suffix not in formats:
        raise NotFound(f"no timeline export .{suffix}: .md, .csv or .json")
    with unit_of_work(page.runtime.read_sessions) as session:
        file = timeline_file(session, incident_id, page.zone, formats[suffix])
    return Response(file.text, media_type=file.media_type, headers=file.headers)


def _act(
    page: Page,
    incident_id: int,
    posted: dict[str, str],
    form: PageForm,
    act: Callable[[Session, Incident], str],
    *,
    anchor: str = "",
) -> Response:
    """Do `act` to the incident (locked) in one transaction and go back to it with the message
    `act` returns; when the service refuses, nothing is committed and the form shows why."""
    values = {name: posted.get(name, "") for name in form.fields}
    with unit_of_work(page.runtime.sessions) as session:
        incident = service.get_incident(session, incident_id, lock=True)
        try:
            flash = act(session, incident)
        except (Invalid, Conflict, NotFound) as error:
            refusal: DutydeskError = error
        else:
            session.commit()
            return page.redirect(f"/incidents/{incident_id}{anchor}", flash=flash)
    return incident_page(
        page,
        incident_id,
        errors=form.errors_for(refusal),
        values=values,
        status=_status_of(refusal),
    )


@router.post("/incidents/{incident_id:int}/status", response_class=HTMLResponse)
def move(incident_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Active, mitigated or resolved."""
    status = form.get("status", "").strip()

    def set_status(session: Session, incident: Incident) -> str:
        if not status:
            raise Invalid("status: choose where the incident goes")
        service.set_status(
            session,
            incident_policy(session),
            incident,
            status,
            actor=web_actor(page),
            now=page.now,
            base_url=page.runtime.settings.base_url,
        )
        return f"Incident {incident.id} is {status} now."

    return _act(page, incident_id, form, STATUS, set_status)


@router.post("/incidents/{incident_id:int}/priority", response_class=HTMLResponse)
def reprioritise(incident_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """A new priority: the update cadence follows it."""
    priority = form.get("priority", "").strip()

    def set_priority(session: Session, incident: Incident) -> str:
        service.set_priority(
            session,
            incident_policy(session),
            incident,
            priority,
            actor=web_actor(page),
            now=page.now,
        )
        return f"Incident {incident.id} is {priority} now."

    return _act(page, incident_id, form, PRIORITY, set_priority)


@router.post("/incidents/{incident_id:int}/roles", response_class=HTMLResponse)
def hand_over(incident_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Hand a role over to someone; they are told."""
    role = form.get("role", "").strip()
    chosen = form.get("role_person", "").strip()

    def give(session: Session, incident: Incident) -> str:
        if not chosen:
            raise Invalid("person: choose who takes the role")
        person_id = chosen_person(page, chosen, "person")
        service.hand_over(
            session,
            incident,
            role,
            person_id,
            actor=web_actor(page),
            now=page.now,
            base_url=page.runtime.settings.base_url,
        )
        return f"{name_of(session, person_id)} is the {ROLE_NAMES[role].lower()} now."

    return _act(page, incident_id, form, ROLE, give, anchor="#roles")


@router.post("/incidents/{incident_id:int}/join", response_class=HTMLResponse)
def join(incident_id: int, page: SignedInPage, form: PostedForm) -> Response:
    """Join the incident as a participant: anyone signed in may."""

    def add(session: Session, incident: Incident) -> str:
        person_id = chosen_person(page, ME, "person")
        service.join(session, incident, person_id, now=page.now)
        return f"You are a participant of incident {incident.id}."

    return _act(page, incident_id, form, JOIN, add, anchor="#roles")


@router.post("/incidents/{incident_id:int}/escalate", response_class=HTMLResponse)
def escalate(incident_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Page the escalation contact through their notification rules."""

    def call(session: Session, incident: Incident) -> str:
        person = service.call_escalation(
            session,
            incident,
            actor=web_actor(page),
            now=page.now,
            base_url=page.runtime.settings.base_url,
        )
        return f"Paging {person.name}, the escalation contact."

    return _act(page, incident_id, form, ESCALATE, call, anchor="#roles")


@router.post("/incidents/{incident_id:int}/update", response_class=HTMLResponse)
def record_update(incident_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Record the update tenants were sent: the cadence starts again."""
    text = posted_text(form, "update")

    def record(session: Session, incident: Incident) -> str:
        service.record_update(
            session, incident_policy(session), incident, text, actor=web_actor(page), now=page.now
        )
        return "Tenant update recorded; the next is due at the priority's interval from now."

    return _act(page, incident_id, form, UPDATE, record, anchor="#update")


@router.post("/incidents/{incident_id:int}/check", response_class=HTMLResponse)
def check(incident_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """One click: checked on the engineer, all OK or help needed."""
    answer = form.get("answer", "")

    def record(session: Session, incident: Incident) -> str:
        if answer not in ("ok", "help"):
            raise Invalid("check: answer all OK, or needs help")
        service.answer_check(
            session,
            incident_policy(session),
            incident,
            all_ok=answer == "ok",
            note=form.get("check_note", ""),
            actor=web_actor(page),
            now=page.now,
            base_url=page.runtime.settings.base_url,
        )
        if answer == "ok":
            return "Checked: all OK. The next check is in 30 minutes."
        return "Checked: help is needed. The escalation contact and participants are told."

    return _act(page, incident_id, form, CHECK, record, anchor="#check")


@router.post("/incidents/{incident_id:int}/timeline", response_class=HTMLResponse)
def add_entry(incident_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """A timeline entry at the time it happened (default now)."""
    text = posted_text(form, "entry")
    when = form.get("occurred_at", "").strip()

    def add(session: Session, incident: Incident) -> str:
        zone = incident_policy(session).cadence.working.timezone
        occurred = parse_time(when, zone, page.now, field="occurred_at") if when else page.now
        timeline.add_entry(
            session, incident, text, occurred_at=occurred, actor=web_actor(page), now=page.now
        )
        return "Added to the timeline."

    return _act(page, incident_id, form, ENTRY, add, anchor="#timeline")


@router.get("/incidents/{incident_id:int}/timeline/{entry_id:int}", response_class=HTMLResponse)
def entry_page(incident_id: int, entry_id: int, page: ResponderPage) -> HTMLResponse:
    """One timeline entry: pin or unpin it, and change a person's entry."""
    return _entry_page(page, incident_id, entry_id)


def _entry_page(
    page: Page,
    incident_id: int,
    entry_id: int,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(page.runtime.read_sessions) as session:
        incident = service.get_incident(session, incident_id)
        entry = timeline.get_entry(session, incident_id, entry_id)
        [row] = timeline_rows(
            [
                timeline.Entry(
                    entry.id,
                    entry.occurred_at,
                    entry.recorded_at,
                    entry.kind,
                    entry.text,
                    entry.author,
                    entry.pinned,
                    entry.edited_at,
                )
            ],
            timeline.edits_of(session, [entry.id]),
            page.zone,
        )
    shown = {"text": entry.text, "occurred_at": page.field_time(entry.occurred_at)}
    return page.render(
        "incidents/entry.html",
        {
            "active": "incidents",
            "incident": incident,
            "entry": row,
            "editable": entry.kind == timeline.NOTE,
            "errors": errors.by_field if errors else {},
            "values": shown | (values or {}),
        },
        status=status,
    )


@router.post("/incidents/{incident_id:int}/timeline/{entry_id:int}", response_class=HTMLResponse)
def change_entry(
    incident_id: int, entry_id: int, page: ResponderPage, form: PostedForm
) -> Response:
    """Edit an entry's words or time (the earlier ones are kept), or pin or unpin it."""
    action = form.get("action", "edit")
    values = {"text": posted_text(form, "text"), "occurred_at": form.get("occurred_at", "").strip()}
    with unit_of_work(page.runtime.sessions) as session:
        incident = service.get_incident(session, incident_id, lock=True)
        entry = timeline.get_entry(session, incident.id, entry_id)
        try:
            if action in ("pin", "unpin"):
                timeline.pin_entry(incident, entry, action == "pin")
                flash = "Pinned to the top." if action == "pin" else "Unpinned."
            else:
                zone = incident_policy(session).cadence.working.timezone
                when = values["occurred_at"]
                timeline.edit_entry(
                    session,
                    incident,
                    entry,
                    text=values["text"],
                    occurred_at=parse_time(when, zone, page.now, field="occurred_at")
                    if when
                    else None,
                    actor=web_actor(page),
                    now=page.now,
                )
                flash = "Entry changed; what it said before is kept."
        except (Invalid, Conflict) as error:
            refusal: DutydeskError = error
        else:
            session.commit()
            return page.redirect(f"/incidents/{incident_id}#entry-{entry_id}", flash=flash)
    return _entry_page(
        page,
        incident_id,
        entry_id,
        errors=EDIT.errors_for(refusal),
        values=values,
        status=_status_of(refusal),
    )


@router.post("/incidents/{incident_id:int}/links", response_class=HTMLResponse)
def link(incident_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Attach an alert ("alert 12" or "12") or a ticket ("#34" or "ticket 34")."""
    said = form.get("link", "").strip().lower()

    def attach(session: Session, incident: Incident) -> str:
        kind, number = _link_target(said)
        if kind == "alert":
            links.link_alert(session, incident, number, actor=web_actor(page), now=page.now)
            return f"Alert {number} linked."
        links.link_ticket(session, incident, number, actor=web_actor(page), now=page.now)
        return f"Ticket #{number} linked."

    return _act(page, incident_id, form, LINK, attach, anchor="#links")


@router.get("/incidents/{incident_id:int}/document", response_class=HTMLResponse)
def edit_document(incident_id: int, page: ResponderPage) -> HTMLResponse:
    """The document's editor, starting from the latest version."""
    with unit_of_work(page.runtime.read_sessions) as session:
        incident = service.get_incident(session, incident_id)
        return _editor(page, incident, text=incident.document, base=incident.document_version)


def _editor(
    page: Page,
    incident: Incident,
    *,
    text: str,
    base: int,
    conflict: DocumentConflict | None = None,
    error: str = "",
    status: int = 200,
) -> HTMLResponse:
    return page.render(
        "incidents/document.html",
        {
            "active": "incidents",
            "incident": incident,
            "text": text,
            "base_version": base,
            "conflict": conflict,
            "errors": {"document": error} if error else {},
        },
        status=status,
    )


@router.post("/incidents/{incident_id:int}/document", response_class=HTMLResponse)
def save_document(incident_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Save the document; when someone saved since this edit began, nothing is saved and both
    texts come back side by side to bring together."""
    text = posted_text(form, "document")
    base = _number(form.get("base_version", "")) or 0
    with unit_of_work(page.runtime.sessions) as session:
        incident = service.get_incident(session, incident_id, lock=True)
        try:
            saved = document_edits.save_document(
                session, incident, text, base_version=base, actor=web_actor(page), now=page.now
            )
        except DocumentConflict as conflict:
            return _editor(
                page,
                incident,
                text=text,
                base=conflict.current_version,
                conflict=conflict,
                error=conflict.message.removeprefix("document: "),
                status=409,
            )
        except Invalid as error:
            message = error.message.removeprefix("document: ")
            return _editor(page, incident, text=text, base=base, error=message, status=400)
        session.commit()
    flash = f"Saved as version {saved.version}." if saved.changed else "Nothing had changed."
    return page.redirect(f"/incidents/{incident_id}#document", flash=flash)


def _link_target(said: str) -> tuple[str, int]:
    words = said.replace("#", "ticket ").split()
    if len(words) == 1 and words[0].isdigit():
        words = ["alert", words[0]]
    if len(words) != 2 or words[0] not in ("alert", "ticket") or not words[1].isdigit():
        raise Invalid('link: write "alert 12" or "#34" (a ticket)')
    number = int(words[1])
    if not 1 <= number <= service.LARGEST_NUMBER:
        raise Invalid(f"link: there is no {words[0]} {number}")
    return words[0], number


def _number(text: str) -> int | None:
    text = text.strip()
    if not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= service.LARGEST_NUMBER else None


def _status_of(error: DutydeskError) -> int:
    if isinstance(error, Conflict):
        return 409
    if isinstance(error, NotFound):
        return 404
    return 400


FOLLOW_UP_ROWS = 5


@router.get("/incidents/{incident_id:int}/review", response_class=HTMLResponse)
def review_page(incident_id: int, page: SignedInPage) -> HTMLResponse:
    """The review: as held, or its template for a responder to hold it."""
    return _review_page(page, incident_id)


def _review_page(
    page: Page,
    incident_id: int,
    *,
    errors: FormErrors | None = None,
    values: dict[str, str] | None = None,
    status: int = 200,
) -> HTMLResponse:
    with unit_of_work(page.runtime.read_sessions) as session:
        incident = service.get_incident(session, incident_id)
        zone = incident_policy(session).cadence.working.timezone
        held = review.review_of(session, incident_id)
        follow_ups = list(tasks_from(session, f"incident:{incident_id}"))
        imported = held.timeline if held else review.imported_timeline(session, incident, zone)
        people = person_names(session)
    return page.render(
        "incidents/review.html",
        {
            "active": "incidents",
            "incident": incident,
            "held": held,
            "sections": (
                {name: render(getattr(held, name), shift=2) for name in review.SECTIONS}
                if held
                else {}
            ),
            "follow_ups": follow_ups,
            "imported": imported,
            "may_hold": page.may("responder") and incident.status == "resolved",
            "rows": range(1, FOLLOW_UP_ROWS + 1),
            "owner_options": list(people.items()),
            "people": people,
            "errors": errors.by_field if errors else {},
            "values": values or {},
        },
        status=status,
    )


@router.post("/incidents/{incident_id:int}/review", response_class=HTMLResponse)
def hold_review(incident_id: int, page: ResponderPage, form: PostedForm) -> Response:
    """Hold the review: recorded, its follow-ups tasks, the incident reviewed."""
    values = {name: posted_text(form, name) for name in review.SECTIONS}
    for row in range(1, FOLLOW_UP_ROWS + 1):
        for part in ("title", "owner", "due"):
            values[f"follow_{row}_{part}"] = form.get(f"follow_{row}_{part}", "").strip()
    with unit_of_work(page.runtime.sessions) as session:
        incident = service.get_incident(session, incident_id, lock=True)
        try:
            _held, tasks = review.hold_review(
                session,
                incident_policy(session),
                incident,
                values,
                _follow_ups(values),
                actor=web_actor(page),
                now=page.now,
            )
        except (Invalid, Conflict) as error:
            refusal: DutydeskError = error
        else:
            session.commit()
            return page.redirect(
                f"/incidents/{incident_id}/review",
                flash=f"Review held; {len(tasks)} follow-up action(s) are tasks now.",
            )
    errors = FormErrors()
    name, separator, rest = refusal.message.partition(": ")
    errors.add(name if separator and name in review.SECTIONS else "review", rest or name)
    return _review_page(page, incident_id, errors=errors, values=values, status=_status_of(refusal))


def _follow_ups(values: dict[str, str]) -> list[NewTask]:
    found: list[NewTask] = []
    for row in range(1, FOLLOW_UP_ROWS + 1):
        title = values[f"follow_{row}_title"]
        owner = values[f"follow_{row}_owner"] or None
        due_text = values[f"follow_{row}_due"]
        if not title:
            if owner or due_text:
                raise Invalid(f"follow_ups: action {row} needs a title")
            continue
        try:
            due = date.fromisoformat(due_text) if due_text else None
        except ValueError:
            raise Invalid(f"follow_ups: action {row}, due: {due_text!r} is not a date") from None
        found.append(NewTask(title, owner_id=owner, due_on=due))
    return found
