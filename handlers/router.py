"""Routes an event to its handler: by command, by button action, or by the step a flow is at.

Each handler module builds its own ``Router``; ``handlers.app.build_router`` composes them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from handlers.context import Ctx

HandlerFn = Callable[["Ctx"], Awaitable[None]]


@dataclass(frozen=True)
class CommandSpec:
    fn: HandlerFn
    # Commands that may run before the person has accepted the privacy notice.
    before_onboarding: bool = False


async def expect_buttons(ctx: Ctx) -> None:
    """Something typed where a step waits for a button press: say so, show the buttons again."""
    ctx.say(ctx.t("error.use_buttons"))
    await ctx.reprompt()


@dataclass
class Router:
    commands: dict[str, CommandSpec] = field(default_factory=dict)
    actions: dict[str, HandlerFn] = field(default_factory=dict)
    # Actions whose buttons stay valid after the conversation moves on (e.g. feedback on answers).
    lasting_actions: dict[str, HandlerFn] = field(default_factory=dict)
    steps: dict[tuple[str, str], HandlerFn] = field(default_factory=dict)
    # How to ask again for what a step waits for (after a stale button or a wrong kind of input).
    prompts: dict[tuple[str, str], HandlerFn] = field(default_factory=dict)
    # Main-menu labels (catalog keys) and the command each one stands for.
    menu_keys: dict[str, str] = field(default_factory=dict)

    def command(
        self, *names: str, before_onboarding: bool = False
    ) -> Callable[[HandlerFn], HandlerFn]:
        def register(fn: HandlerFn) -> HandlerFn:
            for name in names:
                if name in self.commands:
                    raise ValueError(f"command /{name} registered twice")
                self.commands[name] = CommandSpec(fn, before_onboarding)
            return fn

        return register

    def action(self, name: str, *, lasting: bool = False) -> Callable[[HandlerFn], HandlerFn]:
        if "|" in name:
            raise ValueError("action names cannot contain '|'")

        def register(fn: HandlerFn) -> HandlerFn:
            table = self.lasting_actions if lasting else self.actions
            if name in self.actions or name in self.lasting_actions:
                raise ValueError(f"action {name!r} registered twice")
            table[name] = fn
            return fn

        return register

    def step(self, flow: str, *steps: str) -> Callable[[HandlerFn], HandlerFn]:
        def register(fn: HandlerFn) -> HandlerFn:
            for step in steps:
                if (flow, step) in self.steps:
                    raise ValueError(f"step {flow}/{step} registered twice")
                self.steps[(flow, step)] = fn
            return fn

        return register

    def buttons_only(self, flow: str, *steps: str) -> None:
        """These steps are answered with buttons only; anything typed gets ``expect_buttons``."""
        self.step(flow, *steps)(expect_buttons)

    def prompt(self, flow: str, *steps: str) -> Callable[[HandlerFn], HandlerFn]:
        def register(fn: HandlerFn) -> HandlerFn:
            for step in steps:
                self.prompts[(flow, step)] = fn
            return fn

        return register

    def menu(self, label_key: str, command: str) -> None:
        self.menu_keys[label_key] = command

    def include(self, other: Router) -> None:
        for name, spec in other.commands.items():
            if name in self.commands:
                raise ValueError(f"command /{name} registered twice")
            self.commands[name] = spec
        for table, theirs in (
            (self.actions, other.actions),
            (self.lasting_actions, other.lasting_actions),
        ):
            for action, fn in theirs.items():
                if action in self.actions or action in self.lasting_actions:
                    raise ValueError(f"action {action!r} registered twice")
                table[action] = fn
        for key, fn in other.steps.items():
            if key in self.steps:
                raise ValueError(f"step {key} registered twice")
            self.steps[key] = fn
        self.prompts.update(other.prompts)
        self.menu_keys.update(other.menu_keys)
