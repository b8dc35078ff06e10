"""Rasa's REST channel, with the input checks and failure answer it lacks.

Rasa 3.6's `RestInput` passes whatever JSON it gets to the bot: a number as the
message, a 100,000-character message (seconds of NLU), lone surrogates that the
tracker store then cannot write. And when handling fails (tracker store down, lock
error) it answers 200 with no message at all and logs the customer's text. Here:
- a body that is not a JSON object with a string `sender`, a string `message` and an
  object `metadata` gets 400 and one message saying what is wrong, in French;
- the message is cleaned (bot.domain.identifiers.clean_message) and capped;
- the customer token in the metadata is checked here and replaced by the customer
  number it vouches for (bot.domain.tokens.verified_metadata): the stored conversation
  never holds the token, and a client cannot send a number of its choice;
- when the bot fails, 503 and the hand-over message, so that the client knows the
  message was not handled (and may send it again), and the customer gets the phone
  line instead of silence. Nothing of the message is logged;
- Rasa's `/model/parse`, on the same application, gets the input checks and size cap it
  lacks (bot/rasa_ext/api_guard.py);
- a message with a text and a `custom` payload (the links of bot/domain/links.py) stays
  one item, `{"text": …, "custom": …}`: Rasa's collector would send the payload as an
  item of its own, which a client could not tie to its text;
- the answer's `X-Bot-Responses` header names the responses of the turn, so that the web
  server's Prometheus counters (bot/web/metrics.py) know the fallbacks and hand-overs
  without a second call to Rasa;
- every item carries the `timestamp` of the bot event it comes from and the `response`
  the bot uttered (`utter_goodbye`…): the web server gives the widget the answer's id for
  the customer's 👍/👎 (the same timestamp the tracker store keeps) and knows when the
  bot closed the conversation.

credentials.yml declares it under the name `rest`, so the URL stays
/webhooks/rest/webhook. The answers keep the channel's shape: a list of messages. Rasa
builds it with `from_credentials`, which reads this process's settings once; the channel
keeps what it needs of them (the token check, the hand-over text, the API's token for
api_guard).
"""

from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.config import Settings, load_settings
from bot.domain.handover import unavailable_text
from bot.domain.messages import MAX_MESSAGE_LENGTH, clean_message
from bot.domain.outcomes import RESPONSES_HEADER
from bot.domain.tokens import verified_metadata
from bot.domain.typography import french
from bot.rasa_ext import api_guard, multi_question, workers
from bot.rasa_ext import speedups as rasa_speedups
from bot.rasa_ext.tracker_store import TrackerStoreUnavailable

MAX_SENDER_LENGTH = 128
MAX_METADATA_BYTES = 16_384

logger = logging.getLogger(__name__)

rasa_speedups.install()


class BadMessage(ValueError):
    """The request cannot be a customer's message; the text says why, in French."""


def _body(request: Request) -> Dict[str, Any]:
    try:
        body = json.loads(request.body) if request.body else None
    except (ValueError, RecursionError) as error:  # invalid UTF-8, nesting too deep
        raise BadMessage("Le corps de la requête n'est pas du JSON valide.") from error
    if not isinstance(body, dict):
        raise BadMessage("Envoyez un objet JSON avec « sender » et « message ».")
    return body


def _sender(body: Dict[str, Any]) -> str:
    sender = body.get("sender")
    if (
        not isinstance(sender, str)
        or not 0 < len(sender.strip()) <= MAX_SENDER_LENGTH
        or clean_message(sender) != sender.strip()
    ):
        raise BadMessage(
            f"« sender » doit être un identifiant de 1 à {MAX_SENDER_LENGTH} caractères visibles."
        )
    return sender.strip()


def _message(body: Dict[str, Any]) -> str:
    message = body.get("message")
    if not isinstance(message, str):
        raise BadMessage("« message » doit être un texte.")
    text = clean_message(message)
    if not text:
        raise BadMessage("Votre message est vide. Posez votre question en quelques mots.")
    if len(text) > MAX_MESSAGE_LENGTH:
        raise BadMessage(
            f"Votre message est trop long ({MAX_MESSAGE_LENGTH} caractères au plus). "
            "Résumez votre question en quelques phrases."
        )
    return text


def _metadata(body: Dict[str, Any]) -> Optional[Dict[str, Any]]:
    metadata = body.get("metadata")
    if metadata is None:
        return None
    if not isinstance(metadata, dict):
        raise BadMessage("« metadata » doit être un objet JSON.")
    try:
        size = len(json.dumps(metadata, ensure_ascii=False).encode("utf-8"))
    except (UnicodeEncodeError, ValueError) as error:
        raise BadMessage("« metadata » contient des caractères invalides.") from error
    if size > MAX_METADATA_BYTES:
        raise BadMessage("« metadata » est trop volumineux.")
    return metadata


def _answer(recipient: str, text: str, status: int) -> HTTPResponse:
    return response.json([{"recipient_id": recipient, "text": french(text)}], status=status)


class UtteranceCollector(CollectingOutputChannel):
    """Rasa's REST collector, one item per utterance when it carries a `custom` payload, each
    item tagged with its bot event's timestamp and response name. It also keeps the names
    of the responses uttered, for the `X-Bot-Responses` header."""

    def __init__(self) -> None:
        super().__init__()
        self.responses: List[str] = []

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if isinstance(message.get("utter_action"), str):
            self.responses.append(message["utter_action"])
        first = len(self.messages)
        event = {"timestamp": message.get("timestamp"), "response": message.get("utter_action")}
        await self._send(recipient_id, message)
        for item in self.messages[first:]:
            item.update({key: value for key, value in event.items() if value is not None})

    async def _send(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if message.get("custom") and message.get("text") and not message.get("quick_replies"):
            item = self._message(
                recipient_id,
                text=message["text"],
                buttons=message.get("buttons") or None,
                custom=message["custom"],
            )
            await self._persist_message(item)
            return
        await super().send_response(recipient_id, message)


class ValidatingRestInput(InputChannel):
    def __init__(self, settings: Settings) -> None:
        self.tokens = settings.tokens
        self.unavailable_text = unavailable_text(settings)
        self.rasa_auth_token = settings.rasa_auth_token

    @classmethod
    def name(cls) -> Text:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "ValidatingRestInput":
        """How Rasa builds the channel (credentials.yml gives it nothing): the settings of
        this process, read here once."""
        return cls(load_settings())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        # Rasa's HTTP API lives on the same application: its parse route gets its checks.
        webhook.listener("before_server_start")(
            lambda app, _loop: api_guard.install(app, self.rasa_auth_token)
        )
        # Several Sanic workers: one spaCy model for all, one served model whichever got
        # the `PUT /model`.
        shared = workers.from_environment()
        if shared is not None:
            workers.install(webhook, *shared)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = _body(request)
                sender = _sender(body)
                message = _message(body)
                metadata = verified_metadata(_metadata(body), self.tokens)
            except BadMessage as problem:
                return _answer("", str(problem), 400)
            collector = UtteranceCollector()
            agent = getattr(request.app.ctx, "agent", None)
            try:
                parts = await multi_question.questions(agent, message, sender)
                for part, parse in parts:
                    await on_new_message(
                        UserMessage(
                            part,
                            collector,
                            sender,
                            input_channel=self.name(),
                            metadata=metadata,
                            # Split questions were parsed already: not twice.
                            parse_data=parse,
                        )
                    )
            except (Exception, TrackerStoreUnavailable) as error:
                # Not handled: the customer gets the phone line, never silence.
                logger.error("message of a conversation not handled: %s", type(error).__name__)
                return _answer(sender, self.unavailable_text, 503)
            headers = {RESPONSES_HEADER: " ".join(collector.responses)}
            if len(parts) > 1:
                messages = multi_question.once_anything_else(collector.messages, agent)
                return response.json(messages, headers=headers)
            return response.json(collector.messages, headers=headers)

        return webhook
