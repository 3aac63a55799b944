"""The frames a live client receives. Each event is JSON-encoded once, into one ASGI message that every
subscriber of its thread is handed, however many there are."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from porch.models import Event, EventKind

Message = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Frame:
    seq: int
    message: Message  # {"type": "websocket.send", "text": ...}, shared, never mutated
    size: int  # bytes on the wire, for the per-subscriber backlog limit


def _text_message(text: str) -> Message:
    return {"type": "websocket.send", "text": text}


def event_frame(event: Event) -> Frame:
    # `payload` is already the comment (or, for thread.updated, the thread) as the API shows it, JSON-encoded
    # when the event was written, so the frame is assembled around it instead of being parsed and encoded again.
    if event.kind == EventKind.THREAD_UPDATED:
        text = '{"type":"thread.updated","seq":' + str(event.seq) + ',"thread":' + event.payload + "}"
    else:
        text = (
            '{"type":' + json.dumps(event.kind.value)
            + ',"seq":' + str(event.seq)
            + ',"thread":' + json.dumps(event.thread_key, ensure_ascii=False)
            + ',"comment":' + event.payload + "}"
        )  # fmt: skip
    return Frame(event.seq, _text_message(text), len(text.encode()))


def moderator_frame(event: Event) -> Frame:
    """An event as the moderation console hears it: every event of its sites, those of pending comments and
    reports included, with the site named."""
    about = (
        ',"thread":' + event.payload
        if event.kind == EventKind.THREAD_UPDATED
        else ',"thread":' + json.dumps(event.thread_key, ensure_ascii=False) + ',"comment":' + event.payload
    )
    text = '{"type":' + json.dumps(event.kind.value) + ',"seq":' + str(event.seq) + ',"site":' + json.dumps(event.site)
    text += about + "}"
    return Frame(event.seq, _text_message(text), len(text.encode()))


def hello_message(seq: int) -> Message:
    return _text_message(f'{{"type":"hello","seq":{seq}}}')


PING_TEXT = '{"type":"ping"}'
PING = Frame(0, _text_message(PING_TEXT), len(PING_TEXT))
