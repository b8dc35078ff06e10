"""The running bot, through the REST channel the website uses."""

import json
import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy

from bot.domain.tokens import issue_token
from tests.support.stack import forget_rate_limits, send, texts, tickets_of, tracker


def new_sender() -> str:
    return f"test-{uuid.uuid4()}"


def test_forgotten_password_gets_the_faq_steps(chat):
    replies = texts(chat(new_sender(), "jai oublier mon mot de pass"))
    assert "« Mot de passe oublié ? »" in replies
    assert "Renouvelez votre mot de passe" in replies


def test_adviser_request_gets_number_hours_and_status(chat):
    replies = texts(chat(new_sender(), "je veux parler a un conseiller"))
    assert "02 808 18 02" in replies
    assert "du lundi au vendredi de 8 h à 19 h" in replies
    # The stack's clock is fixed on a Friday at 10:00.
    assert "La ligne est ouverte en ce moment." in replies


def test_second_miss_in_a_row_hands_over(chat):
    sender = new_sender()
    first = chat(sender, "/nlu_fallback")
    assert first[0]["text"].startswith("Désolé, je n'ai pas bien compris")
    assert {b["payload"] for b in first[0]["buttons"]} >= {"/forgot_password", "/request_human"}
    second = texts(chat(sender, "/nlu_fallback"))
    assert "02 808 18 02" in second
    assert "« Autre motif »" in second


def test_buttons_trigger_their_topic(chat):
    replies = texts(chat(new_sender(), "/find_invoices"))
    assert "« Mes factures »" in replies


def test_conversations_are_kept_apart(chat):
    alice, bob = new_sender(), new_sender()
    chat(alice, "/nlu_fallback")
    # Bob's first miss is his first, whatever Alice did.
    assert "02 808 18 02" not in texts(chat(bob, "/nlu_fallback"))


# --- Personalised answers, tickets and e-mails through the REST channel -----------


def as_customer(stack_settings, customer_id: str) -> dict:
    return {"auth_token": issue_token(customer_id, stack_settings.tokens)}


def test_logged_in_customer_gets_their_invoices(chat, stack_settings):
    replies = texts(
        chat(new_sender(), "où est ma facture ?", as_customer(stack_settings, "C1000001"))
    )
    assert "« Mes achats »" in replies
    assert "Voici vos commandes" in replies and "/mon-compte/factures/" in replies


def test_anonymous_customer_is_invited_to_log_in(chat):
    replies = texts(chat(new_sender(), "où est ma facture ?"))
    assert "Connectez-vous à votre compte client" in replies
    assert "Voici vos commandes" not in replies


def test_anonymous_deletion_request_asks_for_the_e_mailed_confirmation(chat, stack_settings):
    sender = new_sender()
    warning = texts(chat(sender, "je veux supprimer mon compte"))
    assert "oubli RGPD" in warning and "adresse e-mail du compte" in warning
    address = f"client-{uuid.uuid4().hex[:8]}@example.com"
    confirmation = texts(chat(sender, address))
    assert "Confirmez-vous" in confirmation and address in confirmation
    done = texts(chat(sender, "oui"))
    assert "« Confirmez la suppression de votre compte »" in done and "cliquez sur le lien" in done
    assert "T-" not in done
    rows = tickets_of(stack_settings, sender)
    assert [r["subject"] for r in rows] == ["Suppression compte"]
    # Asking again in the same conversation recalls the request and opens nothing more.
    again = texts(chat(sender, "je veux supprimer mon compte"))
    assert "déjà en cours" in again and address in again and "Confirmez-vous" not in again
    assert len(tickets_of(stack_settings, sender)) == 1


def test_logged_in_owner_gets_the_deletion_reference(chat, stack_settings):
    sender, token = new_sender(), as_customer(stack_settings, "C1000002")
    chat(sender, "je veux supprimer mon compte", token)
    chat(sender, "jean.martin@example.com", token)
    done = texts(chat(sender, "oui", token))
    reference = re.search(r"référence (T-[0-9A-Z]{8})", done).group(1)
    assert [r["reference"] for r in tickets_of(stack_settings, sender)] == [reference]


def test_no_at_the_confirmation_opens_no_ticket(chat, stack_settings):
    sender = new_sender()
    chat(sender, "supprimer mon compte client")
    chat(sender, "paul.petit@example.com")
    assert "je n'ouvre aucune demande" in texts(chat(sender, "non"))
    assert tickets_of(stack_settings, sender) == []


def test_cancel_in_the_middle_of_a_form(chat, stack_settings):
    sender = new_sender()
    chat(sender, "j'ai deux comptes clients")
    assert "j'annule cette demande" in texts(chat(sender, "annuler"))
    assert tickets_of(stack_settings, sender) == []
    # The conversation goes on normally.
    assert "« Mes factures »" in texts(chat(sender, "où trouver mes factures ?"))


def test_reset_replies_do_not_reveal_whether_an_account_exists(chat, stack_settings):
    forget_rate_limits(stack_settings)  # (Both addresses with their whole hour.)

    def conversation(address: str) -> list:
        sender = new_sender()
        chat(sender, "j'ai oublié mon mot de passe")
        chat(sender, "oui")
        # The reply repeats the address the customer typed; nothing else may differ.
        return [
            {
                k: v.replace(address, "<typed>") if isinstance(v, str) else v
                for k, v in reply.items()
                # The bot event's timestamp differs from one conversation to the next.
                if k not in ("recipient_id", "timestamp")
            }
            for reply in chat(sender, address)
        ]

    existing = conversation("marie.durand@example.com")
    unknown = conversation("personne.inconnue@example.com")
    assert json.dumps(existing, sort_keys=True) == json.dumps(unknown, sort_keys=True)
    assert "Si un compte client correspond à <typed>" in texts(existing)


def test_replies_never_show_another_customers_data(chat, stack_settings):
    sender = new_sender()
    paul = as_customer(stack_settings, "C1000005")
    replies = texts(
        chat(sender, "mes factures svp", paul)
        + chat(sender, "je suis marie.durand@example.com, client C1000001, mes factures ?", paul)
        + chat(sender, "mes adresses de livraison", paul)
    )
    for marie in ("Durand", "marie.durand@example.com", "/mon-compte/factures/"):
        assert marie not in replies


def test_backend_down_hands_over_then_recovers(chat, backend, stack_settings):
    service = backend["backend"]
    service.stop()
    try:
        replies = texts(
            chat(new_sender(), "où est ma facture ?", as_customer(stack_settings, "C1000001"))
        )
        assert "« Mes factures »" in replies  # the FAQ part still comes
        assert "Je ne peux pas accéder à votre compte" in replies
        assert "02 808 18 02" in replies
    finally:
        service.start()
        service.wait_ready()
    replies = texts(
        chat(new_sender(), "où est ma facture ?", as_customer(stack_settings, "C1000001"))
    )
    assert "Voici vos commandes" in replies


@pytest.mark.parametrize(
    "body, content_type",
    [
        (b'{"sender": "bad-1", "message": ""}', "application/json"),
        (b'{"sender": "bad-2", "message": 42}', "application/json"),
        (b'{"sender": "bad-3", "message": "' + b"roulement " * 10_000 + b'"}', "application/json"),
        (b'{"sender": "bad-4", "message": "bonjour", "metadata": "x"}', "application/json"),
        (b'{"sender": "bad-5", "message": "bonjour"', "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        (b"sender=bad-6&message=bonjour", "application/x-www-form-urlencoded"),
    ],
)
def test_bad_requests_get_a_clear_answer(rasa, body, content_type):
    response = requests.post(
        f"{rasa}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": content_type},
        timeout=30,
    )
    assert response.status_code == 400
    [answer] = response.json()
    assert answer["text"].endswith(".")


def test_invisible_characters_do_not_hide_the_question(chat):
    replies = texts(chat("zero-width", "j'ai oub\u200blié mon mot de\u00ad passe\x00"))
    assert "Mot de passe oublié ?" in replies


def test_conversations_are_kept_in_the_sql_tracker_store(chat, stack_settings):
    """`make run` keeps conversations in SQLite (var/tracker.db): erasure, `make missed`
    and the agents' review read them there, and they survive a restart."""
    sender = new_sender()
    chat(sender, "bonjour")
    engine = sqlalchemy.create_engine(stack_settings.tracker_store_url)
    with engine.connect() as connection:
        stored = connection.execute(
            sqlalchemy.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalar()
    engine.dispose()
    assert str(stack_settings.tracker_db) in stack_settings.tracker_store_url
    assert stored >= 3  # the session start, the message, the greeting


def test_messages_of_one_sender_sent_at_once_are_handled_one_after_the_other(rasa, stack_settings):
    """`make run`'s Sanic workers (RASA_WORKERS) share the conversations' locks (SQLite,
    bot/rasa_ext/lock_store.py): whichever workers get them, two messages of one
    conversation never run at once, and both are kept."""
    assert stack_settings.rasa_workers >= 2, "the layout under test runs several workers"
    sender = new_sender()
    messages = ["bonjour", "comment télécharger ma facture ?", "merci", "quels horaires ?"]
    with ThreadPoolExecutor(max_workers=len(messages)) as pool:
        replies = list(pool.map(lambda text: send(rasa, sender, text), messages))
    assert all(replies), "each message gets its own answer"
    events = tracker(rasa, sender, stack_settings)["events"]
    assert sorted(e["text"] for e in events if e["event"] == "user") == sorted(messages)
    # Never interleaved: each user message is followed by an answer before the next one.
    kinds = [e["event"] for e in events if e["event"] in {"user", "bot"}]
    users = [i for i, kind in enumerate(kinds) if kind == "user"]
    assert all("bot" in kinds[a:b] for a, b in zip(users, users[1:]))


@pytest.mark.parametrize(
    "method, path",
    [("GET", "/conversations/someone/tracker"), ("POST", "/model/parse"), ("GET", "/status")],
)
def test_rasa_http_api_refuses_calls_without_its_token(rasa, stack_settings, method, path):
    response = requests.request(method, rasa + path, json={"text": "bonjour"}, timeout=30)
    assert response.status_code == 401
    allowed = requests.request(
        method,
        rasa + path,
        params={"token": stack_settings.rasa_auth_token},
        json={"text": "bonjour"},
        timeout=30,
    )
    assert allowed.status_code == 200


@pytest.mark.parametrize(
    "body, status",
    [
        (b"{pas du json", 400),
        (b'{"text": "bonjour",}', 400),
        (b"[]", 400),
        (b'"bonjour"', 400),
        (b'{"text": 42}', 400),
        (b'{"message": "bonjour"}', 400),
        (b'{"text": "caf\\ud800"}', 400),
        (json.dumps({"text": "facture " * 626}).encode(), 400),
        (json.dumps({"text": "x" * 300_000}).encode(), 413),
    ],
)
def test_rasa_parse_refuses_what_is_no_parse_request(rasa, stack_settings, body, status):
    """Rasa answered 500 to the first six and parsed any length (300,000 characters held the
    server over a minute); with the token, they are refused without reaching the model."""
    token = {"token": stack_settings.rasa_auth_token}
    response = requests.post(
        f"{rasa}/model/parse",
        params=token,
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=30,
    )
    assert response.status_code == status, response.text[:200]
    without_token = requests.post(f"{rasa}/model/parse", data=body, timeout=30)
    assert without_token.status_code == 401
    longest = requests.post(
        f"{rasa}/model/parse", params=token, json={"text": "facture " * 625}, timeout=30
    )
    assert longest.status_code == 200


# --- Issue 12, item 4: the stored conversation holds no credential -----------------


def stored_events(rasa, stack_settings, sender: str) -> str:
    tracker = requests.get(
        f"{rasa}/conversations/{sender}/tracker",
        params={"token": stack_settings.rasa_auth_token, "include_events": "ALL"},
        timeout=30,
    )
    tracker.raise_for_status()
    return json.dumps(tracker.json())


def test_the_customer_token_is_never_stored_only_who_it_verified(chat, rasa, stack_settings):
    sender, metadata = new_sender(), as_customer(stack_settings, "C1000001")
    assert "Voici vos commandes" in texts(chat(sender, "mes factures svp", metadata))
    stored = stored_events(rasa, stack_settings, sender)
    assert metadata["auth_token"] not in stored and "auth_token" not in stored
    assert '"verified_customer_id": "C1000001"' in stored


def test_a_client_cannot_claim_a_verified_customer_number(chat, rasa, stack_settings):
    sender = new_sender()
    claimed = {"verified_customer_id": "C1000001", "customer_id": "C1000001"}
    replies = texts(chat(sender, "où est ma facture ?", claimed))
    assert "Connectez-vous à votre compte client" in replies
    assert "Voici vos commandes" not in replies
    assert "C1000001" not in stored_events(rasa, stack_settings, sender)


# --- Issue 12, item 5: the action server answers only the Rasa server ----------------


def action_call(sender: str, metadata: dict) -> dict:
    """What a forged caller posts: a tracker asking for a logged-in customer's invoices."""
    message = {
        "text": "mes factures",
        "intent": {"name": "find_invoices", "confidence": 1.0},
        "entities": [],
        "metadata": metadata,
    }
    return {
        "next_action": "action_answer_invoices",
        "sender_id": sender,
        "version": "3.6.21",
        "domain": {},
        "tracker": {
            "sender_id": sender,
            "slots": {},
            "latest_message": message,
            "events": [{"event": "user", "text": "mes factures", "parse_data": message}],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


@pytest.fixture
def action_server(bot_stack, stack_settings) -> str:
    return f"http://{stack_settings.host}:{stack_settings.action_port}"


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic x"}],
)
def test_action_server_refuses_callers_without_the_token(action_server, headers):
    call = action_call(new_sender(), {"verified_customer_id": "C1000001"})
    response = requests.post(f"{action_server}/webhook", json=call, headers=headers, timeout=30)
    assert response.status_code == 401
    assert "C1000001" not in response.text and "Voici vos commandes" not in response.text
    listing = requests.get(f"{action_server}/actions", headers=headers, timeout=30)
    assert listing.status_code == 401
    assert requests.get(f"{action_server}/health", timeout=30).status_code == 200


def test_action_server_answers_the_rasa_server(action_server, stack_settings):
    bearer = {"Authorization": f"Bearer {stack_settings.action_server_token}"}
    call = action_call(new_sender(), {"verified_customer_id": "C1000001"})
    response = requests.post(f"{action_server}/webhook", json=call, headers=bearer, timeout=30)
    assert response.status_code == 200
    assert response.json()["responses"][0]["response"] == "utter_invoices_list"


@pytest.mark.parametrize(
    "body", [b"{not json", b"[1, 2]", "\ud800".encode("utf-8", "surrogatepass")]
)
def test_action_server_bad_body_is_400_and_never_echoed(action_server, stack_settings, body):
    bearer = {
        "Authorization": f"Bearer {stack_settings.action_server_token}",
        "Content-Type": "application/json",
    }
    response = requests.post(f"{action_server}/webhook", data=body, headers=bearer, timeout=30)
    assert response.status_code == 400
    assert "not json" not in response.text and "request_body" not in response.text


def changed(call: dict, where: str, **fields) -> dict:
    """`call` with some of its own fields (where="call") or its tracker's changed."""
    if where == "call":
        return {**call, **fields}
    return {**call, "tracker": {**call["tracker"], **fields}}


@pytest.mark.parametrize(
    "where, fields",
    [
        ("call", {"tracker": None}),
        ("call", {"tracker": "pas un tracker"}),
        ("call", {"next_action": ["action_answer_invoices"]}),
        ("call", {"next_action": {"name": "action_answer_invoices"}}),
        ("call", {"version": 42}),
        ("tracker", {"slots": "pas un objet"}),
        ("tracker", {"slots": ["email"]}),
        ("tracker", {"latest_message": "mes factures"}),
        ("tracker", {"events": [42]}),
    ],
)
def test_action_server_refuses_what_is_no_action_call_with_400(
    action_server, stack_settings, where, fields
):
    """rasa_sdk answered these with 500 (the bad-input run): the token is right, the call
    is not one the Rasa server would send."""
    call = changed(action_call(new_sender(), {}), where, **fields)
    bearer = {"Authorization": f"Bearer {stack_settings.action_server_token}"}
    response = requests.post(f"{action_server}/webhook", json=call, headers=bearer, timeout=30)
    assert response.status_code == 400
    assert "mes factures" not in response.text


# --- Issue 11: a long message is read by the account question it asks -------------


def test_a_long_story_around_an_account_question_gets_its_answer(chat):
    story = (
        "Bonjour, j'ai un tracteur en panne et je cherche des roulements coniques pour la roue "
        "avant, le colis doit arriver vite, mais avant de commander je dois me connecter et "
        "j'ai oublié mon mot de passe, comment je le récupère ?"
    )
    assert "« Mot de passe oublié ? »" in texts(chat(new_sender(), story))


def test_the_agents_assistant_reads_long_stories_the_same_way(rasa, stack_settings):
    story = (
        "Bonsoir, j'ai passé une commande de roulements à billes pour ma tondeuse autoportée, "
        "le panier était plein et au paiement ça me dit que mon compte est bloqué, je n'arrive "
        "plus à me connecter, pourquoi ?"
    )
    parsed = requests.post(
        f"{rasa}/model/parse",
        params={"token": stack_settings.rasa_auth_token},
        json={"text": story},
        timeout=30,
    ).json()
    # Read whole or through its question (bot/rasa_ext/question_focus.py), as a conversation.
    assert parsed["intent"]["name"] == "login_problem"
