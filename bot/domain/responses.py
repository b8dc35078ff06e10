"""The bot's French texts, read from domain.yml, for use outside a conversation.

The agents' answer assistant shows what the bot would answer to an intent:
the responses its rule utters, in order (data/rules.yml), with the facts a
custom action would fill in. Reading both files keeps the assistant and the
bot saying exactly the same thing.
"""

from __future__ import annotations

import string
from functools import lru_cache
from typing import Dict, List, Mapping

import yaml

from bot.config import PROJECT_ROOT


@lru_cache(maxsize=1)
def _responses() -> Dict[str, str]:
    domain = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))
    return {name: variants[0]["text"] for name, variants in domain["responses"].items()}


@lru_cache(maxsize=1)
def _answers_by_intent() -> Dict[str, List[str]]:
    """intent -> the responses its rule utters right after it (no condition, no prior step)."""
    rules = yaml.safe_load((PROJECT_ROOT / "data" / "rules.yml").read_text(encoding="utf-8"))
    answers: Dict[str, List[str]] = {}
    for rule in rules["rules"]:
        steps = rule["steps"]
        if rule.get("condition") or "intent" not in steps[0]:
            continue
        uttered = []
        for step in steps[1:]:
            action = step.get("action", "")
            if not action.startswith("utter_"):
                break
            uttered.append(action)
        answers.setdefault(steps[0]["intent"], uttered)
    return answers


def render(name: str, values: Mapping[str, str] = {}) -> str:
    """A response's text with its {placeholders} filled; unknown ones are left visible."""
    template = _responses()[name]
    fields = {field for _, field, _, _ in string.Formatter().parse(template) if field}
    return template.format_map({field: values.get(field, "{" + field + "}") for field in fields})


def rule_responses(intent: str) -> List[str]:
    """The responses the bot utters first when it recognises `intent`."""
    return list(_answers_by_intent().get(intent, []))
