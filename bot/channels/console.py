"""The console channel: ``ydan chat`` drives the same handlers in a terminal.

Buttons appear as numbered choices (type the number); the main menu's labels can be typed; lines
starting with ``:`` stand in for what a phone sends besides text, e.g. ``:sdt 0912345678``,
``:vitri 21.02 105.85``, ``:anh photo.jpg``, ``:tep don.pdf``, ``:ghiam``, ``:sticker``,
``:chuyentiep Nguyễn Văn A | nội dung``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from handlers.engine import Engine
from handlers.events import (
    Button,
    ButtonPress,
    CallbackAnswer,
    ChatRef,
    Command,
    Contact,
    Forwarded,
    InboundEvent,
    Location,
    Media,
    MediaKind,
    OutDocument,
    OutText,
    Payload,
    Reply,
    Sender,
    Text,
)
from locales import Catalogs

CHANNEL = "console"
_MEDIA_WORDS = {
    ":anh": MediaKind.PHOTO,
    ":tep": MediaKind.DOCUMENT,
    ":ghiam": MediaKind.VOICE,
    ":video": MediaKind.VIDEO,
    ":sticker": MediaKind.STICKER,
    ":gif": MediaKind.ANIMATION,
}


class ConsoleChannel:
    def __init__(
        self,
        engine: Engine,
        catalogs: Catalogs,
        *,
        stdin: TextIO,
        stdout: TextIO,
        user_id: str = "console",
        display_name: str = "Console",
        output_dir: Path = Path("ydan-output"),
    ) -> None:
        self.engine = engine
        self.catalogs = catalogs
        self.stdin = stdin
        self.stdout = stdout
        self.chat = ChatRef(CHANNEL, user_id, private=True)
        self.sender = Sender(user_id, display_name)
        self.output_dir = output_dir
        self._choices: list[Button] = []

    def parse(self, line: str) -> Payload | None:
        """The payload a typed line stands for; None for a blank line."""
        text = line.rstrip("\n")
        stripped = text.strip()
        if stripped.isdigit() and self._choices:
            index = int(stripped) - 1
            if 0 <= index < len(self._choices):
                return ButtonPress(self._choices[index].data)
        if stripped.startswith("/"):
            head, *args = stripped.split()
            return Command(head[1:].lower(), tuple(args))
        if stripped.startswith(":"):
            return self._special(stripped)
        return Text(text)

    def _special(self, line: str) -> Payload:
        word, _, rest = line.partition(" ")
        word = word.lower()
        if word == ":sdt":
            return Contact(rest.strip(), is_own=True)
        if word == ":vitri":
            parts = rest.replace(",", " ").split()
            try:
                return Location(float(parts[0]), float(parts[1]))
            except (IndexError, ValueError):
                return Text(line)
        if word in _MEDIA_WORDS:
            name = rest.strip() or None
            return Media(
                _MEDIA_WORDS[word], file_ref=f"console:{name or word}", file_name=name, size=0
            )
        if word == ":chuyentiep":
            origin, _, body = rest.partition("|")
            return Forwarded(body.strip() or None, origin.strip() or None)
        return Text(line)

    name = CHANNEL

    async def start(self) -> None:
        await self.handle_line("/start")

    async def stop(self) -> None:
        self.stdout.flush()

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        self.render(replies)

    def render(self, replies: Sequence[Reply]) -> None:
        t = self.catalogs.get(self.engine.services.default_locale)
        for reply in replies:
            if isinstance(reply, OutText):
                self._choices = [b for row in reply.buttons for b in row] or self._choices
                print(f"\n🤖 {reply.text}", file=self.stdout)
                if reply.buttons:
                    for number, button in enumerate(self._choices, start=1):
                        print(f"   [{number}] {button.label}", file=self.stdout)
                if reply.menu:
                    labels = " · ".join(label for row in reply.menu for label in row)
                    print(f"   ({t('console.menu')}: {labels})", file=self.stdout)
                if reply.request_contact:
                    print(f"   ({t('console.contact_hint')})", file=self.stdout)
            elif isinstance(reply, OutDocument):
                self.output_dir.mkdir(parents=True, exist_ok=True)
                path = self.output_dir / Path(reply.filename).name
                path.write_bytes(reply.content)
                print(f"\n📎 {t('console.file_saved', path=str(path))}", file=self.stdout)
            elif isinstance(reply, CallbackAnswer) and reply.text:
                print(f"   ({reply.text})", file=self.stdout)
        self.stdout.flush()

    async def run(self, *, start: bool = True) -> None:
        if start:
            await self.start()
        while True:
            line = await asyncio.to_thread(self.stdin.readline)
            if not line:
                break
            if line.strip() in (":q", ":quit", ":thoat"):
                break
            await self.handle_line(line)

    async def handle_line(self, line: str) -> None:
        payload = self.parse(line)
        if payload is None:
            return
        if not isinstance(payload, ButtonPress):
            self._choices = []
        print(f"👤 {line.strip()}", file=self.stdout)
        outcome = await self.engine.handle(InboundEvent(self.chat, self.sender, payload))
        await self.send(self.chat.chat_id, outcome.replies)
