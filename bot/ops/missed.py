"""`make missed`: the messages the bot failed on, from the tracker store.

Lists every user message that ended in the fallback, the out-of-scope answer or a
hand-over, grouped by the intent the classifier found closest, so that the team can
add the real phrasings to data/nlu.yml (or decide they are out of scope). E-mail
addresses in the messages are masked.

Reads Rasa's SQL tracker store: `make run`'s SQLite file under var/ by default,
BACKEND_TRACKER_STORE_URL (`make cluster`, production) or --url. The agents' review
queue (/agent, « À revoir ») shows the same messages and lets them be labelled.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from typing import Dict, List, Optional

from sqlalchemy.exc import SQLAlchemyError

from bot.clients.conversations import ConversationStore, MissedMessage
from bot.config import load_settings
from bot.domain.identifiers import mask_emails


def report(missed: List[MissedMessage], examples: int) -> str:
    groups: Dict[str, List[MissedMessage]] = defaultdict(list)
    for message in missed:
        groups[message.closest_intent].append(message)
    lines = [
        f"{len(missed)} message(s) ended in a fallback or a hand-over, "
        f"in {len({m.sender_id for m in missed})} conversation(s).",
        "",
    ]
    for intent, messages in sorted(groups.items(), key=lambda item: -len(item[1])):
        lines.append(f"{intent}  ({len(messages)})")
        for message in sorted(messages, key=lambda m: -m.confidence)[:examples]:
            text = mask_emails(message.text)
            text = " ".join(text.split())[:160]
            lines.append(f"  {message.confidence:.2f}  {message.outcome:<22} {text}")
        lines.append("")
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(prog="make missed", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url",
        default=load_settings().tracker_store_url,
        help="SQLAlchemy URL of Rasa's tracker store (default: make run's var/tracker.db, "
        "or BACKEND_TRACKER_STORE_URL)",
    )
    parser.add_argument("--examples", type=int, default=10, help="messages shown per intent")
    args = parser.parse_args(argv)
    store = ConversationStore(args.url)
    try:
        missed = store.missed_messages()
    except SQLAlchemyError as error:
        print(
            f"cannot read the tracker store at {args.url}: {type(error).__name__}. "
            "Has the bot run yet (`make run`, `make cluster`)?",
            file=sys.stderr,
        )
        return 1
    finally:
        store.close()
    print(report(missed, args.examples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
