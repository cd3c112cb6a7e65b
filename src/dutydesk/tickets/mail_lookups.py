"""What filing mail looks up, asked once for a batch of messages: the tickets their Message-IDs
are on, the tickets their subjects name, and their senders' tenants.

The answers are those of the batch's transaction, kept up to date as it files: a reply to a
message filed earlier in the batch finds that ticket, and a message that comes twice is a
duplicate the second time. What was learnt filing a message whose savepoint is rolled back is
forgotten (`held`), and asked of the database again if needed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.db import in_chunks
from dutydesk.mailin import InboundMail
from dutydesk.tenants.service import tenants_of_addresses
from dutydesk.tickets.models import MESSAGE_ID_LENGTH, Ticket, TicketMessage


class MailLookups:
    """The lookups of one transaction that files mail (see the module's docstring)."""

    def __init__(self, session: Session) -> None:
        self._session = session
        # A Message-ID as stored → the ticket it is on (None: on none).
        self._tickets_of: dict[str, int | None] = {}
        # Tickets asked for by number (None: no such ticket), held so the session keeps them.
        self._tickets: dict[int, Ticket | None] = {}
        self._tenants: dict[str, str | None] = {}
        # What filing taught: (Message-ID, ticket number), forgotten if its savepoint fails.
        self._learnt: list[tuple[str, int]] = []

    def ask(self, mails: Iterable[InboundMail]) -> None:
        """Look up at once, in a few queries, all that filing `mails` will ask."""
        mails = list(mails)
        self._ask_message_ids(
            {
                stored_message_id(i)
                for mail in mails
                for i in (mail.message_id, *mail.in_reply_to, *mail.references)
            }
        )
        numbers = {number for number in self._tickets_of.values() if number is not None}
        numbers |= {m.ticket_reference for m in mails if m.ticket_reference is not None}
        self._ask_tickets(numbers)
        self._ask_tenants({mail.from_address for mail in mails if mail.from_address})

    def ticket_number_of(self, message_ids: Sequence[str]) -> int | None:
        """The ticket of the first of these Message-IDs (as stored) that is on one."""
        self._ask_message_ids(message_ids)
        return next(
            (number for i in message_ids if (number := self._tickets_of[i]) is not None), None
        )

    def ticket(self, number: int) -> Ticket | None:
        """The ticket with this number, if any."""
        self._ask_tickets([number])
        return self._tickets[number]

    def tenant_of(self, address: str) -> str | None:
        """The tenant a sender's mail is filed under (tenants.service.tenant_of_address)."""
        self._ask_tenants([address])
        return self._tenants[address]

    def filed(self, message_id: str, ticket: Ticket) -> None:
        """A message with this Message-ID (as stored) is now on `ticket`."""
        self._tickets_of[message_id] = ticket.id
        self._tickets[ticket.id] = ticket
        self._learnt.append((message_id, ticket.id))

    @contextmanager
    def held(self) -> Iterator[None]:
        """Forget what is learnt in the block if it raises: wrap the savepoint of a message."""
        start = len(self._learnt)
        try:
            yield
        except BaseException:
            for message_id, number in self._learnt[start:]:
                self._tickets_of.pop(message_id, None)
                self._tickets.pop(number, None)
            del self._learnt[start:]
            raise

    def _ask_message_ids(self, message_ids: Iterable[str]) -> None:
        unknown = sorted({i for i in message_ids if i not in self._tickets_of})
        for some in in_chunks(unknown):
            self._tickets_of.update(dict.fromkeys(some))
            rows = self._session.execute(
                select(TicketMessage.message_id, TicketMessage.ticket_id).where(
                    TicketMessage.message_id.in_(some)
                )
            )
            for message_id, number in rows:
                if message_id is not None:
                    self._tickets_of[message_id] = number

    def _ask_tickets(self, numbers: Iterable[int]) -> None:
        unknown = sorted({n for n in numbers if n not in self._tickets})
        for some in in_chunks(unknown):
            self._tickets.update(dict.fromkeys(some))
            for ticket in self._session.scalars(select(Ticket).where(Ticket.id.in_(some))):
                self._tickets[ticket.id] = ticket

    def _ask_tenants(self, addresses: Iterable[str]) -> None:
        unknown = sorted({a for a in addresses if a not in self._tenants})
        if unknown:
            self._tenants.update(tenants_of_addresses(self._session, unknown))


def stored_message_id(message_id: str) -> str:
    """A Message-ID as stored: one longer than the column is cut and marked with its hash, so
    two long ids that share a beginning stay apart."""
    if len(message_id) <= MESSAGE_ID_LENGTH:
        return message_id
    digest = hashlib.sha256(message_id.encode()).hexdigest()[:32]
    return f"{message_id[: MESSAGE_ID_LENGTH - 34]}#{digest}>"
