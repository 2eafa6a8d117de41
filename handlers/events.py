"""Platform-neutral inbound events and outbound replies: the one vocabulary every layer shares.

Channel adapters (Telegram, console, later Zalo) translate their updates into ``InboundEvent`` and
render ``Reply`` objects back; handlers never see a platform type.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class ChatRef:
    channel: str
    chat_id: str
    private: bool = True


@dataclass(frozen=True)
class Sender:
    external_id: str
    display_name: str | None = None
    language_code: str | None = None


@dataclass(frozen=True)
class Command:
    name: str
    args: tuple[str, ...] = ()


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class ButtonPress:
    data: str
    message_id: str | None = None


@dataclass(frozen=True)
class Contact:
    phone: str
    is_own: bool = True


@dataclass(frozen=True)
class Location:
    latitude: float
    longitude: float


class MediaKind(enum.StrEnum):
    PHOTO = "photo"
    DOCUMENT = "document"
    VOICE = "voice"
    AUDIO = "audio"
    VIDEO = "video"
    STICKER = "sticker"
    ANIMATION = "animation"
    POLL = "poll"
    OTHER = "other"


ATTACHABLE_MEDIA = frozenset(
    {MediaKind.PHOTO, MediaKind.DOCUMENT, MediaKind.VOICE, MediaKind.AUDIO, MediaKind.VIDEO}
)


@dataclass(frozen=True)
class Media:
    kind: MediaKind
    file_ref: str | None = None
    file_name: str | None = None
    mime_type: str | None = None
    size: int | None = None
    caption: str | None = None


@dataclass(frozen=True)
class Forwarded:
    """A message the sender forwarded from someone else (a village head relaying a villager)."""

    text: str | None
    origin_name: str | None = None
    media: Media | None = None


Payload = Command | Text | ButtonPress | Contact | Location | Media | Forwarded


@dataclass(frozen=True)
class InboundEvent:
    chat: ChatRef
    sender: Sender
    payload: Payload
    # The platform's id of the update, used to process a redelivered update only once.
    update_id: str | None = None


@dataclass(frozen=True)
class Button:
    label: str
    data: str


@dataclass(frozen=True)
class OutText:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # A reply-keyboard button asking the platform to share the person's phone number.
    request_contact: str | None = None
    # Persistent main-menu labels shown under the input field; pressing one sends its label.
    menu: tuple[tuple[str, ...], ...] = ()
    remove_menu: bool = False
    edit_message_id: str | None = None

    def __post_init__(self) -> None:
        # A platform message carries one keyboard: inline buttons or a reply keyboard.
        keyboards = [bool(self.buttons), self.request_contact is not None, bool(self.menu)]
        if sum(keyboards) > 1:
            raise ValueError("an OutText carries inline buttons, a contact request or a menu")


@dataclass(frozen=True)
class OutDocument:
    filename: str
    content: bytes
    caption: str | None = None


@dataclass(frozen=True)
class CallbackAnswer:
    """The short toast a platform shows after a button press."""

    text: str = ""


Reply = OutText | OutDocument | CallbackAnswer


class ChannelAdapter(Protocol):
    """What every messaging platform's adapter provides (Telegram now, Zalo next, the console).

    An adapter turns its platform's updates into ``InboundEvent``s, hands them to the engine in
    order per chat, and renders the ``Reply``s it gets back.
    """

    name: str

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None: ...


@dataclass
class Outcome:
    """What handling one event produced: replies for the same chat, in order."""

    replies: list[Reply] = field(default_factory=list)
    duplicate: bool = False


class EventHandler(Protocol):
    """What a channel adapter hands its events to: ``Engine``, or the engine in its own process."""

    async def handle(self, event: InboundEvent) -> Outcome: ...
