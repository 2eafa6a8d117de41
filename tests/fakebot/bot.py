"""FakeBot: the test-facing handle on one bot token (simulated users + observation)."""

from __future__ import annotations

from tests.fakebot.botstate import BotState
from tests.fakebot.hub import Hub
from tests.fakebot.observe import Observations
from tests.fakebot.users import UserActions


class FakeBot(UserActions, Observations):
    """Users talking to one bot, and what that bot answered.

    ``FakeBotApi`` is itself the FakeBot of its first token; ``FakeBotApi.bot(token)`` gives
    the handle of any other token it serves.
    """

    def __init__(self, hub: Hub, state: BotState) -> None:
        self._hub = hub
        self._state = state

    @property
    def token(self) -> str:
        return self._state.token

    @property
    def bot_id(self) -> int:
        return self._state.bot_id

    @property
    def username(self) -> str:
        return self._state.username
