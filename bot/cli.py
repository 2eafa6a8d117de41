"""The ``ydan`` command line: serve, chat, db, demo, communes, villages, invites, nlp."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from bot import admin, cli_members, cli_reports, cli_sessions
from bot.config import ConfigError, Settings, configure_logging, load_settings

Command = Callable[[argparse.Namespace, Settings], Coroutine[Any, Any, int]]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ydan", description="Ý Dân: dialogue with citizens")
    parser.add_argument("--config", type=Path, help="TOML settings file (environment wins)")
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="run the bot, the web server and the scheduler")
    serve.set_defaults(run=admin.serve)

    chat = sub.add_parser("chat", help="talk to the bot in this terminal")
    chat.add_argument("--user", default="console", help="who you are in the console channel")
    chat.add_argument("--no-demo", action="store_true", help="do not load the demo commune")
    chat.set_defaults(run=admin.chat)

    db = sub.add_parser("db", help="database maintenance").add_subparsers(
        dest="db_cmd", required=True
    )
    db.add_parser("upgrade", help="apply migrations").set_defaults(run=admin.db_upgrade)

    sub.add_parser("demo", help="load the demo commune (idempotent)").set_defaults(run=admin.demo)

    commune = sub.add_parser("commune", help="communes").add_subparsers(
        dest="commune_cmd", required=True
    )
    add_commune = commune.add_parser("add", help="add a commune")
    add_commune.add_argument("--slug", required=True)
    add_commune.add_argument("--name", required=True)
    add_commune.add_argument("--district")
    add_commune.add_argument("--province")
    add_commune.add_argument("--prefix", default="DT", help="tracking code prefix")
    add_commune.set_defaults(run=admin.commune_add)
    commune.add_parser("list", help="list communes").set_defaults(run=admin.commune_list)

    village = sub.add_parser("village", help="villages").add_subparsers(
        dest="village_cmd", required=True
    )
    add_village = village.add_parser("add", help="add villages to a commune")
    add_village.add_argument("--commune", required=True, help="commune slug")
    add_village.add_argument("names", nargs="+")
    add_village.set_defaults(run=admin.village_add)

    invite = sub.add_parser("invite", help="print a one-time invite code and deep link")
    invite.add_argument("--role", required=True, choices=["official", "village_head", "admin"])
    invite.add_argument("--commune", required=True, help="commune slug")
    invite.add_argument("--department", help="official's department (office, land, justice, ...)")
    invite.add_argument("--village", help="village head's village name")
    invite.set_defaults(run=admin.invite)

    classify = sub.add_parser("classify", help="tag messages from stdin, one JSON line each")
    classify.add_argument("--jsonl", action="store_true", help='input lines are {"id", "text"}')
    classify.set_defaults(run=admin.classify)

    nlp = sub.add_parser("nlp", help="the topic tagger").add_subparsers(
        dest="nlp_cmd", required=True
    )
    train = nlp.add_parser("train", help="retrain with officials' corrections")
    train.add_argument("--out", type=Path, help="model directory (default: the model_dir setting)")
    train.set_defaults(run=admin.nlp_train)
    evaluate = nlp.add_parser("eval", help="accuracy on the held-out set")
    evaluate.set_defaults(run=admin.nlp_eval)

    cli_sessions.register(sub)
    cli_reports.register(sub)
    cli_members.register(sub)
    for register in admin.EXTRA_COMMANDS:
        register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    # python-telegram-bot 22 warns on every 429 unless opted in to timedelta retry_after values.
    os.environ.setdefault("PTB_TIMEDELTA", "1")
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
    except ConfigError as exc:
        print(f"ydan: configuration error: {exc}", file=sys.stderr)
        return 2
    configure_logging(settings)
    run: Command = args.run
    try:
        return asyncio.run(run(args, settings))
    except ConfigError as exc:
        print(f"ydan: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
