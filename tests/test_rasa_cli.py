"""Rasa's own checks: training data validation and the conversation tests."""

import os
import re
import subprocess

from bot.config import PROJECT_ROOT, load_settings
from bot.ops.stack import venv_bin
from tests.support.stack import RESULTS


def run_rasa(*args: str) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "ACTION_ENDPOINT_URL": os.environ.get(
            "ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook"
        ),
    }
    return subprocess.run(
        [venv_bin("rasa"), *args],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


UNUSED_RESPONSE = re.compile(r"The utterance '(utter_\w+)' is not used in any story or rule\.")


def python_sources() -> str:
    return "\n".join(
        path.read_text(encoding="utf-8")
        for folder in ("actions", "bot")
        for path in (PROJECT_ROOT / folder).rglob("*.py")
    )


def is_justified(warning: str, sources: str) -> bool:
    """The one warning we accept, explained in the README ("Validation warnings"):
    a response that no rule names because a form asks it (utter_ask_*) or a
    custom action utters it (its name, or its `utter_invalid_<slot>` pattern,
    is in the actions' code)."""
    unused = UNUSED_RESPONSE.fullmatch(warning)
    if not unused:
        return False
    name = unused.group(1)
    return (
        name.startswith("utter_ask_")
        or f'"{name}"' in sources
        or (name.startswith("utter_invalid_") and 'f"utter_invalid_{slot}"' in sources)
    )


def test_training_data_is_valid():
    result = run_rasa("data", "validate")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    assert "No story structure conflicts found" in output
    sources = python_sources()
    unexplained = [
        w for w in set(re.findall(r"UserWarning: (.*)", output)) if not is_justified(w, sources)
    ]
    assert not unexplained


def test_conversation_stories_pass():
    out = RESULTS / "stories"
    result = run_rasa(
        "test",
        "core",
        "--stories",
        "tests/test_stories.yml",
        "--model",
        str(load_settings().model_path),
        "--out",
        str(out),
        "--fail-on-prediction-errors",
    )
    failed = out / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stderr[-4000:]
    assert result.returncode == 0, details
