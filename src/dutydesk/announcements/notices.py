"""The words and destinations of handoff announcements, topics and turn reminders.

Everything goes through the outbox with an idempotency key made from what is announced, so
queuing the same announcement twice sends it once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.announcements.destinations import AnnouncedRota
from dutydesk.announcements.handoffs import Handoff
from dutydesk.notify.service import enqueue
from dutydesk.people.models import Person
from dutydesk.rotas.oncall import OnCallNow, Segment
from dutydesk.rotas.plans import CompiledRota
from dutydesk.team.spec import AnnounceSpec
from dutydesk.text import one_line
from dutydesk.timeparse import local_text

# Slack cuts channel topics at 250 characters.
SLACK_TOPIC_LENGTH = 250


class Announcer:
    """Queues the messages of one worker cycle, in the cycle's transaction."""

    def __init__(
        self, session: Session, zone: ZoneInfo, people: Mapping[str, Person], now: datetime
    ) -> None:
        self.session = session
        self.zone = zone
        self.people = people
        self.now = now

    def name(self, person_id: str | None) -> str:
        """A person's name, or "nobody"."""
        if person_id is None:
            return "nobody"
        person = self.people.get(person_id)
        return person.name if person is not None else person_id

    def mention(self, person_id: str | None) -> str:
        """A Slack mention when the person has a Slack id, else their name."""
        person = self.people.get(person_id) if person_id else None
        return f"<@{person.slack}>" if person is not None and person.slack else self.name(person_id)

    def handoff(
        self,
        rota: CompiledRota,
        announce: AnnounceSpec,
        change: Handoff,
        now_on: OnCallNow,
        *,
        turn_starts: bool,
        turn_ends: bool,
    ) -> None:
        """Tell the rota's channels about a handoff, and e-mail the people whose turn starts or
        ends with it (not at every evening and morning of a week, nor around a lunch break)."""
        ends = local_text(now_on.end, self.zone, with_year=False) if now_on.end else None
        until = f" until {ends}" if ends else ""
        if change.incoming is None:
            following = f" (next turn from {ends})" if ends else ""
            text = f"Nobody is on {rota.name} now{following}."
        else:
            text = f"{self.name(change.incoming)} is now on {rota.name}{until}."
        if change.outgoing is not None:
            text += f" Handed over from {self.name(change.outgoing)}."
        key = f"handoff:{rota.id}:{change.at.isoformat()}"
        subject = f"{rota.name}: {self.name(change.incoming)} is on"
        self._to_channels(
            announce, key, subject, text, self._event("handoff", rota, change, now_on)
        )
        incoming = self.people.get(change.incoming) if change.incoming and turn_starts else None
        if incoming is not None and incoming.email:
            self._queue(
                "email", incoming.email, f"You are on {rota.name}{until}", text, f"{key}:incoming"
            )
        outgoing = self.people.get(change.outgoing) if change.outgoing and turn_ends else None
        if outgoing is not None and outgoing.email:
            self._queue(
                "email",
                outgoing.email,
                f"Your turn on {rota.name} has ended",
                text,
                f"{key}:outgoing",
            )

    def refresh_channels(
        self,
        rotas: Sequence[AnnouncedRota],
        now_on: Mapping[str, OnCallNow],
        changed_rota_ids: set[str],
    ) -> None:
        """Set topics and user groups that carry a rota whose on-call person just changed."""
        topics: dict[str, list[str]] = {}
        groups: dict[str, list[str]] = {}
        touched_topics: set[str] = set()
        touched_groups: set[str] = set()
        sharing = Counter(item.announce.slack_channel for item in rotas)
        for item in rotas:
            announce, rota = item.announce, item.rota
            person = now_on[rota.id].person
            if announce.slack_channel:
                line = self.topic_line(announce.topic, rota.name, person)
                if sharing[announce.slack_channel] > 1 and "{rota}" not in announce.topic:
                    # Several rotas in one topic: say which line is which.
                    line = f"{rota.name}: {line}" if person is not None else line
                topics.setdefault(announce.slack_channel, []).append(line)
                if rota.id in changed_rota_ids:
                    touched_topics.add(announce.slack_channel)
            if announce.slack_usergroup:
                member = self.people.get(person) if person else None
                slack_ids = groups.setdefault(announce.slack_usergroup, [])
                if member is not None and member.slack and member.slack not in slack_ids:
                    slack_ids.append(member.slack)
                if rota.id in changed_rota_ids:
                    touched_groups.add(announce.slack_usergroup)
        stamp = self.now.isoformat()
        for channel in sorted(touched_topics):
            topic = "\n".join(one_line(line) for line in topics[channel])[:SLACK_TOPIC_LENGTH]
            self._queue("slack_topic", channel, "topic", topic, f"topic:{channel}:{stamp}")
        for group in sorted(touched_groups):
            self._queue(
                "slack_usergroup",
                group,
                "user group",
                ", ".join(groups[group]),
                f"usergroup:{group}:{stamp}",
                payload={"users": groups[group]},
            )

    def topic_line(self, template: str, rota_name: str, person_id: str | None) -> str:
        """One line of a channel topic; "No one is on <rota>" when nobody is."""
        if person_id is None:
            return f"No one is on {rota_name}"
        return template.format(
            name=self.name(person_id),
            person=person_id,
            rota=rota_name,
            mention=self.mention(person_id),
        )

    def reminder(self, rota: CompiledRota, turn: Segment) -> None:
        """Remind a person, by e-mail and Slack, that their turn on a rota starts soon."""
        person = self.people.get(turn.person)
        if person is None:
            return
        when = local_text(turn.start, self.zone, with_year=False)
        text = f"Reminder: your turn on {rota.name} starts {when}."
        key = f"reminder:{rota.id}:{person.id}:{turn.start.isoformat()}"
        if person.email:
            self._queue("email", person.email, f"{rota.name} from {when}", text, f"{key}:email")
        if person.slack:
            self._queue("slack", person.slack, f"{rota.name} from {when}", text, f"{key}:slack")

    def cover_created(
        self, rota: CompiledRota, announce: AnnounceSpec, cover_id: int, text: str
    ) -> None:
        """Tell the rota's channels that break cover has been arranged."""
        subject = f"{rota.name}: break cover"
        event = {"event": "cover", "rota": rota.id, "text": text}
        self._to_channels(announce, f"cover:{cover_id}", subject, text, event)

    def _to_channels(
        self, announce: AnnounceSpec, key: str, subject: str, text: str, event: dict[str, Any]
    ) -> None:
        if announce.slack_channel:
            self._queue("slack", announce.slack_channel, subject, text, f"{key}:slack")
        if announce.email:
            self._queue("email", announce.email, subject, text, f"{key}:email")
        if announce.webhook:
            self._queue("webhook", announce.webhook, subject, text, f"{key}:webhook", event)
        if announce.apprise:
            self._queue("apprise", announce.apprise, subject, text, f"{key}:apprise")

    def _event(
        self, kind: str, rota: CompiledRota, change: Handoff, now_on: OnCallNow
    ) -> dict[str, Any]:
        return {
            "event": kind,
            "rota": rota.id,
            "at": change.at.astimezone(self.zone).isoformat(),
            "from": change.outgoing,
            "to": change.incoming,
            "until": now_on.end.astimezone(self.zone).isoformat() if now_on.end else None,
        }

    def _queue(
        self,
        channel: str,
        destination: str,
        subject: str,
        text: str,
        key: str,
        payload: dict[str, Any] | None = None,
    ) -> None:
        # Announcements are one line each (a topic, one line per rota); names stored with line
        # breaks before the team file refused them must not add lines of their own.
        enqueue(
            self.session,
            channel=channel,
            destination=destination,
            subject=one_line(subject),
            text=text if channel == "slack_topic" else one_line(text),
            idempotency_key=key,
            now=self.now,
            payload=payload,
        )
