"""The per-event context a handler works with: the person, the conversation state, replies."""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.events import (
    Button,
    InboundEvent,
    OutDocument,
    OutText,
    Payload,
    Reply,
)
from handlers.router import Router
from handlers.services import Services
from locales import Translator
from storage.models import Membership, Person, Role
from storage.repo.conversations import ChatState
from storage.repo.people import active_memberships

# Button data is "<nonce>|<action>|<argument>"; LASTING marks buttons not tied to one step.
LASTING = "g"
CALLBACK_LIMIT = 64  # bytes: Telegram's limit for callback data


def new_nonce() -> str:
    return secrets.token_hex(3)


class Ctx:
    def __init__(
        self,
        services: Services,
        router: Router,
        session: AsyncSession,
        event: InboundEvent,
        state: ChatState,
        person: Person | None,
    ) -> None:
        self.services = services
        self.router = router
        self.session = session
        self.event = event
        self.state = state
        self.person = person
        self.replies: list[Reply] = []
        self.arg = ""  # the argument of the button pressed, when a button brought us here
        self._memberships: list[Membership] | None = None

    # --- basics -----------------------------------------------------------------------
    @property
    def payload(self) -> Payload:
        return self.event.payload

    @property
    def now(self) -> datetime:
        return self.services.clock.now()

    @property
    def language(self) -> str:
        if self.person is not None and self.person.erased_at is None:
            return self.person.locale
        lang = self.state.data.get("_lang")
        if isinstance(lang, str):
            return lang
        return self.services.default_locale

    @property
    def t(self) -> Translator:
        return self.services.catalogs.get(self.language)

    @property
    def onboarded(self) -> bool:
        return self.person is not None and self.person.privacy_accepted_at is not None

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.services.timezone)

    # --- roles ------------------------------------------------------------------------
    async def memberships(self) -> list[Membership]:
        if self._memberships is None:
            self._memberships = (
                []
                if self.person is None
                else await active_memberships(self.session, self.person.id)
            )
        return self._memberships

    async def role(self, *roles: Role) -> Membership | None:
        for membership in await self.memberships():
            if membership.role in roles:
                return membership
        return None

    async def role_is_head(self) -> bool:
        return await self.role(Role.VILLAGE_HEAD) is not None

    async def role_is_official(self) -> bool:
        return await self.role(Role.OFFICIAL, Role.ADMIN) is not None

    def forget_memberships(self) -> None:
        self._memberships = None

    # --- conversation state -------------------------------------------------------------
    @property
    def flow(self) -> str | None:
        return self.state.flow

    @property
    def step(self) -> str | None:
        return self.state.step

    @property
    def data(self) -> dict[str, Any]:
        return self.state.data

    def set_step(self, flow: str, step: str, **updates: Any) -> None:
        """Move to ``step``; earlier buttons become stale."""
        self.state.flow = flow
        self.state.step = step
        self.state.nonce = new_nonce()
        if updates:
            self.data.update(updates)

    def start_flow(self, flow: str, step: str, **values: Any) -> None:
        kept = {k: v for k, v in self.data.items() if k.startswith("_")}
        self.state.data = {**kept, **values}
        self.set_step(flow, step)

    def clear_flow(self) -> None:
        self.state.flow = None
        self.state.step = None
        self.state.nonce = new_nonce()
        self.state.data = {k: v for k, v in self.data.items() if k.startswith("_")}

    async def reprompt(self) -> None:
        """Ask again for what the current step waits for, so nothing entered is lost."""
        if self.flow and self.step:
            prompt = self.router.prompts.get((self.flow, self.step))
            if prompt is not None:
                await prompt(self)

    async def refuse_button(self) -> None:
        """A button whose data does not fit the current question: say so, then ask again."""
        self.say(self.t("error.button_invalid"))
        await self.reprompt()

    # --- replies ------------------------------------------------------------------------
    def say(
        self,
        text: str,
        buttons: tuple[tuple[Button, ...], ...] | list[list[Button]] = (),
        *,
        request_contact: str | None = None,
        menu: tuple[tuple[str, ...], ...] = (),
        remove_menu: bool = False,
    ) -> None:
        rows = tuple(tuple(row) for row in buttons)
        self.replies.append(
            OutText(
                text,
                rows,
                request_contact=request_contact,
                menu=menu,
                remove_menu=remove_menu,
            )
        )

    def send_document(self, filename: str, content: bytes, caption: str | None = None) -> None:
        self.replies.append(OutDocument(filename, content, caption))

    def button(self, label: str, action: str, arg: str = "") -> Button:
        """A button valid only at the current step."""
        return _button(label, self.state.nonce, action, arg)

    def lasting_button(self, label: str, action: str, arg: str = "") -> Button:
        """A button that stays valid (its handler checks the argument itself)."""
        return _button(label, LASTING, action, arg)


def _button(label: str, nonce: str, action: str, arg: str) -> Button:
    data = f"{nonce}|{action}|{arg}"
    if len(data.encode()) > CALLBACK_LIMIT:
        raise ValueError(f"callback data too long for action {action!r}")
    return Button(label, data)


def parse_button(data: str) -> tuple[str, str, str] | None:
    parts = data.split("|", 2)
    if len(parts) != 3 or not parts[0] or not parts[1]:
        return None
    return parts[0], parts[1], parts[2]
