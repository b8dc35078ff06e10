"""How the flows' repair layer reads one message (actions/forms.py): the NLU's reading of a
question, a yes/no answer, a mistyped value. No server: a rasa_sdk Tracker in memory."""

from __future__ import annotations

import asyncio
from typing import List, Sequence, Tuple

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import ActionContext
from actions.forms import (
    UNKNOWN_CUSTOMER_ID,
    Turn,
    ValidateDeleteAccountForm,
    ValidateDuplicateAccountsForm,
    ValidateLeaveMessageForm,
    ValidatePasswordEmailForm,
    answer_the_other_question,
    message_parser,
    numbers_corrected,
    yes_no_parser,
)
from bot.config import load_settings


def turn(text: str, ranking: List[Tuple[str, float]]) -> Turn:
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message = {"text": text, "intent": intents[0], "intent_ranking": intents}
    return Turn(Tracker("c", {}, message, [], False, None, {}, "action_listen"))


@pytest.mark.parametrize(
    "text, ranking, expected",
    [
        # Sure enough.
        ("je veux changer mon e-mail", [("update_personal_data", 0.62), ("greet", 0.1)], True),
        # A question read one way, well ahead of the next reading.
        (
            "juste avant : on peut pas simplement changer l'adresse mail du compte ?",
            [("update_personal_data", 0.46), ("change_password", 0.18)],
            True,
        ),
        # The same reading, but no question.
        ("changer l'adresse mail", [("update_personal_data", 0.46), ("greet", 0.18)], False),
        # A question, but two readings close together.
        (
            "on peut changer l'adresse du compte ?",
            [("update_personal_data", 0.46), ("manage_addresses", 0.36)],
            False,
        ),
        # A question, but too unsure.
        ("et pour le compte ?", [("update_personal_data", 0.35), ("greet", 0.05)], False),
    ],
)
def test_a_question_is_trusted_a_little_lower_when_its_reading_is_clear(text, ranking, expected):
    assert turn(text, ranking).is_confident("update_personal_data") is expected


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("oui", "affirm", True),
        ("non merci", "deny", False),
        ("c'est bon je les ai. oui je confirme", "find_invoices", True),
        # Questions at a yes/no question answer neither: they are detours.
        ("et ça rouvre quand exactement ?", "affirm", None),
        ("sinon je peux pas simplement me refaire un compte ?", "create_account", None),
        ("ok donc je refais un compte, c'est où ?", "create_account", None),
        ("oui mais c'est où ?", "affirm", True),
        # Answers shaped like questions.
        ("pourquoi pas", "affirm", True),
        ("quand vous voulez", "affirm", True),
        # Read out of scope, or unread: a yes left to the bot, a thumb up.
        ("pas maintenant, je verrai plus tard", "goodbye", False),
        ("si vous voulez", "out_of_scope", True),
        ("comme vous voulez", "nlu_fallback", True),
        ("👍", "nlu_fallback", True),
        ("👎", "nlu_fallback", False),
        # A person asked for is no answer: the form hands over.
        ("non, je veux parler à quelqu'un", "request_human", None),
        ("je préfère pas, je rappellerai lundi", "request_human", False),
        ("non j'prefere appeler quelqu'un, c quoi le numero ?", "request_human", None),
        ("non pas besoin d'e-mail, je vais me débrouiller", "deny", False),
        ("non pas besoin d'e-mail, je vais me débrouiller", "out_of_scope", False),
        # Nothing more to ask is no yes (blind60: a deletion confirmed by « ok c'est tout »).
        ("ok c'est tout", "affirm", False),
        ("bon ok je verrai", "affirm", False),
        ("oui c'est tout", "affirm", True),
    ],
)
def test_yes_no_answers_and_questions(text, intent, expected):
    assert yes_no_parser(text, intent) is expected


@pytest.mark.parametrize(
    "text, expected",
    [("C12345", True), ("c'est 12 34", True), ("je ne le trouve pas, il est où ?", False)],
)
def test_a_mistyped_customer_number_is_a_value_attempt(text, expected):
    context = ActionContext.from_settings(load_settings())
    form = ValidateDuplicateAccountsForm(context)
    assert form._value_attempt("customer_id", turn(text, [("out_of_scope", 0.99)])) is expected


def test_the_tracker_stub_is_read_like_rasas():
    # Guards the stub above: a Turn reads text and intent from the latest message.
    read = turn("bonjour", [("greet", 0.9)])
    assert (read.text, read.intent, read.confidence) == ("bonjour", "greet", 0.9)


def form_tracker(
    text: str, ranking: List[Tuple[str, float]], trigger: str = "", before: Sequence[dict] = ()
) -> Tracker:
    """A tracker whose latest message is `text`, read as `ranking`, after the events
    `before` (the message's own user event is added)."""
    intents = [{"name": name, "confidence": confidence} for name, confidence in ranking]
    message = {"text": text, "intent": intents[0], "intent_ranking": intents}
    loop = {"name": "form", "trigger_message": {"intent": {"name": trigger}}} if trigger else {}
    events = [*before, {"event": "user", "parse_data": message}] if before else []
    return Tracker("c", {}, message, events, False, None, loop, "action_listen")


def test_the_value_asked_for_wins_over_a_resigned_tant_pis():
    # « ok tant pis » closes a detour (no bearing in stock), the address answers the form.
    form = ValidateDeleteAccountForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker("ok tant pis. mon mail : b.olivier@sfr.fr", [("inform", 0.9)])
    updates = form._value("email", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None and updates["email"] == "b.olivier@sfr.fr"


def test_a_resigned_tant_pis_at_the_message_offer_declines_it():
    # « ah c'est fermé... bon tant pis » after the closed line's hand-over: the remark on the
    # hours is no question about them, and « tant pis » declines the offer.
    form = ValidateLeaveMessageForm(ActionContext.from_settings(load_settings()))
    handed_over = [
        {"event": "user", "parse_data": {"intent": {"name": "request_human"}}},
        {"event": "action", "name": "utter_request_human_intro"},
        {"event": "action", "name": "action_phone_handover"},
        {"event": "bot", "metadata": {"utter_action": "utter_handover_closed"}},
        {"event": "action", "name": "leave_message_form"},
    ]
    ranking = [("nlu_fallback", 0.4), ("goodbye", 0.27)]
    tracker = form_tracker("ah c'est ferme... bon tant pis", ranking, before=handed_over)
    updates = form._value("wants_to_leave_message", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None and updates["wants_to_leave_message"] is False


def test_a_miss_at_the_message_offer_gives_the_line_again():
    form = ValidateLeaveMessageForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker("qsdfgh jklm poiu", [("nlu_fallback", 0.4), ("out_of_scope", 0.3)])
    dispatcher = CollectingDispatcher()
    slot = "wants_to_leave_message"
    updates = asyncio.run(form._detour(slot, Turn(tracker), dispatcher, tracker, {}))
    assert updates == {slot: None}
    # (Open or closed: the machine's clock.)
    [said] = [m.get("response") for m in dispatcher.messages]
    assert said in ("utter_handover_open", "utter_handover_closed")


def test_a_call_announced_where_a_value_is_asked_ends_the_request():
    form = ValidateDuplicateAccountsForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker("bon j'appellerai alors", [("affirm", 0.46)])
    updates = form._value("customer_id", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None and updates["form_outcome"] == "cancelled"


def test_a_mistyped_address_is_not_a_request_for_a_person():
    form = ValidateDeleteAccountForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker("contact@roulements-girard", [("request_human", 0.95)])
    assert form._steering("email", Turn(tracker), CollectingDispatcher(), tracker) is None


@pytest.mark.parametrize(
    "text, answered",
    [
        # A question on the flow's own topic gets its answer again, then the question.
        ("heu c'est quoi mon identifiant déjà, c'est pas un numéro ?", True),
        # The same request said again is only reminded of the question.
        ("j'ai oublié mon mot de passe", False),
    ],
)
def test_a_question_on_the_flows_own_topic_is_answered(text, answered):
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(text, [("forgot_password", 0.9)], trigger="forgot_password")
    dispatcher = CollectingDispatcher()
    asyncio.run(form._detour("email", Turn(tracker), dispatcher, tracker, {}))
    said = [message["response"] for message in dispatcher.messages]
    assert ("utter_forgot_password" in said) is answered and said[-1] == "utter_resume"


@pytest.mark.parametrize(
    "text, resumed",
    [
        ("tant pis, on reprend", True),
        ("non, mon numero client c'est C6677889", True),
        ("non", False),
    ],
)
def test_at_the_message_offer_a_paused_request_is_taken_up(text, resumed):
    form = ValidateLeaveMessageForm(ActionContext.from_settings(load_settings()))
    message = {"text": text, "intent": {"name": "deny", "confidence": 0.9}}
    slots = {"pending_form": "duplicate_accounts_form"}
    tracker = Tracker("c", slots, message, [], False, None, {}, "action_listen")
    updates = form._value("wants_to_leave_message", Turn(tracker), CollectingDispatcher(), tracker)
    assert ((updates or {}).get("form_outcome") == "resumed") is resumed


@pytest.mark.parametrize(
    "text, ranking, side_question",
    [
        # A short question the bot answers itself: answered, then the message asked again.
        (
            "attendez, mes factures je peux les trouver tout seul sur le site non ?",
            [("find_invoices", 0.93)],
            True,
        ),
        # The message for the advisers, even when it asks something.
        (
            "Ma dernière commande n'est toujours pas expédiée et je n'ai donc pas de facture, "
            "je voudrais savoir quand elle part svp.",
            [("find_invoices", 0.85)],
            False,
        ),
        ("Pouvez-vous me rappeler demain matin ?", [("request_human", 0.95)], False),
    ],
)
def test_a_side_question_at_the_message_is_answered(text, ranking, side_question):
    form = ValidateLeaveMessageForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(text, ranking)
    value = form._value("message_text", Turn(tracker), CollectingDispatcher(), tracker)
    assert (value is None) is side_question


def test_finalement_non_at_the_confirmation_is_the_flows_no():
    # « finalement non, je garde mon compte » at « Confirmez-vous la demande … ? ».
    form = ValidateDeleteAccountForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker("finalement non, je garde mon compte", [("deny", 0.9)])
    updates = form._value("confirm_deletion", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None and updates["confirm_deletion"] is False
    assert updates.get("form_outcome") is None


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("ok bon je veux supprimer mon compte", "delete_account", None),
        ("ok merci", "thank", None),
        ("c'est bon, oui je confirme la suppression", "delete_account", True),
        ("ok je confirme", "delete_account", True),
        ("ok", "affirm", True),
        # The offer taken in words: « envoyez-moi le mail ».
        ("ok envoyez moi le mail", "forgot_password", True),
        ("ok envoyez-le moi ce lien", "forgot_password", True),
        # « ok je vous appelle lundi » at an offer: the customer will phone instead, a no.
        ("ok je vous appelle lundi", "affirm", False),
        ("bon ben j'appellerai", "affirm", False),
        ("oui je vous appellerai aussi", "affirm", True),
    ],
)
def test_an_acknowledging_ok_is_no_yes(text, intent, expected):
    assert yes_no_parser(text, intent) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # Long, yet said in full: the answer the customer gives.
        ("ah ben non alors je confirme pas, je recupere d'abord toutes les factures", False),
        ("bon ben je confirme, et je récupérerai les factures plus tard dans la semaine", True),
        # Long, with no yes or no in full: another request, not an answer.
        ("non mais attendez je voudrais d'abord récupérer toutes les factures de l'atelier", None),
    ],
)
def test_a_long_message_answers_by_a_yes_or_no_said_in_full(text, expected):
    assert yes_no_parser(text, "find_invoices") is expected


def test_another_request_at_an_offer_replaces_it():
    form = ValidateLeaveMessageForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker("ok bon je veux supprimer mon compte", [("delete_account", 0.95)])
    updates = form._steering(
        "wants_to_leave_message", Turn(tracker), CollectingDispatcher(), tracker
    )
    assert updates is not None and updates["form_outcome"] == "switched"


@pytest.mark.parametrize(
    "text, ranking, is_the_message",
    [
        (
            "Bonjour, je voudrais que mes prochaines factures soient au nom de ma société et "
            "pas à mon nom perso. Merci de me recontacter.",
            [("update_personal_data", 0.84)],
            True,
        ),
        (
            "pouvez-vous me rappeler demain matin au sujet de la facture de septembre svp ?",
            [("request_human", 0.6)],
            True,
        ),
        # Not asked to be called back: another request, or a detour.
        (
            "ok bon finalement je voudrais plutôt supprimer mon compte client définitivement svp",
            [("delete_account", 0.95)],
            False,
        ),
        (
            "non merci je vous rappellerai lundi matin quand la ligne sera ouverte",
            [("deny", 0.9)],
            False,
        ),
    ],
)
def test_a_message_typed_at_the_offer_is_the_message(text, ranking, is_the_message):
    form = ValidateLeaveMessageForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(text, ranking)
    updates = form._value("wants_to_leave_message", Turn(tracker), CollectingDispatcher(), tracker)
    taken = {"wants_to_leave_message": True, "message_text": text}
    assert (updates == taken) is is_the_message


def test_a_value_of_a_later_question_is_kept_for_it():
    form = ValidateDuplicateAccountsForm(ActionContext.from_settings(load_settings()))
    text = "alors j'ai utilisé m.lemaire@yahoo.fr et marc.lemaire@laposte.net"
    tracker = form_tracker(text, [("inform", 0.9)])
    updates = form._value("customer_id", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None and updates["customer_id"] is None
    assert "m.lemaire@yahoo.fr" in updates["account_emails"]
    assert "marc.lemaire@laposte.net" in updates["account_emails"]


def test_thanks_at_an_offer_decline_it():
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker("ok merci", [("thank", 0.97)])
    dispatcher = CollectingDispatcher()
    updates = form._steering("wants_reset_email", Turn(tracker), dispatcher, tracker)
    assert updates is not None and updates["form_outcome"] == "dropped"
    assert [m["response"] for m in dispatcher.messages] == ["utter_you_are_welcome"]


def test_a_person_asked_for_at_the_message_offer_gets_the_line_and_the_offer_again():
    form = ValidateLeaveMessageForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker("Je peux avoir un conseiller alors ?", [("request_human", 0.97)])
    dispatcher = CollectingDispatcher()
    updates = form._steering("wants_to_leave_message", Turn(tracker), dispatcher, tracker)
    assert updates == {"wants_to_leave_message": None}
    said = [message["response"] for message in dispatcher.messages]
    assert said[0] == "utter_request_human_intro" and said[1].startswith("utter_handover")


def test_the_subject_corrected_at_the_reset_offer_gets_the_topics_answer():
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    text = "non pas le mot de passe, l'identifiant"
    tracker = form_tracker(text, [("forgot_password", 0.92)], trigger="forgot_password")
    assert yes_no_parser(text, "forgot_password") is None
    dispatcher = CollectingDispatcher()
    asyncio.run(form._detour("wants_reset_email", Turn(tracker), dispatcher, tracker, {}))
    said = [message["response"] for message in dispatcher.messages]
    assert said == ["utter_forgot_password", "utter_resume"]


@pytest.mark.parametrize(
    "asks, outcome",
    [
        # « non pas besoin. par contre je voudrais supprimer mon compte »: another request.
        ("delete_account", {"form_outcome": "switched", "next_flow": "delete_account"}),
        # « non pas besoin. et vous rouvrez quand ? »: a question, answered after the no.
        ("opening_hours", {"form_outcome": "declined"}),
    ],
)
def test_a_no_to_the_offer_with_something_else_asked(asks, outcome):
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    text = "non pas besoin. par contre je voudrais savoir comment supprimer mon compte"
    message = {
        "text": text,
        "intent": {"name": "deny", "confidence": 0.6},
        "asks": {"name": asks, "confidence": 0.9},
    }
    tracker = Tracker("c", {}, message, [], False, None, {}, "action_listen")
    updates = form._value("wants_reset_email", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None
    assert {key: updates.get(key) for key in outcome} == outcome


def test_a_no_to_the_offer_read_whole_as_another_request_starts_it():
    """ContrastFocus drops « non pas besoin »: the whole reads delete_account, sure."""
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    text = "non pas besoin. par contre je voudrais savoir comment supprimer mon compte"
    tracker = form_tracker(text, [("delete_account", 0.99)])
    updates = form._value("wants_reset_email", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates == {
        "wants_reset_email": None,
        "form_outcome": "switched",
        "next_flow": "delete_account",
    }


@pytest.mark.parametrize(
    "text, answered",
    [
        # A follow-up of the log-in help whose « pas » tells a story: no answer.
        ("ca fait genre 4 ans que jy suis pas allé", None),
        # A no first stays a no.
        ("non, ça fait 4 ans", False),
        ("pas besoin merci", False),
    ],
)
def test_a_follow_up_with_a_pas_at_the_offer_is_no_no(text, answered):
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    events = [
        {"event": "user", "text": "jarrive pa a me connecter"},
        {"event": "bot", "metadata": {"utter_action": "utter_login_problem"}},
        {"event": "action", "name": "password_email_form"},
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": text},
    ]
    message = {"text": text, "intent": {"name": "deny", "confidence": 0.5}}
    tracker = Tracker("c", {}, message, events, False, None, {}, "action_listen")
    updates = form._value("wants_reset_email", Turn(tracker), CollectingDispatcher(), tracker)
    assert (updates or {}).get("wants_reset_email") is answered


@pytest.mark.parametrize(
    "text, outcome",
    [
        ("Ah d'accord, tant pis. Merci", "dropped"),
        ("tant pis", "cancelled"),
        ("laissez tomber merci", "cancelled"),
    ],
)
def test_resigned_thanks_at_an_offer_are_thanks(text, outcome):
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(text, [("thank", 0.6)])
    updates = form._value("wants_reset_email", Turn(tracker), CollectingDispatcher(), tracker)
    assert (updates or {}).get("form_outcome") == outcome


@pytest.mark.parametrize(
    "text, outcome",
    [
        (
            "ah bah merci en fait je viens de le retrouver dans mon carnet, bonne journée",
            "cancelled_goodbye",
        ),
        (
            "ok merci, je dois retrouver mon 2e courriel, je reviens plus tard. bonne journée !",
            "cancelled_goodbye",
        ),
        # The value asked for, with a goodbye: the value.
        ("c'est marie@free.fr, bonne journée", None),
    ],
)
def test_a_goodbye_while_a_value_is_asked_leaves(text, outcome):
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(text, [("goodbye", 0.45)])
    updates = form._value("email", Turn(tracker), CollectingDispatcher(), tracker) or {}
    assert updates.get("form_outcome") == outcome


@pytest.mark.parametrize(
    "text, intent",
    [
        ("ok send moi le mail de reset stp", "forgot_password"),
        ("ok. pour revenir au mot de passe, vous pouvez m'envoyer le mail ?", "forgot_password"),
        ("oui envoyez moi le lien", "nlu_fallback"),
    ],
)
def test_the_reset_email_asked_for_in_words_takes_the_offer(text, intent):
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(text, [(intent, 0.9)], trigger="forgot_password")
    updates = form._value("wants_reset_email", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None and updates["wants_reset_email"] is True


@pytest.mark.parametrize(
    "form_class, slot, outcome",
    [
        (ValidateDeleteAccountForm, "confirm_deletion", "cancelled"),
        (ValidateLeaveMessageForm, "wants_to_leave_message", "declined"),
    ],
)
def test_a_plain_no_then_a_question_at_a_yes_no_question(form_class, slot, outcome):
    """« non en fait non. et du coup pour l'adresse, je peux en avoir plusieurs ? »: the
    no answers, the question after it is answered after the flow's own words."""
    form = form_class(ActionContext.from_settings(load_settings()))
    text = "non en fait non. et du coup pour l'adresse, je peux en avoir plusieurs ?"
    tracker = form_tracker(text, [("manage_addresses", 0.64), ("deny", 0.31)])
    updates = form._value(slot, Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None and updates.get("form_outcome") == outcome


@pytest.mark.parametrize(
    "text, expected",
    [
        ("non en fait non. et du coup pour l'adresse, je peux en avoir plusieurs ?", False),
        ("non pas besoin de message. pour revenir à mon nom, c'est en bas à gauche ?", False),
        ("non mais c'est où exactement dans le menu de gauche, je ne trouve pas ?", None),
    ],
)
def test_a_long_message_opening_with_a_plain_no(text, expected):
    assert yes_no_parser(text, "update_personal_data") is expected


def test_a_value_given_with_another_question_answers_both():
    form = ValidateDuplicateAccountsForm(ActionContext.from_settings(load_settings()))
    text = "comment on change l'adresse de livraison ? j'ai déménagé. mon numéro c'est le 4471203"
    tracker = form_tracker(text, [("manage_addresses", 0.9)], trigger="duplicate_accounts")
    dispatcher = CollectingDispatcher()
    updates = asyncio.run(form._answer("customer_id", Turn(tracker), dispatcher, tracker, {}))
    assert updates["customer_id"] == "C4471203"
    assert [m["response"] for m in dispatcher.messages] == ["utter_manage_addresses"]
    # The value alone: no answer but the form's.
    tracker = form_tracker("c'est le 4471203", [("inform", 0.9)], trigger="duplicate_accounts")
    dispatcher = CollectingDispatcher()
    asyncio.run(form._answer("customer_id", Turn(tracker), dispatcher, tracker, {}))
    assert dispatcher.messages == []


@pytest.mark.parametrize(
    "form_class, slot, trigger, text, ranking, outcome",
    [
        # A cancel that names another request: that request starts.
        (
            ValidatePasswordEmailForm,
            "email",
            "forgot_password",
            "laissez tomber, je veux plutot supprimer mon compte",
            [("delete_account", 0.98)],
            {"form_outcome": "switched", "next_flow": "delete_account"},
        ),
        (
            ValidateDuplicateAccountsForm,
            "customer_id",
            "duplicate_accounts",
            "en fait oubliez, je veux juste recuperer mon mot de passe",
            [("forgot_password", 0.99)],
            {"form_outcome": "switched", "next_flow": "forgot_password"},
        ),
        # The request of this flow itself, cancelled: a cancel.
        (
            ValidateDeleteAccountForm,
            "email",
            "delete_account",
            "laissez tomber, finalement je ne veux plus supprimer mon compte",
            [("delete_account", 0.9)],
            {"form_outcome": "cancelled"},
        ),
        # A no at the confirmation, then what was meant instead: cancelled, then answered
        # (actions/submissions.py) or started.
        (
            ValidateDeleteAccountForm,
            "confirm_deletion",
            "delete_account",
            "non attendez, en fait je veux juste changer mon adresse de livraison",
            [("manage_addresses", 0.99)],
            {"form_outcome": "cancelled"},
        ),
        (
            ValidateDeleteAccountForm,
            "confirm_deletion",
            "delete_account",
            "non attendez, en fait je voulais juste réinitialiser mon mot de passe",
            [("forgot_password", 0.99)],
            {"form_outcome": "switched", "next_flow": "forgot_password"},
        ),
    ],
)
def test_a_request_dropped_for_another(form_class, slot, trigger, text, ranking, outcome):
    form = form_class(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(text, ranking, trigger=trigger)
    updates = form._value(slot, Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None
    assert {key: updates.get(key) for key in outcome} == outcome


@pytest.mark.parametrize(
    "text, paused",
    [
        # The number asked for: given, and the question again.
        ("c'est quoi votre numero de tel ?", False),
        # A person asked for: the request paused.
        ("passez-moi un conseiller", True),
        ("c'est quoi le numéro pour parler à un conseiller ?", True),
    ],
)
def test_the_number_asked_inside_a_request_is_an_aside(text, paused):
    form = ValidateDuplicateAccountsForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(text, [("request_human", 0.95)], trigger="duplicate_accounts")
    dispatcher = CollectingDispatcher()
    updates = form._steering("customer_id", Turn(tracker), dispatcher, tracker)
    assert updates is not None
    assert (updates.get("form_outcome") == "handover") is paused
    said = [message.get("response") for message in dispatcher.messages]
    assert ("utter_resume" in said) is not paused


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("euh non... enfin si, envoyez le moi oui", "deny", True),
        ("oui... ah non attendez, pas tout de suite", "affirm", False),
        ("non non", "deny", False),
        ("ah non merci", "deny", False),
        ("oui si vous voulez", "affirm", True),
        # A short confirmation closing the message is its answer (blind51).
        ("non tant pis, je veux vraiment le supprimer. oui je confirme", "deny", True),
        ("je confirme. non attendez", "deny", False),
    ],
)
def test_the_answer_changed_in_the_same_message(text, intent, expected):
    assert yes_no_parser(text, intent) is expected


@pytest.mark.parametrize(
    "text, said",
    [
        (
            "C1000004 et C1000003. c'est quoi mon identifiant pour me connecter du coup ?",
            "utter_identifier",
        ),
        ("s.bernard@atelier.example.fr, et c'est quoi votre numero de tel ?", "utter_handover"),
        ("C1000004 et C1000003, ça va prendre combien de temps ?", None),
    ],
)
def test_the_question_around_the_value_is_answered(text, said):
    form = ValidateDuplicateAccountsForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(text, [("inform", 0.9)], trigger="duplicate_accounts")
    dispatcher = CollectingDispatcher()
    turn = Turn(tracker)
    asyncio.run(form._aside_with_the_value("customer_id", turn, dispatcher, tracker, {}))
    responses = [message.get("response") or "" for message in dispatcher.messages]
    assert responses[0].startswith(said) if said else responses == []


def test_a_yes_to_the_reset_offer_with_the_identifier_question_answers_and_takes_it():
    """« oui je veux bien mais c'est quoi mon identifiant déjà ? » at the reset offer: what
    the identifier is, and the e-mail asked next (blind51)."""
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    text = "oui je veux bien mais c'est quoi mon identifiant deja, c'est pas mon numero client ?"
    tracker = form_tracker(text, [("forgot_password", 0.6)], trigger="login_problem")
    dispatcher = CollectingDispatcher()
    updates = asyncio.run(form._detour("wants_reset_email", Turn(tracker), dispatcher, tracker, {}))
    assert updates["wants_reset_email"] is True
    assert [message["response"] for message in dispatcher.messages] == ["utter_identifier"]


def test_the_identifier_asked_at_the_message_offer_is_answered_and_the_offer_asked_again():
    """« au fait c'est quoi mon identifiant pour me connecter ? »: no reset started."""
    form = ValidateLeaveMessageForm(ActionContext.from_settings(load_settings()))
    text = "au fait c'est quoi mon identifiant pour me connecter ?"
    tracker = form_tracker(text, [("forgot_password", 0.95)])
    dispatcher = CollectingDispatcher()
    updates = form._steering("wants_to_leave_message", Turn(tracker), dispatcher, tracker)
    assert updates == {"wants_to_leave_message": None}
    said = [message["response"] for message in dispatcher.messages]
    assert said == ["utter_identifier", "utter_resume"]


def test_the_identifier_asked_with_a_no_to_the_reset_offer_is_answered():
    """« non merci, par contre c'est quoi mon identifiant ? »: the reset declined, then what
    the identifier is."""
    text = "non merci, par contre c'est quoi mon identifiant ?"
    tracker = form_tracker(text, [("forgot_password", 0.9)])
    dispatcher = CollectingDispatcher()
    context = ActionContext.from_settings(load_settings())
    assert asyncio.run(answer_the_other_question(context, dispatcher, tracker, {}))
    assert [message["response"] for message in dispatcher.messages] == ["utter_identifier"]


@pytest.mark.parametrize(
    "text, before, typed, expected",
    [
        # « pas X »: X replaced by the other number typed.
        (
            "oups pas C1000005, le deuxième c'est C1000004",
            "C1000003, C1000005",
            "C1000005, C1000004",
            "C1000003, C1000004",
        ),
        # No « pas »: the numbers typed replace the ones known.
        ("non c'est C1000009", "C1000003", "C1000009", "C1000009"),
    ],
)
def test_a_customer_number_corrected_among_several(text, before, typed, expected):
    assert numbers_corrected(text, before, typed) == expected


def test_a_yes_to_the_reset_offer_with_an_address_corrected_takes_the_second():
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    text = "oui, à l'adresse b.dupont@hotmail.fr... enfin non, b.dupont@hotmail.com"
    tracker = form_tracker(text, [("inform", 0.93)])
    updates = form._value("wants_reset_email", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None
    assert (updates["wants_reset_email"], updates["email"]) == (True, "b.dupont@hotmail.com")


def test_the_message_asked_for_in_words_at_the_offer_is_a_yes_with_the_address_typed():
    form = ValidateLeaveMessageForm(ActionContext.from_settings(load_settings()))
    text = "oui je laisse un message, mon mail c'est atelier@convoyeurs-blanchard.fr"
    tracker = form_tracker(text, [("affirm", 0.6)])
    updates = form._value("wants_to_leave_message", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None and updates["wants_to_leave_message"] is True
    assert updates["email"] == "atelier@convoyeurs-blanchard.fr"


@pytest.mark.parametrize("text", ["alors en fait", "rappelez-moi svp"])
def test_a_message_for_the_advisers_that_says_nothing_yet_is_asked_again(text):
    assert message_parser(text, None) is None


@pytest.mark.parametrize(
    "text, restarts",
    [
        ("non attendez on recommence, c'est l'adresse du boulot le compte", True),
        ("on reprend depuis le début", True),
        ("on reprend", False),  # a paused request taken up, not started over
        ("on commence par le mot de passe", False),
    ],
)
def test_a_request_started_over_asks_its_questions_again(text, restarts):
    form = ValidateDeleteAccountForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(text, [("deny", 0.9)])
    dispatcher = CollectingDispatcher()
    updates = form._restart("confirm_deletion", Turn(tracker), dispatcher, tracker)
    if restarts:
        assert updates is not None
        assert updates["email"] is None and updates["confirm_deletion"] is None
        assert [m["response"] for m in dispatcher.messages] == ["utter_restart"]
    else:
        assert updates is None


@pytest.mark.parametrize(
    "text, said",
    [
        (
            "mot de passe oublié, mon mail c'est t.leroy@wanadoo.fr, il faut combien de temps "
            "pour recevoir le mail ?",
            ["utter_reset_email_delay"],
        ),
        ("mot de passe oublié, mon mail c'est t.leroy@wanadoo.fr", []),
    ],
)
def test_a_question_asked_with_the_request_is_answered_when_its_flow_opens(text, said):
    events = [
        {"event": "user", "text": text, "parse_data": {}},
        {"event": "action", "name": "utter_forgot_password"},
        {"event": "bot", "text": "…", "metadata": {"utter_action": "utter_forgot_password"}},
        {"event": "action", "name": "action_prefill_form_slots"},
        {"event": "action", "name": "password_email_form"},
    ]
    message = {"text": text, "intent": {"name": "forgot_password", "confidence": 0.9}}
    tracker = Tracker("c", {}, message, events, False, None, {}, "action_listen")
    form = ValidatePasswordEmailForm(ActionContext.from_settings(load_settings()))
    dispatcher = CollectingDispatcher()
    asyncio.run(form.get_validation_events(dispatcher, tracker, {}))
    assert [m["response"] for m in dispatcher.messages] == said


def test_a_phone_number_where_the_e_mails_are_asked_is_the_wrong_kind_of_value():
    """« mon tel c'est le 07 11 22 33 44 » at the two accounts' e-mails: no personal-data
    answer, the e-mails asked again with their form (blind52)."""
    form = ValidateDuplicateAccountsForm(ActionContext.from_settings(load_settings()))
    tracker = form_tracker(
        "mon tel c'est le 07 11 22 33 44", [("update_personal_data", 0.9)], "duplicate_accounts"
    )
    dispatcher = CollectingDispatcher()
    updates = asyncio.run(form._detour("account_emails", Turn(tracker), dispatcher, tracker, {}))
    assert updates["account_emails"] is None
    said = [message["response"] for message in dispatcher.messages]
    assert said == ["utter_invalid_account_emails"]


def test_a_customer_number_not_known_goes_on_with_the_emails():
    # « je sais plus mon numéro client » (forgotten password 0.65) where the number is
    # asked: the request goes on, the accounts' addresses will do (blind59).
    form = ValidateDuplicateAccountsForm(ActionContext.from_settings(load_settings()))
    text = "je sais plus mon numéro client"
    tracker = form_tracker(text, [("forgot_password", 0.65), ("request_human", 0.18)])
    updates = form._value("customer_id", Turn(tracker), CollectingDispatcher(), tracker)
    assert updates is not None and updates["customer_id"] == UNKNOWN_CUSTOMER_ID
