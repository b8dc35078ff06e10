"""The agents' suggestions from a parse (bot/web/assistant.py), without a model."""

from bot.web.assistant import suggest


def parse(*ranking):
    return {"intent_ranking": [{"name": n, "confidence": c} for n, c in ranking]}


def test_suggestions_carry_french_topic_names_and_flag_low_confidence():
    suggestions = suggest(
        parse(("nlu_fallback", 0.4), ("find_invoices", 0.35), ("manage_addresses", 0.3)),
        account=None,
        handover="…",
        threshold=0.4,
    )
    assert [(s.intent, s.topic, s.low_confidence) for s in suggestions] == [
        ("find_invoices", "Mes factures", True),
        ("manage_addresses", "Adresses de livraison ou de facturation", True),
    ]


def test_alternatives_the_model_barely_considers_are_left_out():
    suggestions = suggest(
        parse(("log_out", 0.97), ("greet", 0.019), ("thank", 0.011)),
        account=None,
        handover="…",
        threshold=0.4,
    )
    assert [s.intent for s in suggestions] == ["log_out"]
