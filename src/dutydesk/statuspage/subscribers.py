"""Subscribers: an e-mail address (double opt-in: nothing but the confirmation is mailed to it
until its link is followed) or a webhook URL, told of every component or of those chosen.

Subscribing answers the same whether the address was known or not, and an address asking again
and again is sent at most one confirmation every few minutes, so the form tells nobody who
subscribes and cannot be used to flood a mailbox. Unconfirmed subscriptions are forgotten after
the confirmation link expires. Unsubscribing deletes the row: nothing of the address is kept.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dutydesk.addresses import check_address
from dutydesk.errors import Invalid, NotFound
from dutydesk.notify.channels.webhook import check_url
from dutydesk.notify.service import enqueue
from dutydesk.statuspage import links
from dutydesk.statuspage.components import get_component, new_id
from dutydesk.statuspage.models import (
    ADDRESS_LENGTH,
    EMAIL,
    WEBHOOK,
    StatusSubscriber,
    StatusSubscriberComponent,
)
from dutydesk.statuspage.page import page_info
from dutydesk.statuspage.site import Site
from dutydesk.text import one_line

CONFIRMATION_EVERY = timedelta(minutes=5)


def subscribe(
    session: Session,
    *,
    kind: str,
    address: str,
    component_ids: Sequence[str],
    now: datetime,
    site: Site,
    confirmed: bool = False,
) -> StatusSubscriber:
    """Subscribe an address (or change what it is subscribed to). An e-mail address is sent a
    confirmation link and told of nothing else until it is followed, unless `confirmed` (the
    management API, whose key holder vouches for it). A webhook needs no confirmation."""
    address, digest = _address(kind, address)
    for component_id in component_ids:
        get_component(session, component_id)
    subscriber = (
        session.scalar(select(StatusSubscriber).where(StatusSubscriber.address_digest == digest))
        if kind == EMAIL
        else None
    )
    if subscriber is None:
        subscriber_id = new_id()
        subscriber = StatusSubscriber(
            id=subscriber_id,
            kind=kind,
            address=address,
            address_digest=digest if kind == EMAIL else _digest(f"{WEBHOOK}:{subscriber_id}"),
            all_components=True,
            created_at=now,
            confirmed_at=now if confirmed or kind == WEBHOOK else None,
        )
        session.add(subscriber)
        session.flush()
        _choose(session, subscriber, component_ids)
    elif confirmed:
        subscriber.confirmed_at = subscriber.confirmed_at or now
        _choose(session, subscriber, component_ids)
    elif subscriber.confirmed_at is None:
        _choose(session, subscriber, component_ids)
    # A confirmed address changes what it hears only through its confirmation link: whoever
    # fills in the form with someone else's address must not change what they are told.
    if subscriber.confirmed_at is None or (kind == EMAIL and not confirmed):
        _send_confirmation(session, subscriber, component_ids, now=now, site=site)
    return subscriber


def confirm(session: Session, token: str, *, now: datetime, site: Site) -> StatusSubscriber:
    """Follow a confirmation link: the address is subscribed (to what the link chose)."""
    subscriber_id, chosen = links.read_confirmation(site.secret_key, token, now)
    subscriber = session.get(StatusSubscriber, subscriber_id)
    if subscriber is None:
        raise Invalid("this link is not valid: subscribe again from the status page")
    subscriber.confirmed_at = subscriber.confirmed_at or now
    _choose(session, subscriber, [c for c in chosen if _known(session, c)])
    return subscriber


def unsubscribe(session: Session, token: str, *, now: datetime, site: Site) -> bool:
    """Follow an unsubscribe link; True when a subscription ended (False: none was left)."""
    subscriber_id = links.read(site.secret_key, token, links.UNSUBSCRIBE, now)
    subscriber = session.get(StatusSubscriber, subscriber_id)
    if subscriber is None:
        return False
    session.delete(subscriber)
    session.flush()
    return True


def list_subscribers(
    session: Session, *, limit: int = 100, offset: int = 0
) -> Sequence[StatusSubscriber]:
    """Subscribers, the oldest first."""
    return session.scalars(
        select(StatusSubscriber)
        .order_by(StatusSubscriber.created_at, StatusSubscriber.id)
        .limit(limit)
        .offset(offset)
    ).all()


def components_chosen(session: Session, subscriber_ids: Sequence[str]) -> dict[str, list[str]]:
    """The components each subscriber chose (none: every component)."""
    found: dict[str, list[str]] = {}
    if not subscriber_ids:
        return found
    for subscriber_id, component_id in session.execute(
        select(
            StatusSubscriberComponent.subscriber_id, StatusSubscriberComponent.component_id
        ).where(StatusSubscriberComponent.subscriber_id.in_(list(subscriber_ids)))
    ):
        found.setdefault(subscriber_id, []).append(component_id)
    return found


def get_subscriber(session: Session, subscriber_id: str) -> StatusSubscriber:
    """One subscriber; NotFound if there is none with that id."""
    found = session.get(StatusSubscriber, subscriber_id)
    if found is None:
        raise NotFound(f"no subscriber {subscriber_id!r}")
    return found


def remove(session: Session, subscriber: StatusSubscriber) -> None:
    """End a subscription."""
    session.delete(subscriber)
    session.flush()


def forget_unconfirmed(session: Session, now: datetime) -> int:
    """Delete subscriptions whose confirmation link has expired unfollowed."""
    result = session.execute(
        delete(StatusSubscriber).where(
            StatusSubscriber.confirmed_at.is_(None),
            StatusSubscriber.created_at < now - links.CONFIRM_LIFETIME,
        )
    )
    count: int = result.rowcount  # type: ignore[attr-defined]
    return max(count, 0)


def _send_confirmation(
    session: Session,
    subscriber: StatusSubscriber,
    component_ids: Sequence[str],
    *,
    now: datetime,
    site: Site,
) -> None:
    sent = subscriber.confirmation_sent_at
    if sent is not None and now - sent < CONFIRMATION_EVERY:
        return
    subscriber.confirmation_sent_at = now
    name = page_info(session).name
    url = links.confirm_url(site.public_url, site.secret_key, subscriber.id, component_ids, now)
    enqueue(
        session,
        channel="email",
        destination=subscriber.address,
        subject=one_line(f"[{name}] Confirm your subscription"),
        text=(
            f"Someone, we hope you, asked for {name} status updates at this address.\n\n"
            f"Confirm within 7 days: {url}\n\n"
            "If it was not you, do nothing: without the confirmation you will hear nothing"
            " more from us.\n"
        ),
        idempotency_key=f"status-confirm-{subscriber.id}-{int(now.timestamp())}",
        now=now,
    )


def _choose(session: Session, subscriber: StatusSubscriber, component_ids: Sequence[str]) -> None:
    session.execute(
        delete(StatusSubscriberComponent).where(
            StatusSubscriberComponent.subscriber_id == subscriber.id
        )
    )
    chosen = list(dict.fromkeys(component_ids))
    subscriber.all_components = not chosen
    for component_id in chosen:
        session.add(
            StatusSubscriberComponent(subscriber_id=subscriber.id, component_id=component_id)
        )
    session.flush()


def _known(session: Session, component_id: str) -> bool:
    try:
        get_component(session, component_id)
    except NotFound:
        return False
    return True


def _address(kind: str, address: str) -> tuple[str, str]:
    given = address.strip()
    if kind == EMAIL:
        try:
            check_address(given)
        except Invalid:
            raise Invalid("email: give an e-mail address such as you@example.org") from None
        if len(given) > 320:
            raise Invalid("email: at most 320 characters")
        return given, _digest(f"{EMAIL}:{given.lower()}")
    if kind == WEBHOOK:
        if len(given) > ADDRESS_LENGTH:
            raise Invalid(f"endpoint: at most {ADDRESS_LENGTH} characters")
        try:
            check_url(given)
        except Invalid:
            raise Invalid("endpoint: give an http(s) URL") from None
        return given, ""
    raise Invalid(f"kind: {kind!r} is not one of email, webhook")


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
