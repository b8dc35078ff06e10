"""Rasa graph components of the NLU pipeline, listed in config.yml by module path.

Each one changes what the intent featurizers see (the message's tokens) or, for
AddressKind, the intent ranking; never the message's text: the RegexEntityExtractor
still reads e-mails and customer numbers from what the customer typed. Figures behind
each of them: docs/BENCHMARKS.md, README.md and the comments of config.yml.
"""

from bot.rasa_ext import question_focus, speedups

# A long message is read by the account question it asks: wherever this model is used
# (conversation, /model/parse, `rasa test nlu`), see bot/rasa_ext/question_focus.py.
question_focus.install()
# spaCy without the parts no component reads, wherever the model is loaded.
speedups.install()
