"""The conversation-repair set (tests/conversations/repair.yml, written from a brief by
someone who never read data/), each conversation through the real REST channel of the
running stack, turn by turn; tickets read back from the backend's database."""

from __future__ import annotations

import uuid
from collections import Counter
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from bot.domain.tokens import issue_token
from tests.support.stack import CLOCK_FILE, forget_rate_limits, texts, tickets_of

CONVERSATIONS = sorted((Path(__file__).parent / "conversations").glob("*.yml"))
CLOCKS = {"open": None, "closed": "2026-11-28T22:00:00+01:00"}  # Friday 10:00 / Saturday 22:00


def load() -> List[Dict[str, Any]]:
    """Every conversation of every file, named after its file."""
    return [
        {**conversation, "name": f"{path.stem}: {conversation['name']}"}
        for path in CONVERSATIONS
        for conversation in yaml.safe_load(path.read_text(encoding="utf-8"))["conversations"]
    ]


def normalised(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").replace("\u202f", " ").lower().split())


def check_turn(number: int, turn: Dict[str, Any], replies: str) -> List[str]:
    said = normalised(replies)
    problems = [f"missing « {f} »" for f in turn.get("says", []) if normalised(f) not in said]
    problems += [
        f"should not say « {f} »" for f in turn.get("not_says", []) if normalised(f) in said
    ]
    one_of = turn.get("says_one_of")
    if one_of and not any(normalised(f) in said for f in one_of):
        problems.append(f"none of {one_of}")
    return [f"turn {number} « {turn['user']} »: {p}\n  bot: {replies}" for p in problems]


@pytest.fixture
def clock():
    def set_clock(name: str) -> None:
        instant = CLOCKS[name or "open"]
        if instant:
            CLOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
            CLOCK_FILE.write_text(instant)
        else:
            CLOCK_FILE.unlink(missing_ok=True)

    yield set_clock
    CLOCK_FILE.unlink(missing_ok=True)


def cases() -> List[Any]:
    """Every conversation; one the bot does not pass yet carries `known_gap` (why) and is
    an expected failure, strict: the day it passes, the test says so and the mark goes."""
    return [
        pytest.param(
            conversation,
            id=conversation["name"],
            marks=[pytest.mark.xfail(reason=conversation["known_gap"], strict=True)]
            if conversation.get("known_gap")
            else [],
        )
        for conversation in load()
    ]


@pytest.mark.parametrize("conversation", cases())
def test_conversation(conversation, chat, clock, stack_settings):
    clock(conversation.get("clock"))
    # Each conversation is another customer's session, later: no earlier one's limits.
    forget_rate_limits(stack_settings)
    sender = f"repair-{uuid.uuid4()}"
    customer = conversation.get("logged_in")
    metadata = {"auth_token": issue_token(customer, stack_settings.tokens)} if customer else {}
    problems: List[str] = []
    for number, turn in enumerate(conversation["turns"], start=1):
        problems += check_turn(number, turn, texts(chat(sender, turn["user"], metadata)))
    opened = Counter(ticket["subject"] for ticket in tickets_of(stack_settings, sender))
    for subject, count in (conversation.get("tickets") or {}).items():
        if opened[subject] != count:
            problems.append(f"{count} « {subject} » ticket(s) expected, {opened[subject]} opened")
    assert not problems, "\n".join(problems)
