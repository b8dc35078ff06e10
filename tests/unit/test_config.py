import argparse
import dataclasses
from datetime import time

import pytest

from bot.config import PROJECT_ROOT, load_settings
from bot.ops.run import retrain_hint
from bot.ops.stack import demo_settings, rasa_argv, rasa_server_spec, web_spec, with_run_secrets


def test_defaults_run_on_one_machine():
    settings = load_settings({})
    assert settings.phone.number == "02 808 18 02"
    assert (settings.phone.opens, settings.phone.closes) == (time(8), time(19))
    assert settings.host == "127.0.0.1"
    assert settings.fixed_now is None


@pytest.mark.parametrize(
    "value, expected",
    [("8", time(8)), ("8:30", time(8, 30)), ("08h30", time(8, 30)), ("19h", time(19))],
)
def test_opening_time_formats(value, expected):
    assert load_settings({"SUPPORT_PHONE_OPENS": value}).phone.opens == expected


def test_fixed_clock_needs_an_offset():
    with pytest.raises(ValueError):
        load_settings({"BOT_FIXED_NOW": "2026-11-27T10:00:00"})
    settings = load_settings({"BOT_FIXED_NOW": "2026-11-27T10:00:00+01:00"})
    assert settings.fixed_now.isoformat() == "2026-11-27T10:00:00+01:00"


def test_the_demo_log_in_is_on_in_make_run_only():
    assert load_settings({}).web.demo_mode is False
    assert web_spec(with_run_secrets(load_settings({}))).env["DEMO_MODE"] == "0"
    # bot/ops/run.py's `serve` (make run) starts the web server with these settings.
    assert web_spec(demo_settings(load_settings({}))).env["DEMO_MODE"] == "1"
    for env_file in (PROJECT_ROOT / "deploy").rglob("*.env"):
        assert "DEMO_MODE" not in env_file.read_text(encoding="utf-8"), env_file


def test_metrics_need_a_token_which_make_run_makes_up():
    assert load_settings({}).web.metrics_token is None
    settings = with_run_secrets(load_settings({}))
    assert settings.web.metrics_token and len(settings.web.metrics_token) >= 32
    assert web_spec(settings).env["METRICS_TOKEN"] == settings.web.metrics_token
    assert load_settings({"METRICS_TOKEN": "t" * 40}).web.metrics_token == "t" * 40


def test_make_retrain_reaches_make_run_with_the_tokens_of_env_only():
    """`make retrain` runs in another shell and reads the same .env: tokens `make run` made
    up are unknown to it, so the run's banner says which to set; set, both use them."""
    assert retrain_hint(load_settings({})).startswith(
        "`make retrain` cannot reach this run: BACKEND_API_TOKEN and RASA_AUTH_TOKEN made up"
    )
    half = retrain_hint(load_settings({"BACKEND_API_TOKEN": "b" * 43}))
    assert "RASA_AUTH_TOKEN made up" in half and "BACKEND_API_TOKEN" not in half
    env = {"BACKEND_API_TOKEN": "b" * 43, "RASA_AUTH_TOKEN": "r" * 43}
    assert retrain_hint(load_settings(env)) == ""
    run = with_run_secrets(load_settings(env))
    assert (run.backend.api_token, run.rasa_auth_token) == ("b" * 43, "r" * 43)


def test_rasa_http_api_always_has_a_token():
    settings = with_run_secrets(load_settings({}))
    assert settings.rasa_auth_token and len(settings.rasa_auth_token) >= 32
    assert web_spec(settings).env["RASA_AUTH_TOKEN"] == settings.rasa_auth_token
    if settings.model_path.is_file():
        argv = rasa_argv(settings, 5005, PROJECT_ROOT / "endpoints.yml")
        assert f"--auth-token={settings.rasa_auth_token}" in argv


def test_a_rasa_token_starting_with_a_dash_is_not_read_as_an_option():
    """token_urlsafe starts with '-' once in 64 runs: `rasa run --auth-token -x…` then
    stopped with "expected one argument" (a stack test run failed that way)."""
    settings = dataclasses.replace(with_run_secrets(load_settings({})), rasa_auth_token="-x" * 20)
    if not settings.model_path.is_file():
        pytest.skip("no trained model")
    argv = rasa_argv(settings, 5005, PROJECT_ROOT / "endpoints.yml")
    parsed = argparse.ArgumentParser()
    parsed.add_argument("--auth-token")
    options, _ = parsed.parse_known_args(argv[2:])
    assert options.auth_token == "-x" * 20


@pytest.mark.parametrize(
    "name",
    [
        "RASA_AUTH_TOKEN",
        "BACKEND_API_TOKEN",
        "CUSTOMER_TOKEN_SECRET",
        "AGENT_PASSWORD",
        "METRICS_TOKEN",
    ],
)
def test_placeholder_secrets_are_refused_at_start(name):
    with pytest.raises(ValueError, match=name):
        with_run_secrets(load_settings({name: "change-me"}))


@pytest.mark.parametrize("value, expected", [("1", 1), ("3", 3), (" 2 ", 2)])
def test_rasa_workers_come_from_rasa_workers(value, expected):
    assert load_settings({"RASA_WORKERS": value}).rasa_workers == expected


@pytest.mark.parametrize("value", ["0", "-1", "deux"])
def test_rasa_workers_must_be_a_whole_number_of_at_least_one(value):
    with pytest.raises(ValueError):
        load_settings({"RASA_WORKERS": value})


def test_the_rasa_workers_share_their_locks_and_model_beside_the_conversations(tmp_path):
    settings = dataclasses.replace(
        load_settings({"RASA_WORKERS": "2"}), tracker_db=tmp_path / "t.db"
    )
    env = with_run_secrets(settings)

    spec_env = rasa_server_spec(env).env
    assert spec_env["SANIC_WORKERS"] == "2"
    assert spec_env["LOCK_SQLITE_PATH"] == str(tmp_path / "locks.db")
    assert spec_env["MODEL_SYNC_DIR"] == str(tmp_path / "rasa-workers")
