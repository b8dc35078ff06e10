"""Shared helpers of the NLU components: replacing the tokens the featurizers read, and
Rasa's graph-component boilerplate for a component with no settings and nothing learnt."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Token, Tokenizer
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


def text_tokens(message: Message) -> Optional[List[Token]]:
    """The tokens of the message's text, or None for a message without text (a story's
    action, a response)."""
    return message.get(TOKENS_NAMES[TEXT])


def set_text_tokens(message: Message, tokens: List[Token]) -> None:
    message.set(TOKENS_NAMES[TEXT], tokens)


class StatelessComponent(GraphComponent):
    """A graph component with no settings and nothing to train or persist."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> GraphComponent:
        return cls()


class RewritesTokens:
    """Rewrites the tokens of each message with text, for the training examples as for the
    messages parsed; listed after the tokenizer. A mixin for a graph component, trained or
    not."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [Tokenizer]

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            tokens = text_tokens(message)
            if tokens:
                self.rewrite(message, tokens)
        return messages

    def rewrite(self, message: Message, tokens: List[Token]) -> None:
        """Replaces the message's tokens (set_text_tokens) where it must."""
        raise NotImplementedError


class TokenRewriter(RewritesTokens, StatelessComponent):
    """A token rewriter with no settings and nothing learnt."""
