"""Custom actions with a real Tracker and CollectingDispatcher, against the real backend."""

from __future__ import annotations

import asyncio
import dataclasses
import json
import re
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Dict, List, Optional, Tuple

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.account import ActionAnswerAddresses, ActionAnswerInvoices
from actions.flows import ActionPrefillFormSlots
from actions.forms import ValidateDeleteAccountForm, ValidatePasswordEmailForm
from actions.repair import ActionRepair
from actions.submissions import (
    ActionOpenDeletionTicket,
    ActionOpenDuplicateTicket,
    ActionSendPasswordEmail,
)
from bot.config import PROJECT_ROOT, Settings, TokenSettings
from bot.domain.links import read_links_payload
from bot.domain.tokens import issue_token, verified_metadata
from bot.ops.supervisor import free_port
from tests.support.stack import tickets_of

pytestmark = pytest.mark.usefixtures("backend")


DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def tracker(
    text: str = "",
    intent: str = "inform",
    metadata: Optional[Dict[str, str]] = None,
    slots: Optional[Dict[str, Any]] = None,
    sender: Optional[str] = None,
    requested_slot: Optional[str] = None,
    candidates: Optional[Dict[str, Any]] = None,
) -> Tracker:
    """A tracker whose last user message is `text`, with the `metadata` the REST channel
    left (`logged_in`); `candidates` are the slot values the form extracted from it, which
    the validation action checks."""
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.99},
        "entities": [],
        "metadata": metadata or {},
    }
    events = [{"event": "user", "text": text, "parse_data": message}]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (candidates or {}).items()]
    return Tracker(
        sender_id=sender or f"test-{uuid.uuid4()}",
        slots={"requested_slot": requested_slot, **(slots or {}), **(candidates or {})},
        latest_message=message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "form"} if requested_slot else {},
        latest_action_name="action_listen",
    )


def run(action, tracker_: Tracker) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Runs the action as the action server does, on an event loop of its own thread
    (this thread may already run one, e.g. Playwright's)."""
    dispatcher = CollectingDispatcher()
    with ThreadPoolExecutor(max_workers=1) as worker:
        events = worker.submit(asyncio.run, action.run(dispatcher, tracker_, DOMAIN)).result()
    return events, dispatcher.messages


def responses(messages: List[Dict[str, Any]]) -> List[str]:
    return [m["response"] for m in messages]


def token_for(customer_id: str, settings: Settings, **overrides) -> str:
    return issue_token(customer_id, dataclasses.replace(settings.tokens, **overrides))


def channel_metadata(token: Optional[str], settings: Settings) -> Dict[str, str]:
    """What the REST channel leaves of the website's metadata: who the token verified."""
    return verified_metadata({"auth_token": token}, settings.tokens)


@pytest.fixture
def logged_in(stack_settings: Settings):
    """The metadata of a message from `customer_id`, logged in on the website."""
    return lambda customer_id: channel_metadata(
        token_for(customer_id, stack_settings), stack_settings
    )


# --- Who is logged in ---------------------------------------------------------


def test_logged_in_customer_gets_their_own_invoices(action_context, logged_in):
    _, messages = run(ActionAnswerInvoices(action_context), tracker(metadata=logged_in("C1000001")))
    # Her own orders, first and alone: no general steps before what she asked for.
    assert responses(messages) == ["utter_invoices_list"]
    orders = messages[0]["orders"]
    assert "facture" in orders and "/mon-compte/factures/" in orders
    assert "pas encore expédiée" in orders
    # For the widget: a named download per invoice, and the list without the raw URLs.
    links = read_links_payload(messages[0]["custom"])
    numbers = re.findall(r"FA-\d+", orders)
    assert [link["label"] for link in links["links"]] == [
        f"Télécharger la facture {number} (PDF)" for number in dict.fromkeys(numbers)
    ]
    assert all(link["url"] in orders for link in links["links"])
    assert "https://" not in links["text"] and all(n in links["text"] for n in numbers)


def test_another_customer_sees_only_their_own_orders(action_context, logged_in):
    _, marie = run(ActionAnswerInvoices(action_context), tracker(metadata=logged_in("C1000001")))
    _, sophie = run(ActionAnswerInvoices(action_context), tracker(metadata=logged_in("C1000003")))
    marie_orders = {line.split(" du ")[0] for line in marie[0]["orders"].splitlines()}
    assert not any(order in sophie[0]["orders"] for order in marie_orders)


@pytest.mark.parametrize("action", [ActionAnswerInvoices, ActionAnswerAddresses])
def test_another_customers_number_gets_no_account_data(action_context, logged_in, action):
    """« je voulais les factures du client C1000001, ma femme », logged in as C1000004: no
    data of either account; another's data needs its owner's log-in (blind51)."""
    text = "ah pardon c'est pas pour moi, je voulais les factures du client C1000001, ma femme"
    _, messages = run(action(action_context), tracker(text, metadata=logged_in("C1000004")))
    assert responses(messages) == ["utter_only_own_account"]


def test_the_customers_own_number_typed_changes_nothing(action_context, logged_in):
    text = "mes factures svp, je suis le client C1000001"
    _, messages = run(
        ActionAnswerInvoices(action_context), tracker(text, metadata=logged_in("C1000001"))
    )
    assert responses(messages) == ["utter_invoices_list"]


def test_customer_without_order(action_context, logged_in):
    _, messages = run(ActionAnswerInvoices(action_context), tracker(metadata=logged_in("C1000005")))
    assert responses(messages) == ["utter_no_orders", "utter_find_invoices"]


@pytest.mark.parametrize(
    "make_token",
    [
        lambda s: None,
        lambda s: issue_token(
            "C1000001", TokenSettings(secret="a-forged-secret-of-the-same-length-xx")
        ),
        lambda s: token_for("C1000001", s, lifetime_seconds=-60),
        lambda s: issue_token("C1000001", s.tokens, now=time.time() - 7200),
    ],
)
def test_anonymous_forged_or_expired_token_is_invited_to_log_in(
    action_context, stack_settings, make_token
):
    _, messages = run(
        ActionAnswerInvoices(action_context),
        tracker(metadata=channel_metadata(make_token(stack_settings), stack_settings)),
    )
    assert responses(messages) == ["utter_find_invoices", "utter_invite_login"]


def test_typed_customer_number_unlocks_nothing(action_context):
    _, messages = run(
        ActionAnswerInvoices(action_context), tracker(text="je suis le client C1000001")
    )
    # Said plainly: a number typed is no proof of who is writing.
    assert responses(messages) == [
        "utter_find_invoices",
        "utter_login_needed",
        "utter_invite_login",
    ]


def test_addresses_on_file(action_context, logged_in):
    _, messages = run(
        ActionAnswerAddresses(action_context), tracker(metadata=logged_in("C1000001"))
    )
    assert responses(messages) == ["utter_addresses_on_file"]
    assert "livraison" in messages[0]["addresses"] and "facturation" in messages[0]["addresses"]


def test_backend_down_hands_over(action_context, logged_in, stack_settings):
    nobody_there = dataclasses.replace(action_context.backend, port=free_port())
    context = dataclasses.replace(action_context, backend=nobody_there)
    _, messages = run(ActionAnswerInvoices(context), tracker(metadata=logged_in("C1000001")))
    assert responses(messages) == [
        "utter_find_invoices",
        "utter_backend_unavailable",
        "utter_handover_open",
    ]
    # The hand-over links the contact form.
    form = read_links_payload(messages[-1]["custom"])["links"]
    assert form == [
        {"label": "Ouvrir le formulaire de contact", "url": stack_settings.phone.contact_form_url}
    ]


# --- Forms ----------------------------------------------------------------------


def test_prefill_uses_the_logged_in_account(action_context, logged_in):
    events, _ = run(
        ActionPrefillFormSlots(action_context),
        tracker("supprimer mon compte", "delete_account", metadata=logged_in("C1000001")),
    )
    assert SlotSet("email", "marie.durand@example.com") in events
    assert SlotSet("customer_id", "C1000001") in events


def test_prefill_takes_a_typed_address_but_no_identity(action_context):
    events, _ = run(
        ActionPrefillFormSlots(action_context), tracker("mdp oublié pour Paul.Petit@example.com")
    )
    assert SlotSet("email", "paul.petit@example.com") in events


def test_prefill_takes_the_reset_email_asked_for_in_words(action_context):
    """« bon pour ma connexion, oui envoyez-moi le mail de réinitialisation »: no offer."""
    text = "bon pour ma connexion, oui envoyez moi le mail de réinitialisation"
    paused = {"pending_form": "password_email_form"}
    events, _ = run(
        ActionPrefillFormSlots(action_context), tracker(text, "forgot_password", slots=paused)
    )
    assert SlotSet("wants_reset_email", True) in events
    # A first request still gets the offer.
    events, _ = run(ActionPrefillFormSlots(action_context), tracker(text, "forgot_password"))
    assert SlotSet("wants_reset_email", True) not in events
    events, _ = run(
        ActionPrefillFormSlots(action_context), tracker("mdp oublié", "forgot_password")
    )
    assert SlotSet("wants_reset_email", True) not in events


def validate(form, text: str, intent: str, slot: str, retries: Optional[float] = None):
    return run(
        form,
        tracker(
            text,
            intent,
            slots={"form_retries": retries},
            requested_slot=slot,
            candidates={slot: text},
        ),
    )


def test_invalid_email_is_asked_again_with_an_example_then_hands_over(action_context):
    events, messages = validate(
        ValidatePasswordEmailForm(action_context), "jean.dupont", "inform", "email"
    )
    assert responses(messages) == ["utter_invalid_email"]
    assert SlotSet("form_retries", 1.0) in events and SlotSet("email", None) in events
    events, messages = validate(
        ValidatePasswordEmailForm(action_context), "jean.dupont@", "inform", "email", 1.0
    )
    assert SlotSet("form_outcome", "failed") in events
    assert SlotSet("requested_slot", None) in events


@pytest.mark.parametrize(
    "text, intent, outcome",
    [
        ("annuler", "deny", "cancelled"),
        ("je veux parler à un conseiller", "request_human", "handover"),
    ],
)
def test_cancel_or_person_ends_the_form(action_context, text, intent, outcome):
    events, _ = validate(ValidatePasswordEmailForm(action_context), text, intent, "email")
    assert SlotSet("form_outcome", outcome) in events
    assert SlotSet("requested_slot", None) in events


def test_valid_email_is_normalised(action_context):
    events, messages = validate(
        ValidatePasswordEmailForm(action_context), " Marie.Durand@Example.com ", "inform", "email"
    )
    assert messages == [] and SlotSet("email", "marie.durand@example.com") in events


def test_no_at_the_confirmation_is_an_answer_not_a_cancel(action_context):
    events, _ = validate(
        ValidateDeleteAccountForm(action_context), "non", "deny", "confirm_deletion"
    )
    assert SlotSet("confirm_deletion", False) in events
    assert not any(e.get("name") == "form_outcome" and e.get("value") for e in events)


def test_reset_reply_is_identical_for_existing_and_unknown_addresses(action_context):
    replies = []
    for address in (
        "marie.durand@example.com",
        "nobody-here@example.com",
        "jean.martin@example.com",
    ):
        _, messages = run(
            ActionSendPasswordEmail(action_context), tracker(slots={"email": address})
        )
        # The reply repeats the address the customer typed, and nothing else differs.
        replies.append(json.dumps(messages, sort_keys=True).replace(address, "<typed>"))
    assert replies[0] == replies[1] == replies[2]
    assert "utter_password_email_sent" in replies[0]


def test_reset_emails_are_rate_limited(action_context, stack_settings):
    address = f"flood-{uuid.uuid4().hex[:8]}@example.com"
    limit = stack_settings.backend.email_rate_limit_per_hour
    for _ in range(limit):
        run(ActionSendPasswordEmail(action_context), tracker(slots={"email": address}))
    _, messages = run(ActionSendPasswordEmail(action_context), tracker(slots={"email": address}))
    assert responses(messages)[0] == "utter_password_email_rate_limited"


def test_confirmed_deletion_opens_one_ticket_even_when_asked_twice(action_context, stack_settings):
    sender = f"test-{uuid.uuid4()}"
    slots = {"email": "paul.petit@example.com", "confirm_deletion": True}
    _, first = run(ActionOpenDeletionTicket(action_context), tracker(slots=slots, sender=sender))
    _, second = run(ActionOpenDeletionTicket(action_context), tracker(slots=slots, sender=sender))
    assert responses(first) == responses(second) == ["utter_deletion_confirmation_sent"]
    mine = tickets_of(stack_settings, sender)
    assert len(mine) == 1 and mine[0]["subject"] == "Suppression compte"


def test_anonymous_deletion_reply_does_not_tell_whether_the_account_exists(action_context):
    replies = []
    for address in ("paul.petit@example.com", f"nobody-{uuid.uuid4().hex[:8]}@example.com"):
        slots = {"email": address, "confirm_deletion": True}
        _, messages = run(ActionOpenDeletionTicket(action_context), tracker(slots=slots))
        replies.append(json.dumps(messages, sort_keys=True).replace(address, "ADDRESS"))
    assert replies[0] == replies[1]
    assert "utter_deletion_confirmation_sent" in replies[0] and "T-" not in replies[0]


def test_the_logged_in_owner_gets_the_reference_at_once(action_context, logged_in, stack_settings):
    sender = f"test-{uuid.uuid4()}"
    slots = {"email": "paul.petit@example.com", "confirm_deletion": True}
    customer = logged_in("C1000005")
    _, messages = run(
        ActionOpenDeletionTicket(action_context),
        tracker(metadata=customer, slots=slots, sender=sender),
    )
    assert responses(messages) == ["utter_deletion_ticket_opened"]
    assert messages[0]["reference"] == tickets_of(stack_settings, sender)[0]["reference"]


def test_a_deletion_asked_again_recalls_the_request_already_made(
    action_context, logged_in, stack_settings
):
    sender = f"test-{uuid.uuid4()}"
    slots = {"email": "paul.petit@example.com", "confirm_deletion": True}
    events, messages = run(
        ActionOpenDeletionTicket(action_context),
        tracker(metadata=logged_in("C1000005"), slots=slots, sender=sender),
    )
    reference = messages[0]["reference"]
    assert SlotSet("deletion_requested", {"reference": reference}) in events
    again = tracker(
        "je refais la demande pour être sûr",
        "delete_account",
        slots={"deletion_requested": {"reference": reference}},
        sender=sender,
    )
    events, messages = run(ActionRepair(action_context), again)
    assert responses(messages) == ["utter_deletion_already_registered"]
    assert messages[0]["reference"] == reference
    assert not [e for e in events if e.get("event") == "followup"]
    assert len(tickets_of(stack_settings, sender)) == 1


def test_a_deletion_asked_again_without_verification_recalls_the_link(action_context):
    address = f"nobody-{uuid.uuid4().hex[:8]}@example.com"
    slots = {"email": address, "confirm_deletion": True}
    events, _ = run(ActionOpenDeletionTicket(action_context), tracker(slots=slots))
    assert SlotSet("deletion_requested", {"email": address}) in events
    again = tracker(
        "supprimez mon compte", "delete_account", slots={"deletion_requested": {"email": "x@y.fr"}}
    )
    _, messages = run(ActionRepair(action_context), again)
    assert responses(messages) == ["utter_deletion_already_sent"]


def test_a_second_address_in_one_conversation_is_refused(action_context, stack_settings):
    sender = f"test-{uuid.uuid4()}"
    for address in ("a-{0}@example.com", "b-{0}@example.com"):
        slots = {"email": address.format(uuid.uuid4().hex[:8]), "confirm_deletion": True}
        _, messages = run(
            ActionOpenDeletionTicket(action_context), tracker(slots=slots, sender=sender)
        )
    assert responses(messages)[0] == "utter_deletion_rate_limited"
    assert len(tickets_of(stack_settings, sender)) == 1


def test_no_at_the_confirmation_opens_nothing(action_context, stack_settings):
    sender = f"test-{uuid.uuid4()}"
    events, messages = run(
        ActionOpenDeletionTicket(action_context),
        tracker(
            slots={"email": "paul.petit@example.com", "confirm_deletion": False}, sender=sender
        ),
    )
    assert responses(messages) == ["utter_deletion_not_requested"]
    assert not tickets_of(stack_settings, sender)
    assert SlotSet("confirm_deletion", None) in events


@pytest.mark.parametrize(
    "email, response",
    [
        # At the confirmation: the flow's no, the account stays.
        ("paul.petit@example.com", "utter_deletion_not_requested"),
        # While the address is asked: the request cancelled.
        (None, "utter_form_cancelled"),
    ],
)
def test_cancelled_deletion_opens_nothing(action_context, stack_settings, email, response):
    sender = f"test-{uuid.uuid4()}"
    _, messages = run(
        ActionOpenDeletionTicket(action_context),
        tracker(slots={"email": email, "form_outcome": "cancelled"}, sender=sender),
    )
    assert responses(messages) == [response]
    assert not tickets_of(stack_settings, sender)


@pytest.mark.parametrize(
    "text, intro",
    [("laissez tomber, passez moi un conseiller", True), ("oubliez, j'appellerai plutôt", False)],
)
def test_a_cancel_that_asks_for_a_person_hands_over(action_context, text, intro):
    """The line after the cancel; « Bien sûr, un conseiller peut vous aider. » first when
    a person is asked for (not when the customer says they will phone)."""
    _, messages = run(
        ActionSendPasswordEmail(action_context),
        tracker(text, "request_human", slots={"form_outcome": "cancelled"}),
    )
    said = responses(messages)
    assert said[0] == "utter_form_cancelled"
    assert (said[1] == "utter_request_human_intro") is intro
    assert said[-1] in ("utter_handover_open", "utter_handover_closed")


@pytest.mark.parametrize(
    "text, response", [("oui", "utter_ask_question"), ("ok parfait", "utter_no_problem")]
)
def test_a_yes_with_nothing_pending_asks_for_the_question_unless_satisfied(
    action_context, text, response
):
    _, messages = run(ActionRepair(action_context), tracker(text, "affirm"))
    assert responses(messages) == [response]


def test_on_reprend_after_the_line_resumes_the_paused_request(action_context):
    """« bon il y a trop d'attente au téléphone, on reprend » right after the hand-over
    that paused the reset: the request again, not the phone line."""
    text = "bon il y a trop d'attente au téléphone, on reprend"
    paused = tracker(text, "request_human", slots={"pending_form": "password_email_form"})
    before = [
        {"event": "user", "text": "je préfère parler à un conseiller"},
        {"event": "action", "name": "action_send_password_email"},
        *[
            {"event": "bot", "metadata": {"utter_action": name}}
            for name in ("utter_request_human_intro", "utter_handover_open", "utter_form_paused")
        ],
        {"event": "action", "name": "action_listen"},
    ]
    paused.events[:0] = before
    events, messages = run(ActionRepair(action_context), paused)
    assert responses(messages) == ["utter_resume"]
    assert {"event": "followup", "name": "password_email_form"} in events or any(
        e.get("name") == "password_email_form" for e in events
    )


def test_duplicate_accounts_ticket_and_phone_hours(action_context, stack_settings):
    sender = f"test-{uuid.uuid4()}"
    slots = {
        "customer_id": "C1000003",
        "account_emails": ["sophie.bernard@example.com", "s.bernard@atelier-bernard.example.fr"],
    }
    _, messages = run(
        ActionOpenDuplicateTicket(action_context), tracker(slots=slots, sender=sender)
    )
    assert responses(messages) == ["utter_duplicate_ticket_opened", "utter_handover_open"]
    [ticket] = tickets_of(stack_settings, sender)
    assert ticket["subject"] == "Autre motif"
    assert "C1000003" in ticket["body"] and "s.bernard@atelier-bernard.example.fr" in ticket["body"]


# --- The repair layer inside a flow (actions/forms.py) ------------------------------


def test_a_question_inside_a_flow_is_answered_then_the_flow_resumes(action_context):
    events, messages = validate(
        ValidateDeleteAccountForm(action_context),
        "au fait, mes factures je les trouve où ?",
        "find_invoices",
        "email",
    )
    assert responses(messages) == ["utter_find_invoices", "utter_invite_login", "utter_resume"]
    assert SlotSet("email", None) in events
    assert not any(
        e.get("name") in ("form_outcome", "form_retries") and e.get("value") for e in events
    )


def test_two_addresses_where_one_is_wanted_asks_which(action_context):
    events, messages = validate(
        ValidatePasswordEmailForm(action_context),
        "a@example.com ou b@example.fr",
        "inform",
        "email",
    )
    assert responses(messages) == ["utter_ask_which_email"]
    assert SlotSet("email_candidates", ["a@example.com", "b@example.fr"]) in events


def test_a_new_address_at_the_confirmation_corrects_the_address(action_context):
    events, messages = run(
        ValidateDeleteAccountForm(action_context),
        tracker(
            "non, c'est plutôt jean.d@free.fr",
            "deny",
            slots={"email": "jean@free.fr"},
            requested_slot="confirm_deletion",
            candidates={"confirm_deletion": "non, c'est plutôt jean.d@free.fr"},
        ),
    )
    assert responses(messages) == ["utter_value_corrected"]
    assert SlotSet("email", "jean.d@free.fr") in events
    assert SlotSet("confirm_deletion", None) in events


def test_goodbye_inside_a_flow_closes_it(action_context):
    events, _ = validate(
        ValidatePasswordEmailForm(action_context), "bon au revoir", "goodbye", "email"
    )
    assert SlotSet("form_outcome", "closed") in events


def test_a_question_the_nlu_does_not_get_inside_a_flow_is_not_called_an_invalid_value(
    action_context,
):
    events, messages = validate(
        ValidatePasswordEmailForm(action_context),
        "vous êtes un programme ou quoi",
        "nlu_fallback",
        "email",
    )
    assert responses(messages) == ["utter_question_not_understood", "utter_resume"]
    assert SlotSet("form_retries", 1.0) in events


def test_thanks_and_goodbye_too_close_to_choose_get_both(action_context):
    message = {
        "text": "ok merci bonne journée",
        "intent": {"name": "nlu_fallback", "confidence": 0.4},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.4},
            {"name": "goodbye", "confidence": 0.48},
            {"name": "thank", "confidence": 0.46},
        ],
        "entities": [],
    }
    closing = tracker(message["text"], "nlu_fallback")
    closing.latest_message = message
    _, messages = run(ActionRepair(action_context), closing)
    assert responses(messages) == ["utter_you_are_welcome", "utter_goodbye"]


def test_the_path_not_found_after_a_clarified_answer_is_the_path_again(action_context):
    """« je trouve pas le bouton gestion des adresses » right after the addresses' answer
    (given as the likelier of two readings): the path again, not the whole answer (blind59)."""
    text = "je trouve pas le bouton gestion des adresses"
    after = tracker(
        text,
        "manage_addresses",
        slots={"clarify_options": ["manage_addresses", "update_personal_data"]},
    )
    answered = [
        {"event": "user", "text": "comment ajouter une adresse", "parse_data": {}},
        {"event": "action", "name": "action_repair"},
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_manage_addresses"}},
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_anything_else"}},
        {"event": "action", "name": "action_listen"},
    ]
    after.events[:0] = answered
    _, messages = run(ActionRepair(action_context), after)
    assert responses(messages)[:2] == ["utter_steps_again", "utter_manage_addresses"]
