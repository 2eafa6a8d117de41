"""Settings: defaults, environment over TOML, and one clear line per bad value."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot import config
from bot.config import ConfigError, load_settings


def test_defaults_are_the_embedded_sqlite_and_vietnamese() -> None:
    settings = load_settings(environ={})
    assert settings.database_url.startswith("sqlite+aiosqlite:///")
    assert settings.locale == "vi"
    assert settings.timezone == "Asia/Ho_Chi_Minh"
    assert settings.telegram_mode == "polling"
    assert settings.file_base_url == "https://api.telegram.org/file/bot"


def test_environment_wins_over_the_toml_file(tmp_path: Path) -> None:
    config = tmp_path / "ydan.toml"
    config.write_text('web_port = 9000\nlocale = "en"\n', encoding="utf-8")
    settings = load_settings(config, environ={"YDAN_WEB_PORT": "9100"})
    assert settings.web_port == 9100
    assert settings.locale == "en"


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"YDAN_DATABASE_URL": "mysql://x"}, "YDAN_DATABASE_URL"),
        ({"YDAN_DATABASE_URL": "::not a url::"}, "YDAN_DATABASE_URL"),
        ({"YDAN_TELEGRAM_MODE": "carrier-pigeon"}, "YDAN_TELEGRAM_MODE"),
        ({"YDAN_WEB_PORT": "eighty"}, "YDAN_WEB_PORT"),
        ({"YDAN_WEB_PORT": "70000"}, "YDAN_WEB_PORT"),
        ({"YDAN_LOCALE": "fr"}, "YDAN_LOCALE"),
        ({"YDAN_TIMEZONE": "Mars/Olympus"}, "YDAN_TIMEZONE"),
        ({"YDAN_TELEGRAM_TOKEN": "not-a-token"}, "YDAN_TELEGRAM_TOKEN"),
        (
            {"YDAN_TELEGRAM_TOKEN": "123:" + "a" * 30, "YDAN_TELEGRAM_MODE": "webhook"},
            "YDAN_WEBHOOK_URL",
        ),
        (
            {
                "YDAN_TELEGRAM_TOKEN": "123:" + "a" * 30,
                "YDAN_TELEGRAM_MODE": "webhook",
                "YDAN_WEBHOOK_URL": "https://example.org/hook",
            },
            "YDAN_WEBHOOK_SECRET",
        ),
        ({"YDAN_ENGINE_PROCESS": "twice"}, "YDAN_ENGINE_PROCESS"),
    ],
)
def test_bad_values_name_the_setting(env: dict[str, str], setting: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings(environ=env)
    assert caught.value.setting == setting


@pytest.mark.parametrize(
    ("engine_process", "token", "cores", "separate"),
    [
        ("auto", True, 2, True),
        ("auto", True, 1, False),
        ("on", True, 1, True),
        ("off", True, 8, False),
        # The console demo (no token) always runs in one process.
        ("on", False, 8, False),
    ],
)
def test_the_engine_gets_its_own_process_with_a_token_and_two_cores(
    monkeypatch: pytest.MonkeyPatch, engine_process: str, token: bool, cores: int, separate: bool
) -> None:
    monkeypatch.setattr(config, "_usable_cores", lambda: cores)
    env = {"YDAN_ENGINE_PROCESS": engine_process}
    if token:
        env["YDAN_TELEGRAM_TOKEN"] = "123:" + "a" * 30
    assert load_settings(environ=env).separate_engine is separate


def test_unknown_key_in_the_file_is_refused(tmp_path: Path) -> None:
    config = tmp_path / "ydan.toml"
    config.write_text('databse_url = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="databse_url"):
        load_settings(config, environ={})


def _run_ydan(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(Path(__file__).parents[1]), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.parametrize(
    ("env", "setting"),
    [
        ({"YDAN_DATABASE_URL": "oracle://db"}, "YDAN_DATABASE_URL"),
        ({"YDAN_TELEGRAM_MODE": "smoke-signals"}, "YDAN_TELEGRAM_MODE"),
        # Nothing listens on port 1: the database is unreachable.
        (
            {"YDAN_DATABASE_URL": "postgresql+asyncpg://postgres@127.0.0.1:1/none"},
            "YDAN_DATABASE_URL",
        ),
    ],
)
def test_serve_with_a_malformed_setting_exits_2_with_one_line(
    env: dict[str, str], setting: str, tmp_path: Path
) -> None:
    result = _run_ydan(["serve"], env, tmp_path)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert setting in lines[0]
