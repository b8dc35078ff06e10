"""Rasa's own checks: training data validation and the conversation tests."""
import os
import re
import subprocess

from bot.config import PROJECT_ROOT, load_settings
from bot.stack import venv_bin
from tests.conftest import RESULTS


def run_rasa(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false",
           "ACTION_ENDPOINT_URL": os.environ.get("ACTION_ENDPOINT_URL", "http://127.0.0.1:5055/webhook")}
    return subprocess.run([venv_bin("rasa"), *args], cwd=PROJECT_ROOT, env=env,
                          capture_output=True, text=True, timeout=900)


# Each one is explained in the README ("Validation warnings").
JUSTIFIED_WARNINGS = {
    "The utterance 'utter_handover_open' is not used in any story or rule.",
    "The utterance 'utter_handover_closed' is not used in any story or rule.",
}


def test_training_data_is_valid():
    result = run_rasa("data", "validate")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-4000:]
    warnings = set(re.findall(r"UserWarning: (.*)", output))
    assert warnings <= JUSTIFIED_WARNINGS, warnings - JUSTIFIED_WARNINGS


def test_conversation_stories_pass():
    out = RESULTS / "stories"
    result = run_rasa("test", "core", "--stories", "tests/test_stories.yml",
                      "--model", str(load_settings().model_path),
                      "--out", str(out), "--fail-on-prediction-errors")
    failed = out / "failed_test_stories.yml"
    details = failed.read_text(encoding="utf-8") if failed.exists() else result.stderr[-4000:]
    assert result.returncode == 0, details
