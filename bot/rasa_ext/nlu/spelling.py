"""Spelling normalisation towards the training vocabulary, before featurization.

Why (issue 11): customers type on phones; one letter swapped, dropped, doubled or replaced
in every long word cost the pipeline 14 points on the hidden sets. Character n-grams absorb
part of it; this component absorbs the rest by replacing a word the training data never
used with the closest word it did use (Damerau-Levenshtein distance 1, 2 from 9 letters,
accents ignored; ties go to the more frequent word), in the token list only. The
vocabulary is learnt at training time from the tokens of data/nlu.yml, so it follows the
data. Words shorter than `min_length`, tokens holding a digit, an @ or a placeholder of
ValueMasker are never touched. With `one_spelling`, a training word typed without its
accents becomes the spelling the training data uses most (« ou » -> « où », « oublie » ->
« oublié »), whatever its length: phones drop accents, and the bare form must not read as
another word. The look-up uses symspellpy (chosen over rapidfuzz by the
measurement in docs/BENCHMARKS.md: the same corrections, far quicker per look-up).
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections import Counter
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.tokenizers.tokenizer import Token
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from symspellpy import SymSpell, Verbosity

from bot.rasa_ext.nlu.tokens import RewritesTokens, set_text_tokens, text_tokens

logger = logging.getLogger(__name__)

WORD = re.compile(r"^[^\W\d_]+(?:['’-][^\W\d_]+)*$")
VOCABULARY_FILE = "vocabulary.json"


def strip_accents(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", word) if not unicodedata.combining(c))


class Speller:
    """The closest known word of a vocabulary {word: count}, accents ignored."""

    def __init__(
        self, counts: Dict[str, int], min_length: int, long_word: int, one_spelling: bool = False
    ) -> None:
        self.counts = counts
        self.min_length = min_length
        self.long_word = long_word
        self.one_spelling = one_spelling
        # Several spellings can share an accent-free form: the most frequent one wins.
        self.by_form: Dict[str, str] = {}
        for word, _ in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
            self.by_form.setdefault(strip_accents(word), word)
        self.symspell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for form, word in self.by_form.items():
            self.symspell.create_dictionary_entry(form, counts[word])

    def correct(self, word: str) -> Optional[str]:
        """The known word meant, or None when the word is known, too short, or too far.
        With `one_spelling`, a known word whose accent-free form has a more frequent
        spelling becomes that spelling (« ou est ma facture » reads as « où est… »)."""
        lowered = word.lower()
        if not WORD.match(lowered):
            return None
        form = strip_accents(lowered)
        if lowered in self.counts:
            usual = self.by_form[form]
            return usual if self.one_spelling and usual != lowered else None
        if form in self.by_form and (self.one_spelling or len(lowered) >= self.min_length):
            return self.by_form[form]
        if len(lowered) < self.min_length:
            return None
        distance = 2 if len(form) >= self.long_word else 1
        found = self.symspell.lookup(form, Verbosity.TOP, max_edit_distance=distance)
        return self.by_form[found[0].term] if found else None


def vocabulary(messages: List[Message]) -> Dict[str, Dict[str, Any]]:
    """{word: {count, lemma}} of the lower-cased word tokens of the messages."""
    counts: Counter = Counter()
    lemmas: Dict[str, str] = {}
    for message in messages:
        for token in text_tokens(message) or []:
            word = token.text.lower()
            if WORD.match(word):
                counts[word] += 1
                lemmas.setdefault(word, token.lemma or word)
    return {word: {"count": count, "lemma": lemmas[word]} for word, count in counts.items()}


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class SpellingNormaliser(RewritesTokens, GraphComponent):
    """Replaces unknown words by the closest training word; list it after ValueMasker."""

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"min_length": 5, "long_word": 9, "one_spelling": False}

    @staticmethod
    def required_packages() -> List[Text]:
        return ["symspellpy"]

    def __init__(
        self,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        words: Optional[Dict[str, Dict[str, Any]]] = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._use(words or {})

    def _use(self, words: Dict[str, Dict[str, Any]]) -> None:
        self._words = words
        self._speller = Speller(
            {w: v["count"] for w, v in words.items()},
            self._config["min_length"],
            self._config["long_word"],
            self._config["one_spelling"],
        )

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SpellingNormaliser":
        return cls(config, model_storage, resource)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SpellingNormaliser":
        try:
            with model_storage.read_from(resource) as directory:
                words = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        except ValueError:
            logger.warning("SpellingNormaliser: no vocabulary in the model, nothing corrected")
            words = {}
        return cls(config, model_storage, resource, words)

    def train(self, training_data: TrainingData) -> Resource:
        self._use(vocabulary(training_data.training_examples))
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(
                json.dumps(self._words, ensure_ascii=False), encoding="utf-8"
            )
        return self._resource

    def rewrite(self, message: Message, tokens: List[Token]) -> None:
        set_text_tokens(message, [self._normalised(token) for token in tokens])

    def _normalised(self, token: Token) -> Token:
        word = self._speller.correct(token.text)
        if word is None:
            return token
        return Token(
            word, token.start, token.end, data=token.data, lemma=self._words[word]["lemma"]
        )
