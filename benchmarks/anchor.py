"""The anchor of the speed benchmark: a plain Rasa 3.6 FAQ bot made from our own data.

Issue 14 compares our bot with what Rasa gives out of the box on the same questions: the
pipeline and policies a `rasa init` project trains (its config.yml leaves both empty, so
Rasa fills them from its own `default_config.yml`, read here from the installed package),
our NLU examples, and for each intent the `utter_` responses our rules answer it with,
without the custom actions, forms and slots. Nothing of it is committed: it is generated
under var/bench/anchor at bench time, so that it follows data/, domain.yml and Rasa.

Its model is trained once per content: the file name is a hash of every generated file and
of Rasa's version, so a second run (or an unchanged data/) reuses it.

`epochs` below Rasa's 100 (the quick mode) only shortens training: the networks, hence
the cost of a turn, are the same.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any, Dict, List, Optional

import yaml

from bot.config import PROJECT_ROOT
from bot.ops.stack import venv_bin

logger = logging.getLogger(__name__)

ANCHOR_DIR = PROJECT_ROOT / "var" / "bench" / "anchor"
PLACEHOLDER = re.compile(r"\{\w+\}")


def default_config(epochs: Optional[int] = None) -> Dict[str, Any]:
    """What a `rasa init` project trains with, in French; every `epochs` set to `epochs`
    when given."""
    source = resources.files("rasa.engine.recipes") / "config_files" / "default_config.yml"
    config = yaml.safe_load(source.read_text(encoding="utf-8"))
    config["language"] = "fr"
    config["assistant_id"] = "bench-anchor"
    if epochs is not None:
        for component in config["pipeline"] + config["policies"]:
            if "epochs" in component:
                component["epochs"] = epochs
    return config


def _plain_responses(responses: Dict[str, Any]) -> Dict[str, Any]:
    """Responses a bot without slots or actions can say: none fills in a `{slot}`."""
    return {
        name: variants
        for name, variants in responses.items()
        if not any(PLACEHOLDER.search(str(v.get("text", ""))) for v in variants)
    }


def answers_by_intent(
    rules: List[Dict[str, Any]], responses: Dict[str, Any]
) -> Dict[str, List[str]]:
    """For each intent, the `utter_` responses our unconditional rule answers it with, in
    order (custom actions, forms and responses with slots left out); `utter_<intent>`, else
    `utter_<intent>_intro`, when the rule only has an action (out_of_scope ->
    action_repair, opening_hours -> action_opening_hours): every intent of the load gets
    an answer, or the plain bot's empty replies count as errors."""
    plain = _plain_responses(responses)
    answers: Dict[str, List[str]] = {}
    for rule in rules:
        steps = rule.get("steps", [])
        if rule.get("condition") or not steps or "intent" not in steps[0]:
            continue
        intent = steps[0]["intent"]
        replies = []
        for step in steps[1:]:
            if "intent" in step:
                break
            action = step.get("action", "")
            if action in plain:
                replies.append(action)
        for fallback in (f"utter_{intent}", f"utter_{intent}_intro"):
            if not replies and fallback in plain:
                replies = [fallback]
        if replies and intent not in answers:
            answers[intent] = replies
    return answers


def anchor_domain(domain: Dict[str, Any], answers: Dict[str, List[str]]) -> Dict[str, Any]:
    """Our intents and entities, and only the responses the anchor's rules say."""
    used = {name for replies in answers.values() for name in replies}
    return {
        "version": "3.1",
        "session_config": domain.get("session_config", {}),
        "intents": domain["intents"],
        "entities": domain.get("entities", []),
        "responses": {name: domain["responses"][name] for name in sorted(used)},
    }


def anchor_rules(answers: Dict[str, List[str]]) -> Dict[str, Any]:
    return {
        "version": "3.1",
        "rules": [
            {
                "rule": f"answer {intent}",
                "steps": [{"intent": intent}] + [{"action": name} for name in replies],
            }
            for intent, replies in answers.items()
        ],
    }


def anchor_files(epochs: Optional[int] = None, root: Path = PROJECT_ROOT) -> Dict[str, str]:
    """Every file of the anchor project, by relative path, from the project's own files."""
    domain = yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))
    rules = yaml.safe_load((root / "data" / "rules.yml").read_text(encoding="utf-8"))["rules"]
    answers = answers_by_intent(rules, domain["responses"])

    def dump(data: Dict[str, Any]) -> str:
        return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)

    return {
        "config.yml": dump(default_config(epochs)),
        "domain.yml": dump(anchor_domain(domain, answers)),
        "data/nlu.yml": (root / "data" / "nlu.yml").read_text(encoding="utf-8"),
        "data/rules.yml": dump(anchor_rules(answers)),
        "credentials.yml": "rest:\n",
    }


def content_hash(files: Dict[str, str], rasa_version: str) -> str:
    digest = hashlib.sha256(rasa_version.encode())
    for path in sorted(files):
        digest.update(path.encode() + b"\0" + files[path].encode() + b"\0")
    return digest.hexdigest()[:16]


def build(epochs: Optional[int] = None, workdir: Path = ANCHOR_DIR) -> Path:
    """The anchor project written to `workdir` and its model, trained when missing."""
    import rasa

    files = anchor_files(epochs)
    key = content_hash(files, rasa.__version__)
    project = workdir / key
    model = project / "models" / "anchor.tar.gz"
    if model.is_file():
        logger.info("anchor model %s reused", model)
        return model
    for path, text in files.items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text, encoding="utf-8")
    logger.info("training the anchor bot in %s (epochs %s)", project, epochs or "Rasa's")
    with open(project / "train.log", "wb") as log:
        subprocess.run(
            [venv_bin("rasa"), "train", "--fixed-model-name", "anchor", "--out", "models"],
            cwd=project,
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "RASA_TELEMETRY_ENABLED": "false"},
        )
    return model
