"""The agents' suggestions from a parse (bot/web/assistant.py), without a model."""

import yaml

from bot.config import PROJECT_ROOT
from bot.domain.topics import INTENT_LABELS
from bot.web.assistant import answer_text, suggest


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


def test_the_duplicate_accounts_answer_is_what_the_agent_asks_the_customer():
    """The agent is the adviser the chat hands over to: no "call an adviser", no contact
    form said twice; the agent asks for the customer number and the e-mails."""
    text = answer_text("duplicate_accounts", account=None, handover="HAND-OVER")
    assert "HAND-OVER" not in text
    assert "formulaire de contact" not in text and "conseiller" not in text
    assert "numéro client" in text and "adresses e-mail" in text


def test_every_intent_has_a_french_name_for_the_agents():
    intents = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"]
    assert sorted(INTENT_LABELS) == sorted(intents)


def test_the_invoices_answer_without_a_customer_number_is_the_faq():
    assert "« Mes factures »" in answer_text("find_invoices", account=None, handover="…").replace(
        "\u00a0", " "
    )
