"""The words that steer a conversation (bot/domain/repair.py) and the message summary."""

import pytest

from bot.domain.repair import (
    EARLIER,
    EARLIER_RESET_EMAIL,
    PASSWORD_FORM,
    after_a_self_correction,
    after_the_cancel,
    after_the_thanks,
    ambiguity,
    asks_a_question,
    asks_about_the_purge,
    asks_for_someone,
    asks_for_someone_s_details,
    asks_for_something,
    asks_for_the_reset_email,
    back_to_topic,
    cancelled_flow,
    change_asked_of_the_bot,
    choice,
    closes_with_cancel,
    corrected_to,
    corrects_the_reset_address,
    corrects_the_subject,
    disputes_the_answer,
    ends_with_a_confirmation,
    ends_with_a_refusal,
    explicit_yes_or_no,
    follow_up,
    forgets_the_number,
    insists,
    is_satisfied,
    leaves_with_a_plan,
    names_an_invoice,
    names_nothing,
    names_only_the_account,
    names_own_orders,
    names_the_deletion,
    names_the_last_order,
    names_the_weekend,
    only_thanks,
    opens_with_a_plain_no,
    opens_with_cancel,
    own_data_asked,
    pick,
    postal_meant,
    puts_the_message_off,
    recent_turns,
    resumes,
    says_goodbye,
    says_yes_plainly,
    steps_given,
    sure_topic,
    takes_it_back,
    topic_in_play,
    topic_list,
    wants_a_person,
    wants_to_cancel,
    wants_to_leave_a_message,
    wants_to_resume,
    wants_to_switch,
    will_phone,
    with_memory,
    words_allow,
    yes_or_no,
    yes_with_a_question,
    yes_with_the_message,
)
from bot.domain.summary import message_ticket_body


@pytest.mark.parametrize(
    "text, expected",
    [
        ("on reprend", True),
        ("bon, on y retourne : x@y.fr", True),
        ("Revenons à ma demande svp", True),
        ("ok la suite", True),
        ("on continue ?", True),
        ("je reprends le travail demain", False),
        ("où est ma facture ?", False),
    ],
)
def test_wants_to_resume(text, expected):
    assert wants_to_resume(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("annuler", True),
        ("laissez tomber", True),
        # An order to cancel is the shop's business, no cancel of the request.
        ("je voudrais annuler ma commande CMD-240355", False),
        ("annulez la suppression", True),
        ("Finalement non", True),
        ("stop", True),
        ("plus besoin merci", True),
        ("bon tant pis, on arrête là", True),
        ("tant pis", True),
        # Resigned, yet going ahead.
        ("allez tant pis, je confirme la suppression", False),
        ("ok tant pis. on reprend la suppression", False),
        ("tant pis oui", False),
        # What was missing is found again: nothing left to do.
        ("nan c bon jlai retrouvé, c'etait dans mon carnet", True),
        ("ah c'est bon je l'ai retrouvé", True),
        ("laissez, ça remarche maintenant", True),
        # Put off: « je vais réfléchir ».
        ("bof non en fait je vais réfléchir encore un peu", True),
        ("laissez-moi y réfléchir", True),
        ("je le ferai plus tard", True),
        ("bon je reviendrai quand j'aurai retrouvé mon numéro client", True),
        ("non finalement je prefere rappeler lundi", True),
        ("bof je vais plutôt appeler le service client", True),
        # What the flow would change stays as it is.
        ("en fait non, je garde mon compte", True),
        ("finalement je préfère le conserver tel quel", True),
        ("je garde le même identifiant ?", False),
        ("j'ai réfléchi, je veux supprimer mon compte", False),
        ("je veux supprimer mon compte", False),
        ("oui", False),
    ],
)
def test_wants_to_cancel(text, expected):
    assert wants_to_cancel(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("oui", True),
        ("c'est bon je les ai. oui je confirme la suppression", True),
        ("ouais vas-y", True),
        ("wi", True),
        ("wé", True),
        ("non merci", False),
        ("pas maintenant", False),
        ("oui mais non", None),
        ("mes factures", None),
        # « pourquoi pas » agrees; not knowing yet is no answer.
        ("pourquoi pas", True),
        ("si vous voulez", True),
        ("ok 👍", True),
        ("euh je sais pas trop", None),
        ("j'ai déjà fait mot de passe oublié, ça marche pas", None),
        ("jsp", None),
    ],
)
def test_yes_or_no(text, expected):
    assert yes_or_no(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("oui mais il arrive au bout de combien de temps le mail ?", True),
        ("ouais, et si je le reçois pas ?", True),
        # No question, or a no after the yes.
        ("oui merci", False),
        ("oui mais non, pas maintenant ?", False),
        ("oui enfin non laissez tomber ?", False),
        ("mais il arrive quand ?", False),
    ],
)
def test_yes_with_a_question(text, expected):
    assert yes_with_a_question(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [("la première", "a@x.fr"), ("la 2e", "b@y.fr"), ("l'autre", "b@y.fr"), ("aucune", None)],
)
def test_pick(text, expected):
    assert pick(text, ["a@x.fr", "b@y.fr"]) == expected


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (["action_phone_handover"], "et le week-end ?", "weekend_hours"),
        (["utter_opening_hours_intro", "action_phone_handover"], "et le samedi ?", "weekend_hours"),
        (["action_phone_handover"], "c'est ouvert à partir de quelle heure ?", "hours"),
        (["utter_change_password"], "sauf que l'actuel je l'ai oublié", "forgot_current_password"),
        (["action_send_password_email"], "j'ai rien reçu", "reset_email_not_received"),
        (["action_send_password_email"], "toujours rien dans ma boîte", "reset_email_not_received"),
        # The same words after another answer stand on their own.
        (["utter_find_invoices"], "et le week-end ?", None),
        (["utter_log_out"], "j'ai rien reçu", None),
        # A real question after the hand-over is not a follow-up.
        (["action_phone_handover"], "quand est-ce que je pourrai supprimer mon compte ?", None),
    ],
)
def test_follow_up(previous, text, expected):
    assert follow_up(previous, text) == expected


def test_topic_list_names_account_topics_once_in_order():
    intents = ["greet", "find_invoices", "forgot_password", "find_invoices", "out_of_scope"]
    assert topic_list(intents) == ["Mes factures", "Mot de passe oublié"]


def test_message_ticket_body_puts_the_message_first_then_the_topics():
    events = [
        {"event": "user", "parse_data": {"intent": {"name": "forgot_password"}}},
        {"event": "bot", "text": "..."},
        {"event": "user", "parse_data": {"intent": {"name": "request_human"}}},
        {"event": "bot", "text": "..."},
    ]
    body = message_ticket_body("  Rappelez-moi lundi svp  ", events)
    assert body.splitlines()[1] == "Rappelez-moi lundi svp"
    assert "Mot de passe oublié, Parler à un conseiller" in body
    assert "réponses de l'assistant : 2" in body


@pytest.mark.parametrize(
    "text, expected",
    [
        ("j'ai un problème avec mon adresse", ("manage_addresses", "update_personal_data")),
        ("c koi mon code d'acces", ("forgot_password", "change_password")),
        ("je veux changer mon compte", ("update_personal_data", "manage_addresses")),
        ("je veux changer mon adresse mail", None),
        ("comment modifier mon adresse de facturation ?", None),
        ("j'ai oublié mon code d'accès", None),
        ("et mon identifiant c'est quoi deja ?", None),
        ("quel est mon identifiant ?", None),
        ("c'est quoi mon code d'accès ?", ("forgot_password", "change_password")),
        ("je n'ai plus accès à mon compte", None),
        ("je veux supprimer mon compte", None),
    ],
)
def test_ambiguity(text, expected):
    assert ambiguity(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("l'adresse de livraison", "manage_addresses"),
        ("non mon adresse mail", "update_personal_data"),
        ("la deuxième", "update_personal_data"),
        ("euh je sais pas", None),
    ],
)
def test_choice_between_two_topics(text, expected):
    assert choice(text, ["manage_addresses", "update_personal_data"]) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ok top", True),
        ("ok c bon", True),
        ("ok parfait", True),
        ("ah super merci", True),
        ("d'accord, c'est noté", True),
        # An acknowledgement, or nothing more to ask (blind59, blind60).
        ("ok", True),
        ("ok d'accord", True),
        ("bon ok je verrai", True),
        ("parfait, c'est tout", True),
        ("ok c'est tout", True),
        ("oui", False),
        ("ouais", False),
        ("ok oui", False),
        ("oui parfait", False),
        ("parfait, et pour les factures ?", False),
    ],
)
def test_is_satisfied(text, expected):
    assert is_satisfied(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("laissez tomber, bye", True),
        ("merci au revoir", True),
        ("laisse tomber", False),
        ("ok à plus", True),
        ("j'ai commandé il y a plus de trois ans un roulement", False),
    ],
)
def test_says_goodbye(text, expected):
    assert says_goodbye(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("en fait je veux plutôt supprimer mon compte", True),
        ("je veux supprimer mon compte", False),
    ],
)
def test_wants_to_switch(text, expected):
    assert wants_to_switch(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("oubliez, j'appellerai plutôt", True),
        ("laissez tomber je vais vous appeler", True),
        ("bon je vous téléphonerai lundi", True),
        ("je préfère passer par téléphone", True),
        ("bof je vais plutôt appeler le service client", True),
        ("non finalement je prefere rappeler lundi", True),
        ("annuler", False),
        ("je vais appeler mon comptable d'abord", False),
        ("mon numéro de téléphone a changé", False),
    ],
)
def test_will_phone(text, expected):
    assert will_phone(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("non non je voulais juste me déconnecter, pas le supprimer !", True),
        ("Non, c'est pas ça, je parlais de ma facture", True),
        ("ah non pardon je voulais dire mon adresse de livraison", True),
        ("nan je veux juste changer mon mot de passe", True),
        ("ah non pardon je me suis mal exprimé, pas le compte !! juste une adresse", True),
        ("non non pas 2 comptes, UN seul compte ! je veux juste une adresse de plus", True),
        ("wow non surtout pas supprimer le compte !! je veux plus vos mails de promo", True),
        ("vous m'avez mal comprise, je veux le changer", True),
        ("une adresse de livraison qui sert plus, pas le compte !", True),
        # The request named to be denied, at the start (blind55).
        ("je veux pas créer de compte, j'en ai déjà un !", True),
        ("je veux créer un compte", False),
        ("je veux pas le compte supprimé tout de suite", False),
        ("non", False),
        ("non merci", False),
        ("je voulais aussi savoir vos horaires", False),
        ("c'est pas ça qui m'inquiète, c'est quoi vos horaires ?", False),
    ],
)
def test_takes_it_back(text, expected):
    assert takes_it_back(text) is expected


def test_the_previous_turn_is_the_bot_s_last_turn_only():
    events = [
        ("action", "action_listen"),
        ("user", None),
        ("action", "utter_greet"),
        ("action", "action_listen"),
        ("user", None),
        ("slot", None),
        ("action", "utter_opening_hours_intro"),
        ("action", "action_phone_handover"),
        ("action", "action_listen"),
        ("user", None),
    ]
    assert recent_turns(reversed(events))[0] == [
        "action_listen",
        "action_phone_handover",
        "utter_opening_hours_intro",
    ]


def test_recent_turns_are_the_bot_s_two_last_turns():
    events = [
        ("user", None),
        ("action", "utter_greet"),
        ("action", "action_listen"),
        ("user", None),
        ("action", "utter_log_out"),
        ("action", "action_listen"),
        ("user", None),
        ("bot", "utter_find_invoices"),
        ("split", None),
        ("action", "utter_opening_hours_intro"),
        ("action", "action_listen"),
        ("user", None),
    ]
    previous, earlier = recent_turns(reversed(events))
    # (A split message is one turn: what was said to all of its questions.)
    assert previous == ["action_listen", "utter_opening_hours_intro", "utter_find_invoices"]
    assert earlier == ["action_listen", "utter_log_out"]
    assert recent_turns(reversed(events[:4])) == [["action_listen", "utter_greet"], []]


# The account's creation, then a question out of scope: the delivery address at checkout
# still reads the creation's answer.
CREATED_THEN_ASIDE = with_memory(["utter_out_of_scope"], None, ["utter_create_account"])


def test_a_follow_up_reaches_back_over_one_answer():
    text = "ok. et pour le compte, l'adresse de livraison je la mets où du coup ?"
    assert follow_up(CREATED_THEN_ASIDE, text) == "address_at_checkout"
    # Someone else's invoices refused, an address typed, then « les miennes »: the orders.
    refused = with_memory(["utter_fallback_topics"], None, ["utter_find_invoices"])
    assert follow_up(refused, "bon et les miennes alors ?") == "orders_again"
    # Not two turns back: the turn before that is forgotten.
    assert follow_up(with_memory(["utter_out_of_scope"], None), text) is None


def test_a_follow_up_reaches_back_over_an_aside_only():
    # After the invoice's timing (an answer), « quand elle sera là » is about that answer:
    # not the invoice's timing again from the invoices' steps before it.
    timing = with_memory(["utter_invoice_when_shipped"], None, ["utter_find_invoices"])
    text = "et quand elle sera là je pourrai la télécharger en pdf ?"
    assert follow_up(timing, text, "find_invoices") is None
    # After the checkout address (an answer), « la changer » is about that address (the
    # address book), not the account's creation before it.
    checkout = with_memory(["utter_address_at_checkout"], None, ["utter_create_account"])
    assert follow_up(checkout, "et pr la changer apres ?") == "addresses_change"
    assert steps_given(with_memory(["utter_log_out"], None, ["utter_find_invoices"])) == (
        "utter_log_out"
    )


def test_the_reset_email_s_delay_reaches_back_over_thanks():
    sent = ["action_send_password_email", "utter_password_email_sent"]
    thanked = with_memory(["utter_you_are_welcome"], "a@b.fr", sent)
    text = "ça met combien de temps à arriver en général ?"
    assert follow_up(thanked, text) == "reset_email_delay"


def test_only_some_follow_ups_reach_back():
    # « et le samedi ? » reads the hours only right after them.
    hours_then_invoices = with_memory(["utter_find_invoices"], None, ["utter_opening_hours_intro"])
    assert follow_up(hours_then_invoices, "et le samedi ?") is None
    assert follow_up(with_memory(["utter_opening_hours_intro"], None), "et le samedi ?")


def test_a_message_pointing_back_reads_the_turn_before_first():
    log_out_then_invoices = with_memory(["utter_find_invoices"], None, ["utter_log_out"])
    text = "pour ma première question je trouve pas le bouton, vous pouvez me redire ?"
    assert follow_up(log_out_then_invoices, text) == "where_exactly"
    assert steps_given(log_out_then_invoices, text) == "utter_log_out"
    # Without the words that point back, the path given just before.
    assert steps_given(log_out_then_invoices, "c'est où exactement ?") == "utter_find_invoices"
    # No path just before (the customer's question was out of scope): the one before it.
    aside = with_memory(["utter_out_of_scope"], None, ["utter_log_out"])
    assert follow_up(aside, "c'est où exactement ?") == "where_exactly"
    assert steps_given(aside, "c'est où exactement ?") == "utter_log_out"


@pytest.mark.parametrize(
    "text",
    [
        "mon compte",
        "Mon compte client svp",
        "j'ai un souci avec mon espace client",
        "problème compte",
        "aide",
        "j'ai besoin d'aide svp",
        "probleme",
        "aidez-moi",
        # SMS spelling: « g » for « j'ai », « pb » for « problème ».
        "g un pb avec mon compte",
        "jai un pb sur mon compte svp",
    ],
)
def test_a_message_naming_only_the_account_is_vague(text):
    assert names_only_the_account(text)


@pytest.mark.parametrize(
    "text",
    [
        "supprimer mon compte",
        "mon compte est bloqué",
        "créer un compte",
        "bonjour",
        "",
        "j'ai deux comptes",
        "j'ai 2 comptes client",
        "mes factures",
        "merci",
        "j'ai un problème de connexion",
        "aide pour mes factures",
        "merci pour votre aide",
        "merci de votre aide",
    ],
)
def test_a_message_saying_what_about_the_account_is_not(text):
    assert not names_only_the_account(text)


@pytest.mark.parametrize(
    "text, postal",
    [
        ("comment je modifie mon adresse ?", True),
        ("et mon adresse ?", True),
        ("et pour changer mon adresse à Nantes, je déménage", True),
        ("comment changer d'adresse ?", True),
        ("je veux changer mon adresse mail", False),
        ("comment modifier mon adresse de facturation ?", False),
        ("et mes adresses enregistrées c'est lesquelles ?", False),  # the postal list anyway
        ("mon mot de passe", False),
    ],
)
def test_an_address_of_no_kind_is_the_postal_one(text, postal):
    assert postal_meant(text) is postal
    assert ambiguity(text) is None


def test_a_trouble_with_an_address_of_no_kind_is_asked_about():
    """blind2: « probleme adresse »: a delivery gone wrong or an e-mail that fails?"""
    assert ambiguity("probleme adresse") == ("manage_addresses", "update_personal_data")
    assert not postal_meant("probleme adresse")


@pytest.mark.parametrize(
    "text",
    [
        "et si je n'ai plus accès à cette adresse mail ?",
        "je n'ai plus accès à mon mail",
        "mon adresse e-mail n'existe plus",
        "c'est mon ancienne adresse",
        "et si j'ai plus accès à cette boîte mail ?",  # « boîte », yet not « not received »
    ],
)
def test_a_lost_mailbox_after_the_password_help(text):
    assert follow_up(["utter_forgot_password"], text) == "mailbox_lost"
    assert follow_up(["action_send_password_email"], text) == "mailbox_lost"
    assert follow_up(["utter_reset_email_not_received"], text) == "mailbox_lost"
    assert follow_up(["utter_greet"], text) is None


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (["utter_hours_weekend"], "et le dimanche pareil ?", "weekend_hours"),
        (["utter_handover_closed"], "et le samedi matin ?", "weekend_hours"),
        # The message offered while the line is closed, declined or left: the hours stand.
        (
            ["utter_no_problem", "action_leave_message", "leave_message_form"],
            "et demain dimanche c'est fermé aussi ?",
            "weekend_hours",
        ),
        (["utter_message_left", "action_leave_message"], "vous rouvrez quand ?", "hours"),
        # The number, right after an answer that gave the phone line.
        (["utter_handover_open", "utter_mailbox_lost"], "ok c'est quoi le numéro ?", "phone"),
        (["utter_handover_open", "utter_opening_hours_intro"], "ok et le numéro c'est ?", "phone"),
        (["utter_handover_closed"], "vous avez un tel ?", "phone"),
        (["utter_handover_open"], "mon numéro client c'est ça ?", None),
        (["utter_log_out"], "c'est quoi le numéro ?", None),
        # When the invoice of an order not shipped yet comes.
        (["action_answer_invoices"], "je l'aurai quand alors ?", "invoice_timing"),
        (["utter_find_invoices"], "elle sera dispo quand ?", "invoice_timing"),
        (["utter_invoices_list"], "elle arrive quand alors ?", "invoice_timing"),
        (["utter_find_invoices"], "et si le colis n'est pas encore parti ?", "invoice_timing"),
        (["utter_find_invoices"], "et si ma comande é pa encor partie", "invoice_timing"),
        (["utter_invoices_list"], "et ma commande elle arrive quand ?", None),
        (
            ["utter_invoice_when_shipped"],
            "on peut pas l'avoir par mail avant ? mon comptable la veut",
            "invoice_timing",
        ),
        (
            ["utter_invoice_when_shipped"],
            "et quand elle sera là je pourrai la télécharger en pdf ?",
            None,
        ),
        (
            ["utter_login_problem"],
            "et si ça fait genre 4 ans que je suis pas venu ?",
            "account_purged",
        ),
        (["utter_login_problem"], "et si ma dernière connexion date de plusieurs années ?", None),
        (["utter_login_problem"], "et si ça fait 2 ans ?", None),
        (["utter_forgot_password"], "j'étais pas venu depuis très longtemps", "account_purged"),
        # A new account after the password's help, whatever « supprimé » makes the NLU read.
        (
            ["action_send_password_email"],
            "et si le compte a été supprimé je recrée comment ?",
            "recreate_account",
        ),
        (["utter_login_problem"], "je refais un compte alors ?", "recreate_account"),
        (["action_send_password_email"], "je refais la demande", None),
        (
            ["utter_find_invoices"],
            "et pour la commande d'hier, elle y est déjà ?",
            "invoice_timing",
        ),
        (["utter_invoices_list"], "ma dernière commande n'apparaît pas", "invoice_timing"),
        (["utter_opening_hours_intro"], "et pour la commande d'hier ?", None),
        (["utter_log_out"], "c'est où exactement ce bouton ? je le vois pas", "where_exactly"),
        (["utter_manage_addresses"], "je trouve pas", "where_exactly"),
        (["utter_manage_addresses"], "oui mais concrètement je clique où ?", "where_exactly"),
        (["utter_log_out"], "je comprends pas", "where_exactly"),
        (["utter_change_password"], "cé ou exactemen ??", "where_exactly"),
        (
            ["utter_steps_again", "utter_find_invoices"],
            "Pardon, je n'ai pas bien compris, vous pouvez répéter où il faut cliquer ?",
            "where_exactly",
        ),
        # Where, with why (13 words).
        (
            ["action_answer_invoices", "utter_invoices_list"],
            "Je ne sais pas faire pour la télécharger, le bouton il est où ?",
            "where_exactly",
        ),
        (
            ["utter_invoices_list"],
            "Je l'ai commandée il y a trois jours, c'est normal ?",
            "invoice_timing",
        ),
        (["utter_greet"], "c'est où exactement ?", None),
        (["utter_log_out"], "où se trouve votre entrepôt pour venir chercher une commande ?", None),
    ],
)
def test_follow_ups_read_with_what_the_bot_just_said(previous, text, expected):
    assert follow_up(previous, text) == expected


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (
            ["utter_personal_data_on_file"],
            "je voudrais la changer, je fais comment ?",
            "personal_data_change",
        ),
        # « en » and an anglicism: another address, after the addresses on file.
        (["utter_addresses_on_file"], "ok et comment j'en add une nouvelle ?", "addresses_change"),
        # A new value in words (a name has no pattern), after the steps.
        (
            ["utter_update_personal_data", "utter_personal_data_on_file"],
            "le nouveau c'est Durand-Roux",
            "change_it_yourself",
        ),
        (["utter_addresses_on_file"], "comment je peux les modifier ?", "addresses_change"),
        (["utter_no_address_on_file"], "et pour la rectifier ?", "addresses_change"),
        (
            ["utter_personal_data_on_file"],
            "je veux en changer, je fais comment ?",
            "personal_data_change",
        ),
        # Another thing named: a question of its own.
        (["utter_personal_data_on_file"], "et le mot de passe, je peux le changer ?", None),
        # Nothing shown just before.
        (["utter_greet"], "je voudrais la changer", None),
    ],
)
def test_a_change_of_what_was_just_shown(previous, text, expected):
    assert follow_up(previous, text) == expected


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (["utter_address_at_checkout"], "et si je déménage après ?", "addresses_change"),
        (["utter_create_account"], "et en cas de changement d'adresse ?", "addresses_change"),
        (["utter_greet"], "et si je déménage après ?", None),
        (
            ["action_send_password_email"],
            "super. et pour le compte de ma femme ?",
            "reset_for_another_account",
        ),
        (["utter_password_email_sent"], "et mon autre compte ?", "reset_for_another_account"),
        (["utter_find_invoices"], "et pour le compte de ma femme ?", None),
        (
            ["utter_find_invoices", "utter_invite_login"],
            "pas connecté, mon numero client c'est C5012233, vous pouvez pas me la donner ?",
            "login_needed",
        ),
        (["utter_find_invoices"], "mon numero client c'est C5012233", None),
    ],
)
def test_follow_ups_on_the_object_of_the_previous_answer(previous, text, expected):
    assert follow_up(previous, text) == expected


def test_a_person_surely_asked_for_is_no_follow_up():
    text = "bizarre j'ai commandé hier pourtant, je peux parler à quelqu'un ?"
    assert follow_up(["utter_find_invoices"], text) == "invoice_timing"
    assert follow_up(["utter_find_invoices"], text, "request_human") is None
    # The line's own follow-ups stay: « et le samedi, je peux parler à quelqu'un ? »
    assert follow_up(["action_phone_handover"], "et le samedi ?", "request_human") == (
        "weekend_hours"
    )


@pytest.mark.parametrize(
    "previous, text, topic, expected",
    [
        # Another address, after the address asked at checkout or the addresses shown.
        (["utter_address_at_checkout"], "et si j'en veux une 2e après ?", None, "addresses_change"),
        (
            ["utter_addresses_on_file"],
            "je veux en ajouter une pour l'atelier de mon mari",
            "update_personal_data",
            "addresses_change",
        ),
        (["utter_greet"], "je veux en ajouter une", None, None),
        # Still failing after the steps or the reset e-mail: the phone line.
        (["utter_update_personal_data"], "et si ça marche pas ?", None, "phone"),
        (["utter_password_email_sent"], "et si ça marche pas ?", None, "phone"),
        (["utter_greet"], "et si ça marche pas ?", None, None),
        (
            ["utter_manage_addresses"],
            "c'est exactement ce que je fais !!! ça marche pas votre truc",
            "affirm",
            "phone",
        ),
        (["utter_manage_addresses"], "ça enregistre toujours pas", None, "phone"),
        # The password's link is on the personal data's page.
        (
            ["utter_update_personal_data"],
            "et le password aussi c'est là ?",
            "change_password",
            "password_too",
        ),
        (["utter_update_personal_data"], "et si j'ai oublié mon mot de passe ?", None, None),
        # « pareil » names the steps just given, whatever topic the NLU reads.
        (
            ["utter_change_password"],
            "et sur mon téléphone c'est pareil ?",
            "update_personal_data",
            "where_exactly",
        ),
        (
            ["utter_change_password"],
            "et mon téléphone, je le change où ?",
            "update_personal_data",
            None,
        ),
    ],
)
def test_follow_ups_of_session_24s_twelfth_set(previous, text, topic, expected):
    assert follow_up(previous, text, topic) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("je croyais que les comptes de plus de 3 ans étaient supprimés ?", True),
        ("mon compte a été effacé parce que je ne venais plus depuis des années ?", True),
        ("je veux que mon compte soit supprimé, je ne m'en sers plus depuis 5 ans", False),
        ("je voudrais que mon compte soit fermé, ça fait longtemps que je commande plus", False),
        ("mon compte est supprimé ?", False),
        # Surprised that it was: why.
        (
            "on m'a envoyé un mail qui dit que mon compte a été supprimé, comment ça se fait ???",
            True,
        ),
        ("pourquoi mon compte a été fermé ?", True),
        ("je veux savoir pourquoi vous voulez que mon compte soit supprimé", False),
        ("pourquoi je ne peux pas supprimer mon compte ?", False),
    ],
)
def test_a_question_about_the_purge_of_inactive_accounts(text, expected):
    assert asks_about_the_purge(text) is expected


def test_a_weekend_wish_after_the_phone_line_is_no_follow_up():
    assert follow_up(["action_phone_handover"], "merci, bon week-end") is None
    assert follow_up(["action_phone_handover"], "et le week-end ?") == "weekend_hours"


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        # Right after the e-mail went out: the address corrected, whatever else is said.
        (
            ["action_send_password_email"],
            "ah non pardon c'est nadia.benali@free.fr, j'ai oublié un e",
            "nadia.benali@free.fr",
        ),
        # The same one, typed again (session 28): sent again, never « pour quelle demande ? ».
        (["action_send_password_email"], "Nadia.Benali@fre.fr", "nadia.benali@fre.fr"),
        (["action_send_password_email"], "a@b.fr ou c@d.fr", None),  # which one?
        (["utter_greet"], "c'est nadia.benali@free.fr", None),  # no e-mail just sent
        # Later (after « merci »), only when the message says the address was wrong.
        (
            ["utter_youre_welcome", EARLIER_RESET_EMAIL],
            "ah non en fait je me suis trompé d'adresse, mon compte c'est avec nadia@free.fr",
            "nadia@free.fr",
        ),
        (
            ["utter_youre_welcome", EARLIER_RESET_EMAIL],
            "c'était pas la bonne adresse : nadia@free.fr",
            "nadia@free.fr",
        ),
        (["utter_youre_welcome", EARLIER_RESET_EMAIL], "mon mail c'est nadia@free.fr", None),
    ],
)
def test_the_reset_address_corrected(previous, text, expected):
    assert corrects_the_reset_address(previous, text, "nadia.benali@fre.fr") == expected
    assert corrects_the_reset_address(previous, text, None) is None


def test_the_path_given_again_is_the_latest_answer_with_steps():
    assert steps_given(["utter_anything_else", "utter_log_out", "utter_greet"]) == "utter_log_out"
    assert steps_given(["utter_greet"]) is None


def test_responses_sent_by_actions_count_as_what_the_bot_did():
    events = [
        ("user", None),
        ("bot", "utter_hours_weekend"),
        ("action", "action_repair"),
        ("user", None),
    ]
    assert recent_turns(reversed(events))[0] == ["action_repair", "utter_hours_weekend"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("bon tant pis, on arrête là, je ne me souviens plus de la 2e adresse", True),
        (
            "finalement non laissez tomber, en fait je cherchais juste où télécharger ma facture",
            True,
        ),
        ("j'abandonne", True),
        ("mon collègue a laissé un message hier mais je voudrais savoir si tant pis", False),
        ("c'est pour mon compte pro, je ne veux plus recevoir de mails de votre part", False),
    ],
)
def test_a_cancel_word_opening_a_long_message(text, expected):
    assert opens_with_cancel(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [("ok merci, bonne journée", False), ("d'accord au revoir", False), ("oui volontiers", True)],
)
def test_a_plain_yes_is_not_an_acknowledgement(text, expected):
    assert says_yes_plainly(text) is expected


def test_a_follow_up_may_explain_a_little():
    text = "et si j'ai plus acces a cette boite mail ? c'etait celle de mon ancien taf"
    assert follow_up(["utter_forgot_password"], text) == "mailbox_lost"


@pytest.mark.parametrize(
    "text",
    ["je voudrais la changer, je fais comment ?", "et pour le numéro de téléphone, même endroit ?"],
)
def test_asking_for_the_same_path_again(text):
    assert follow_up(["utter_update_personal_data"], text) == "where_exactly"
    assert follow_up(["utter_greet"], text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("et ça rouvre quand exactement ?", True),
        ("sinon je peux pas simplement me refaire un compte ?", True),
        ("c'est où ?", True),
        ("ok donc je refais un compte, c'est où ?", True),
        # Answers, even with a question mark.
        ("oui mais c'est où ?", False),
        ("non merci ?", False),
        ("exactement", False),
        ("pourquoi pas", False),
        ("quand vous voulez", False),
        ("par mail ou par courrier", False),
        ("comment je fais pour le lien", True),
        ("ah ben non alors je confirme pas, je récupère d'abord toutes les factures", False),
    ],
)
def test_a_question_at_a_yes_no_question(text, expected):
    assert asks_a_question(text) is expected


@pytest.mark.parametrize(
    "previous, text",
    [
        (["utter_find_invoices"], "d'accord, et je vois ça dans quelle rubrique déjà ?"),
        (["utter_invoice_when_shipped"], "et je vois ça dans quelle rubrique ?"),
        (["utter_update_personal_data"], "c'est dans quel onglet déjà ?"),
        (["utter_login_problem"], "le bouton il est en bas de la page c'est ça ?"),
        (["utter_update_personal_data"], "c'est en bas à gauche ou à droite le bouton ?"),
        (["utter_manage_addresses"], "comment j'en rajoute une ?"),
        (["utter_log_out"], "je fais comment ?"),
    ],
)
def test_where_on_the_page_after_steps(previous, text):
    assert follow_up(previous, text) == "where_exactly"


@pytest.mark.parametrize(
    "topic, expected",
    [
        # The NLU is sure of another topic: a new question.
        ("create_account", None),
        # The same topic as the steps given, or not an account topic: the same steps.
        ("login_problem", "where_exactly"),
        ("affirm", "where_exactly"),
        (None, "where_exactly"),
        # No path on the site for these: not another topic with steps.
        ("request_human", "where_exactly"),
        ("opening_hours", "where_exactly"),
    ],
)
def test_where_about_another_topic_is_a_new_question(topic, expected):
    previous = ["utter_account_purged"]
    assert follow_up(previous, "ok donc je refais un compte, c'est où ?", topic) == expected


@pytest.mark.parametrize("text", ["et ça rouvre quand ?", "c'est fermé quand ?"])
def test_reopening_after_hours_is_an_hours_follow_up(text):
    assert follow_up(["utter_handover_closed"], text) == "hours"


def test_the_previous_turn_of_a_split_message_is_all_of_its_questions():
    events = [
        ("user", None),
        ("action", "action_answer_invoices"),
        ("bot", "utter_find_invoices"),
        ("split", None),  # the message's second question
        ("bot", "utter_opening_hours_intro"),
        ("user", None),  # the follow-up being read
    ]
    assert recent_turns(reversed(events))[0] == [
        "utter_opening_hours_intro",
        "utter_find_invoices",
        "action_answer_invoices",
    ]


def test_a_split_question_itself_reads_what_was_said_to_the_question_before_it():
    events = [("user", None), ("bot", "utter_hours_weekend"), ("user", None)]
    events += [("bot", "utter_log_out"), ("split", None)]
    assert recent_turns(reversed(events))[0] == ["utter_log_out"]


# Session 22, from the sixth blind conversation set.
@pytest.mark.parametrize(
    "text, expected",
    [
        ("bon oubliez, j'appellerai plutôt", True),
        ("oubliez ça", True),
        ("non c'est bon, j'appellerai plutôt", True),
        ("vous oubliez mon numéro client", False),
        ("j'ai oublié mon mot de passe", False),
    ],
)
def test_forget_it_cancels(text, expected):
    assert wants_to_cancel(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Ah, si je perds l'historique des factures, alors non, oubliez ma demande.", True),
        ("je ne sais plus laquelle c'était, tant pis, laissez tomber", True),
        (
            "Je voulais faire le ménage dans mes comptes, mais mon patron va repasser commande. "
            "Donc non, on laisse tomber pour l'instant, ne supprimez rien.",
            True,
        ),
        ("laissez tomber la suppression, où sont mes factures ?", False),
        ("je veux annuler une commande, où sont mes factures ?", False),
    ],
)
def test_a_cancel_closing_a_long_message(text, expected):
    assert closes_with_cancel(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("au cas où je reviens", False),
        ("si je reviens plus tard", False),
        ("bon je reviens", True),
        ("je dois retrouver mon 2e courriel, je reviens plus tard", False),
    ],
)
def test_coming_back_later_is_no_resume(text, expected):
    assert wants_to_resume(text) is expected


@pytest.mark.parametrize(
    "text",
    [
        "et si j'ai perdu l'accès à cette adresse ?",
        "le souci c'est que sa boîte mail a été fermée par l'informatique",
        "mon adresse mail est désactivée",
    ],
)
def test_more_ways_to_say_the_mailbox_is_lost(text):
    assert follow_up(["utter_forgot_password"], text) == "mailbox_lost"


def test_the_reset_offer_asked_again_is_still_password_help():
    previous = ["utter_resume", "utter_ask_wants_reset_email", "password_email_form"]
    assert follow_up(previous, "et si j'ai perdu l'accès à cette adresse ?") == "mailbox_lost"


@pytest.mark.parametrize(
    "text",
    ["ok je les appelle où ?", "ok je peux les appeler maintenant ?", "on les joint comment ?"],
)
def test_calling_the_advisers_just_mentioned(text):
    assert follow_up(["utter_mailbox_lost", "utter_handover_open"], text) == "phone"
    assert follow_up(["utter_log_out"], text) is None


def test_saying_one_will_call_is_no_question():
    assert follow_up(["utter_handover_open"], "ok merci je vais les appeler") is None


@pytest.mark.parametrize(
    "text, expected",
    [("ok merci, a lundi", True), ("à demain alors", True), ("à la prochaine", True)],
)
def test_see_you_later_is_a_goodbye(text, expected):
    assert says_goodbye(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("vous bossez le samedi au service client ?", True),
        ("ouvert le dimanche ?", True),
        ("et les jours fériés ?", True),
        ("est-ce que votre service client est ouvert le lundi de Pâques ?", True),
        ("vous êtes ouverts le 14 juillet ?", True),
        ("vous ouvrez à quelle heure ?", False),
        # A wish, not a question.
        ("merci, bon week-end", False),
        ("très bon dimanche à vous", False),
        ("bon week-end, vous ouvrez le samedi ?", True),
    ],
)
def test_an_hours_question_naming_the_weekend(text, expected):
    assert names_the_weekend(text) is expected


CHANGE = "change_it_yourself"


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (["utter_update_personal_data"], "la nouvelle c'est s.perrin@gmail.com", CHANGE),
        (["utter_update_personal_data"], "mon nouveau numéro : 06 45 12 78 90", CHANGE),
        (
            ["utter_update_personal_data"],
            "C'est le 079 123 45 67, vous pouvez le mettre à jour vous-même ?",
            CHANGE,
        ),
        (["utter_update_personal_data"], "mon gsm c'est le 0470 12 34 56", CHANGE),
        (["utter_manage_addresses"], "c'est 12 rue des Lilas 69003 Lyon maintenant", CHANGE),
        (["utter_log_out"], "la nouvelle c'est s.perrin@gmail.com", None),
        (["utter_update_personal_data"], "merci", None),
    ],
)
def test_a_new_value_after_the_steps_to_change_it(previous, text, expected):
    assert follow_up(previous, text) == expected


# Session 22, from the seventh blind conversation set.
@pytest.mark.parametrize(
    "text",
    ["combien de temps ?", "je le recois quand le mail ?", "je le recois dans combien de temps ?"],
)
def test_how_long_the_reset_e_mail_takes(text):
    assert follow_up(["action_send_password_email"], text) == "reset_email_delay"
    assert follow_up(["utter_log_out"], text) is None


def test_not_received_comes_before_how_long():
    text = "toujours rien reçu, ça prend combien de temps ?"
    assert follow_up(["action_send_password_email"], text) == "reset_email_not_received"


@pytest.mark.parametrize(
    "text, expected",
    [
        # When the address goes in, asked after the creation steps: at the basket.
        ("faut mettre mon adresse tout de suite ?", "address_at_checkout"),
        ("je dois donner mon adresse dès l'inscription ?", "address_at_checkout"),
        # The e-mail address is the account's identifier, not the basket's.
        ("faut mettre mon adresse mail tout de suite ?", None),
    ],
)
def test_when_the_address_goes_in_after_the_creation_steps(text, expected):
    assert follow_up(["utter_create_account"], text) == expected
    assert follow_up(["utter_log_out"], text) is None


def test_the_delivery_address_after_the_account_creation_steps():
    text = "et l'adresse de livraison je la mets où ?"
    assert follow_up(["utter_create_account"], text) == "address_at_checkout"
    assert follow_up(["utter_log_out"], text) is None
    # A question of its own, the second of a split message: not a follow-up.
    other = "est-ce que je peux enregistrer plusieurs adresses de livraison ?"
    assert follow_up(["utter_create_account"], other) is None


@pytest.mark.parametrize("text", ["et sur mobile ?", "et depuis mon portable ?"])
def test_on_a_phone_the_steps_are_the_same(text):
    assert follow_up(["utter_log_out"], text) == "where_exactly"


def test_the_same_for_another_field():
    assert follow_up(["utter_update_personal_data"], "et pour le mail aussi ?") == "where_exactly"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("non pas l'adresse de livraison, mon adresse mail", "update_personal_data"),
        ("l'adresse de livraison, pas le mail", "manage_addresses"),
        ("le mail et la livraison", None),
    ],
)
def test_a_negated_option_is_not_chosen(text, expected):
    assert choice(text, ["manage_addresses", "update_personal_data"]) == expected


def test_no_access_to_this_mail_after_the_reset_offer():
    assert (
        follow_up(["utter_forgot_password"], "et si j'ai plus accès à ce mail ?") == "mailbox_lost"
    )


@pytest.mark.parametrize(
    "previous",
    [
        ["utter_reset_email_delay", "action_repair"],
        ["utter_password_email_resent", "action_repair"],
    ],
)
def test_not_received_after_the_answers_about_the_reset_e_mail(previous):
    assert follow_up(previous, "et si je le reçois pas ?") == "reset_email_not_received"


def test_the_other_order_after_the_invoices():
    assert follow_up(["action_answer_invoices"], "et l'autre commande ?") == "invoice_timing"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("et l'adresse de livraison ?", "address_at_checkout"),
        ("l'adresse de livraison il faut la redonner ?", "address_at_checkout"),
        (
            "et pour recréer un compte je dois redonner mon adresse de livraison ?",
            "address_at_checkout",
        ),
        ("et je peux enregistrer plusieurs adresses de livraison ?", None),
    ],
)
def test_the_delivery_address_asked_about_after_the_creation_steps(text, expected):
    assert follow_up(["utter_create_account"], text) == expected
    assert follow_up(["utter_account_purged"], text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "et si j'ai changé d'adresse mail entre-temps ?",
        "et si le collègue avait changé le mail du compte et qu'on n'y a plus accès ?",
    ],
)
def test_a_changed_mailbox_after_the_password_help(text):
    assert follow_up(["utter_forgot_password"], text) == "mailbox_lost"


@pytest.mark.parametrize(
    "previous, text",
    [
        (["utter_manage_addresses"], "même chose pour la facturation ?"),
        (["utter_update_personal_data"], "et mon tel aussi du coup c'est pareil ?"),
    ],
)
def test_the_same_for_another_field_said_otherwise(previous, text):
    assert follow_up(previous, text) == "where_exactly"


@pytest.mark.parametrize(
    "text, kind",
    [
        ("Et le numéro de téléphone du compte, c'est au même endroit ?", "personal_data_too"),
        ("et mon e-mail, je le change où exactement ?", "personal_data_too"),
    ],
)
def test_a_personal_detail_after_the_addresses_steps(text, kind):
    assert follow_up(["utter_manage_addresses"], text) == kind


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Et avez-vous des SKF 6305-2Z en stock, il nous en faut 40.", True),
        ("je voudrais vous retourner un roulement", True),
        ("ma commande est arrivée", False),
    ],
)
def test_asks_for_something(text, expected):
    assert asks_for_something(text) is expected


def test_where_a_parcel_is_is_no_question_about_the_site():
    text = "ma commande est tjrs pas arrivée, elle est où ???"
    assert follow_up(["utter_forgot_password"], text) is None
    assert follow_up(["utter_forgot_password"], "c'est où exactement ?") == "where_exactly"


@pytest.mark.parametrize(
    "previous, text, kind",
    [
        (["utter_invoices_list"], "pas expédiée ?", "invoice_timing"),
        (
            ["utter_personal_data_on_file"],
            "je veux la changer, la nouvelle c'est marie.durand69@gmail.com",
            "change_it_yourself",
        ),
        (
            ["utter_personal_data_on_file"],
            "je voudrais la changer, je fais comment ?",
            "personal_data_change",
        ),
        (
            ["utter_login_problem"],
            "même si j'ai pas remis les pieds sur le site depuis 2020 ?",
            "account_purged",
        ),
        (
            ["utter_forgot_password"],
            "Le souci c'est que l'adresse mail de l'époque n'existe plus, c'était celle de mon "
            "ancien boulot",
            "mailbox_lost",
        ),
        (["utter_find_invoices"], "Ok et ça se voit où après ?", "where_exactly"),
        (
            ["utter_create_account"],
            "Et l'adresse où je veux être livré, je la donne à quel moment ?",
            "address_at_checkout",
        ),
        (["action_send_password_email"], "j'ai tjrs rien 🙁", "reset_email_not_received"),
        (["utter_change_password"], "et si je l'ai oublié ?", "forgot_current_password"),
        (
            ["utter_change_password"],
            "non non je l'ai pas oublié, je le connais, je veux juste en mettre un autre",
            None,
        ),
    ],
)
def test_follow_ups_of_session_26(previous, text, kind):
    assert follow_up(previous, text) == kind


def test_a_goodbye_after_the_hours_is_no_follow_up():
    done = ["utter_opening_hours_intro"]
    assert follow_up(done, "Bon, je vous téléphone lundi alors. Merci bien, au revoir") is None


def test_the_delivery_address_when_re_creating_an_account():
    text = "et pour recréer un compte je dois redonner mon adresse de livraison ?"
    assert follow_up(["utter_greet"], text) == "address_at_checkout"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("non pas le mot de passe, l'identifiant", True),
        ("pas la livraison, le mail", True),
        ("non pas maintenant", False),
        ("pas maintenant, je verrai plus tard", False),
        ("non merci", False),
        ("non pas besoin d'e-mail, je vais me débrouiller", False),
        ("non pas de message, merci", False),
    ],
)
def test_the_subject_corrected_is_not_a_no(text, expected):
    assert corrects_the_subject(text) is expected


@pytest.mark.parametrize(
    "text, wanted",
    [
        ("Y a-t-il un humain qui peut me répondre ?", True),
        ("y a un humain dispo pour m'aider avec mon compte ?", True),
        ("il y a quelqu'un avec qui je peux parler ?", True),
        ("vous êtes un robot ?", False),
        ("y a-t-il un humain qui tape ces réponses ou c'est automatique ?", False),
        ("il y a quelqu'un derrière l'écran ?", False),
    ],
)
def test_a_question_about_people_may_ask_for_one(text, wanted):
    assert wants_a_person("bot_challenge", text) is wanted
    assert not wants_a_person("request_human", text)  # already a request: the rules


DECLINED = ["utter_no_problem", "action_send_password_email", "password_email_form"]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("en fait si, envoyez-le moi svp", "reset_email_after_all"),
        ("finalement oui je veux bien", "reset_email_after_all"),
        ("ah si si, envoyez le lien", "reset_email_after_all"),
        ("non merci", None),
        ("bonne journée", None),
    ],
)
def test_a_declined_reset_offer_may_be_taken_right_after(text, kind):
    assert follow_up(DECLINED, text) == kind


def test_a_cancelled_reset_request_may_be_taken_up_right_after():
    cancelled = ["action_send_password_email", "utter_form_cancelled"]
    text = "bon finalement si, envoyez le à claudine.petitjean@orange.fr"
    assert follow_up(cancelled, text) == "reset_email_after_all"


def test_another_question_after_ah_si_is_no_change_of_mind():
    text = "ah si, une dernière chose : je me déconnecte comment ?"
    assert follow_up(DECLINED, text, "log_out") is None
    assert follow_up(DECLINED, "ah si si, envoyez-le", None) == "reset_email_after_all"


def test_after_all_needs_the_declined_offer_just_before():
    assert follow_up(["utter_no_problem"], "en fait si") is None


ADDRESS_STEPS = ["utter_manage_addresses", "utter_anything_else"]


@pytest.mark.parametrize(
    "text, kind",
    [
        ("et pour le numero de tel ?", "personal_data_too"),
        ("et mon mail ?", "personal_data_too"),
        ("et mon portable ?", "personal_data_too"),
        ("Et le numéro de téléphone que vous avez, c'est lequel ?", "personal_data_too"),
        ("et votre numéro de téléphone ?", None),
        ("je peux vous appeler au téléphone ?", None),
        ("merci beaucoup", None),
    ],
)
def test_own_data_named_after_the_addresses_is_personal_data(text, kind):
    assert follow_up(ADDRESS_STEPS, text) == kind


def test_the_delay_asked_after_the_not_received_answer_is_the_reset_email_s():
    done = ["password_email_form", "utter_reset_email_not_received", "utter_handover_closed"]
    assert follow_up(done, "ça prend combien de temps normalement ?") == "reset_email_delay"


@pytest.mark.parametrize(
    "previous, text, kind",
    [
        (["action_send_password_email"], "ça prend cb de temps ?", "reset_email_delay"),
        (
            ["utter_forgot_password"],
            "et si j'ai plus accès à la boite mail ? c'était celle de mon ancien taf",
            "mailbox_lost",
        ),
        (
            ["action_send_password_email"],
            "oups je crois que je l'ai effacé sans faire exprès",
            "reset_email_not_received",
        ),
        (["utter_invite_login"], "je vous ai donné mon numéro pourtant", "login_needed"),
        (["utter_login_needed"], "mais je vous donne mon numéro, ça suffit pas ?", "login_needed"),
        (
            ["utter_invoice_when_shipped"],
            "mon numéro client c'est C1000001, vous pouvez me les lister ?",
            "login_needed",
        ),
        (["action_answer_invoices"], "et la CMD-240392 elle est ou sa facture ?", None),
        (
            ["utter_reset_email_not_received"],
            "Et si je n'ai plus accès à cette boîte aux lettres ? C'était l'adresse de mon "
            "ancien travail à la mairie, je suis à la retraite depuis longtemps.",
            "mailbox_lost",
        ),
        (
            ["leave_message_form", "utter_ask_message_email"],
            "vous rouvrez quand exactement ?",
            "hours",
        ),
        (
            ["utter_change_password"],
            "non vous m'avez mal comprise, je l'ai pas oublié, je le connais tres bien. je veux "
            "juste en mettre un plus sécurisé, un vrai avec des chiffres",
            None,
        ),
        (
            ["utter_forgot_password"],
            "Et si le courrier électronique n'arrive jamais ?",
            "reset_email_not_received",
        ),
        (
            ["utter_forgot_password"],
            "ca met cmb de temps a arriver ton mail ?",
            "reset_email_delay",
        ),
        (
            ["action_send_password_email"],
            "Et une fois que j'ai cliqué dans le mail, je fais quoi ?",
            "reset_steps",
        ),
        (["utter_find_invoices", "utter_anything_else"], "non c'est pas ça", "not_that"),
        (["utter_manage_addresses"], "vous m'avez mal compris", "not_that"),
        (["utter_find_invoices"], "non c'est pas ça, je parlais de mon adresse", None),
        ([], "non c'est pas ça", None),
        (["utter_invoices_list"], "et la 2e commande ?", "orders_again"),
        (["utter_invoices_list"], "et celle de mars ?", "orders_again"),
        (["utter_find_invoices"], "et la 2e commande ?", None),  # no list shown
        (["utter_addresses_on_file"], "et celle de livraison ?", "addresses_again"),
        (
            ["utter_addresses_on_file"],
            "et je change celle de livraison comment ?",
            None,
        ),
        (["utter_manage_addresses"], "et celle de livraison ?", None),
        (["utter_greet"], "je vous ai donné mon numéro pourtant", None),
    ],
)
def test_follow_ups_of_the_fourteenth_blind_set(previous, text, kind):
    assert follow_up(previous, text) == kind


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (
            ["utter_manage_addresses", "utter_anything_else"],
            "et je pourrai la choisir pour ma prochaine commande ?",
            "manage_addresses",
        ),
        (["action_answer_addresses"], "et je la choisis comment ?", "manage_addresses"),
        # Neither topic was just answered: the clarification stands.
        (["utter_find_invoices"], "et je pourrai la choisir ?", None),
        # A long message is its own question.
        (
            ["utter_manage_addresses"],
            "bon alors en fait je voudrais savoir si je pourrai la choisir moi-même pour "
            "la prochaine commande que je passerai chez vous",
            None,
        ),
    ],
)
def test_topic_in_play(previous, text, expected):
    options = ("manage_addresses", "change_password")
    assert topic_in_play(previous, options, text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Je préfère refaire la demande de suppression pour être tranquille.", True),
        ("effacez mon compte", True),
        ("comment supprimer une adresse de livraison ?", False),
        ("c'est bien pris en compte ?", False),
        ("vous êtes fermés ? ma demande est urgente", False),
    ],
)
def test_names_the_deletion(text, expected):
    assert names_the_deletion(text) is expected


@pytest.mark.parametrize(
    "text, wanted",
    [
        ("jpeu parlé a qqn ?", True),
        ("un conseiller svp", True),
        ("donnez moi le numero direct au lieu de tourner en rond", True),
        ("jpeu changé mon mdp ?", False),
    ],
)
def test_a_person_asked_for_in_words_the_nlu_could_not_read(text, wanted):
    assert wants_a_person("nlu_fallback", text) is wanted


def test_adding_what_was_missing_after_no_address_on_file():
    assert follow_up(["utter_no_address_on_file"], "ah bon ? je l'ajoute où alors") == (
        "addresses_change"
    )


def test_how_long_in_english_after_the_reset_email():
    assert follow_up(["action_send_password_email"], "how long does it take ?") == (
        "reset_email_delay"
    )


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (
            ["utter_login_needed", "utter_invite_login"],
            "bon et les miennes alors ?",
            "orders_again",
        ),
        (
            ["action_answer_invoices"],
            "et celles de mon autre compte, le C1000003 ?",
            "login_needed",
        ),
        (["action_answer_invoices"], "et la CMD-240392 elle est ou sa facture ?", None),
    ],
)
def test_own_or_another_accounts_invoices_after_the_invoices(previous, text, expected):
    assert follow_up(previous, text) == expected


def test_forgetting_the_current_password_said_with_its_story():
    """« ah non mais en fait je m'en rappelle plus du tout de l'ancien, c'est bien ça le
    probleme » after the change-password steps: 21 words, the forgetting still the point."""
    text = (
        "ah non mais en fait je m'en rappelle plus du tout de l'ancien, c'est bien ça le probleme"
    )
    assert follow_up(["utter_change_password"], text) == "forgot_current_password"
    # Long enough, the message is its own question again.
    story = f"{text}, et puis j'ai aussi des soucis avec mes factures et mes adresses de livraison"
    assert follow_up(["utter_change_password"], story) is None


@pytest.mark.parametrize(
    "text", ["la derniere fois ca devait etre en 2019", "vers 2015 je crois", "en 2020 je pense"]
)
def test_a_year_long_ago_after_the_password_help(text):
    assert follow_up(["utter_login_problem"], text) == "account_purged"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("non j'prefere appeler quelqu'un, c quoi le numero ?", True),
        ("je peux joindre quelqu'un par téléphone ?", True),
        ("c'est quoi votre numéro ?", True),
        ("quel est le numéro pour vous appeler", True),
        ("c quoi le numero client ?", False),
        ("quel est mon numéro client ?", False),
        ("le numéro de commande c'est quoi ?", False),
        # In English (blind53).
        ("I want a real person", True),
        ("can I talk to a human please", True),
        # Québec's « caller » (blind56).
        ("je peux-tu caller quelqu'un à soir ?", True),
    ],
)
def test_a_person_asked_for_by_the_line(text, expected):
    assert asks_for_someone(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ça marche pas votre truc la", True),
        ("jkdf le truc il veut po", True),
        ("mais le truc la il marche po je vous dis", True),
        ("ça bug encore", True),
        ("votre site marche pas", False),
        ("le paiement marche pas", False),
        ("je veux pas", False),
        ("mon colis n'arrive pas", False),
    ],
)
def test_a_complaint_that_names_nothing(text, expected):
    assert names_nothing(text) is expected


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (
            ["action_answer_invoices", "utter_invoices_list"],
            "et l'autre commande ?",
            "orders_again",
        ),
        (
            ["action_answer_invoices", "utter_invoices_list"],
            "c'est bien la seule commande que j'ai sur ce compte là ?",
            "orders_again",
        ),
        (["action_answer_invoices", "utter_invoices_list"], "où ça", "where_exactly"),
        (
            ["action_answer_invoices", "utter_invoices_list"],
            "je la vois pas dans mon espace client, c'est ou exactement ?",
            "where_exactly",
        ),
        (["utter_manage_addresses", "action_answer_addresses"], "comment ?", "where_exactly"),
        # Another thing named after one's own invoices: no where-exactly.
        (
            ["action_answer_invoices", "utter_invoices_list"],
            "et pour l'adresse mail de son compte, vous pouvez mettre la mienne ?",
            None,
        ),
    ],
)
def test_follow_ups_after_ones_own_data_listed(previous, text, expected):
    assert follow_up(previous, text) == expected


def test_of_two_paths_given_the_one_the_message_names():
    previous = ["utter_change_password", "utter_log_out"]
    ranking = [
        {"name": "forgot_password", "confidence": 0.41},
        {"name": "change_password", "confidence": 0.31},
    ]
    assert steps_given(previous, "pour le mdp c'est dans quel onglet ?", ranking) == (
        "utter_change_password"
    )
    assert steps_given(previous) == "utter_change_password"
    assert steps_given(["utter_log_out", "utter_change_password"]) == "utter_log_out"


def test_nothing_typed_but_punctuation_names_nothing():
    assert names_nothing("?") and names_nothing("...")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("non en fait non. et pour l'adresse, je peux en avoir plusieurs ?", True),
        ("euh non... enfait oui, allez-y", False),
        ("non pas besoin du mail, je vais cliquer sur le lien moi-même", True),
        ("non pas besoin de l'e-mail. merci", True),
        ("non ça va pas de message. comment je supprime mon compte alors", True),
        ("non mais c'est où ?", False),
        ("non", False),
        # « attendez » after the no: still only a no (blind60).
        ("en fait non attendez, je veux juste changer mon adresse de livraison", True),
        ("non pardon, c'est pour mon adresse", True),
    ],
)
def test_a_plain_no_first(text, expected):
    assert opens_with_a_plain_no(text) is expected


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        (
            ["utter_invoice_when_shipped"],
            "vous pouvez pas me l'envoyer par mail avant l'expedition ? c urgent",
            "invoice_timing",
        ),
        (
            ["utter_manage_addresses"],
            "et c bien celle la qui sera utilisée pour ma prochaine commande ??",
            "address_at_checkout",
        ),
        (
            ["utter_no_address_on_file"],
            "donc c'est bien celle que je tape au moment du panier qui sera utilisée ?",
            "address_at_checkout",
        ),
        (
            ["utter_delete_account", "utter_delete_account_offer"],
            "ah. je peux les telecharger avant ?",
            "invoices_before_deletion",
        ),
        (["utter_login_problem"], "la derniere fois ca remonte a 2019", "account_purged"),
    ],
)
def test_follow_ups_of_session_28s_sets(previous, text, expected):
    assert follow_up(previous, text) == expected


def test_the_same_reset_address_typed_again_is_sent_again():
    done = ["action_send_password_email"]
    assert corrects_the_reset_address(
        done, "pardon : jp.lefevre@free.fr", "jp.lefevre@free.fr"
    ) == ("jp.lefevre@free.fr")


@pytest.mark.parametrize(
    "text",
    [
        "Dans ce cas je préfère d'abord télécharger mes factures. N'ouvrez aucune demande pour "
        "le moment, je reviendrai vers vous.",
    ],
)
def test_putting_it_off_closes_the_message(text):
    assert closes_with_cancel(text)


def test_comment_alone_after_a_path_whatever_the_nlu_guesses():
    previous = ["utter_manage_addresses", "utter_addresses_on_file"]
    assert follow_up(previous, "comment ?", "create_account") == "where_exactly"
    assert follow_up(previous, "comment je crée un compte ?", "create_account") is None


def test_no_address_on_file_asked_in_a_checkout_story():
    text = (
        "Bonjour, je refais une commande et le site me demande une adresse, j'en ai pas "
        "d'enregistrée sur mon compte ?"
    )
    assert own_data_asked(text) == "manage_addresses"


def test_session_28s_last_sets():
    assert takes_it_back("alors je n'ai pas deux comptes, j'en ai qu'un seul !")
    assert asks_for_someone("passe moi qqn")
    previous = ["utter_update_personal_data", "utter_manage_addresses"]
    assert follow_up(previous, "vous pouvez pas le faire pour moi ?") == "change_it_yourself"
    later = (
        "et pour ce que je disais sur le mot de passe, comment je fais si j'ai plus accès à la "
        "boite mail de l'époque ?"
    )
    assert follow_up(["utter_find_invoices"], later, "forgot_password") == "mailbox_lost"
    assert follow_up(["utter_find_invoices"], later, None) is None


def test_the_reset_email_not_received_said_later_names_the_email():
    later = with_memory(["utter_you_are_welcome"], "t.garnier@sfr.fr")
    text = "ça fait 10 min et toujours rien reçu pour le mail de tout à l'heure"
    assert follow_up(later, text) == "reset_email_not_received"
    # Without the e-mail named, « toujours rien » may be about anything else.
    assert follow_up(later, "je trouve pas mes factures, toujours rien") is None
    # Without a reset e-mail sent, no memory of one.
    assert follow_up(with_memory(["utter_you_are_welcome"], None), text) is None


@pytest.mark.parametrize(
    "text, topic, expected",
    [
        (
            "bonjour je voudrais me connecter mais mon compte est avec mon ancienne adresse mail "
            "club-internet qui n'existe plus",
            "login_problem",
            "mailbox_lost",
        ),
        (
            "ça fait 3 fois que je clique sur mot de passe oublié et je reçois jamais rien",
            "forgot_password",
            "reset_email_not_received",
        ),
        ("j'ai oublié mon mot de passe", "forgot_password", None),
        (
            "Je n'arrive pas à me connecter, mon numéro client est C1000002 et mon mail "
            "jean.martin@example.com",
            "login_problem",
            None,
        ),
        # Without the reset read, the words alone are no follow-up.
        ("je reçois jamais rien quand je clique", None, None),
    ],
)
def test_said_with_the_reset_itself(text, topic, expected):
    assert follow_up([], text, topic) == expected


def test_session_29_wordings():
    # A yes said in full inside a long message.
    assert explicit_yes_or_no(
        "écoutez ça fait moins de trois ans, alors oui envoyez-moi cet e-mail ce sera plus simple"
    )
    assert explicit_yes_or_no(
        "j'ai essayé d'appeler, bon oui je veux bien laisser un message plutôt que de rappeler"
    )
    assert asks_for_the_reset_email("ok send me the reset link")
    # « réexpliquer » the steps; « jai rien » in the mailbox after the reset e-mail.
    assert follow_up(["utter_log_out"], "vous pouvez réexpliquer ?") == "where_exactly"
    sent = ["action_send_password_email", "utter_password_email_sent"]
    assert follow_up(sent, "jai rien dans mes mails") == "reset_email_not_received"


def test_a_value_corrected_in_the_same_message():
    text = "c julien.moreau@gmail.com euh non pardon c julien.moreau42@orange.fr"
    emails = ["julien.moreau@gmail.com", "julien.moreau42@orange.fr"]
    assert corrected_to(text, emails) == "julien.moreau42@orange.fr"
    assert corrected_to("a@b.fr et c@d.fr", ["a@b.fr", "c@d.fr"]) is None
    assert corrected_to("a@b.fr", ["a@b.fr"]) is None


@pytest.mark.parametrize(
    "previous, text, topic, expected",
    [
        # The reset e-mail slow: how long it takes, asked as why.
        (
            ["utter_reset_email_not_received"],
            "comment ca se fait que ca prenne autant de temps ?",
            None,
            "reset_email_delay",
        ),
        # The answer asked again.
        (["utter_manage_addresses"], "vous pouvez repeter ?", None, "where_exactly"),
        (["action_phone_handover"], "j'ai pas noté, encore une fois svp", None, "phone"),
        # What a deletion takes away, asked at its confirmation.
        (
            ["utter_delete_account", "utter_ask_confirm_deletion"],
            "ca depend, je perds mes factures ?",
            "find_invoices",
            "deletion_warning",
        ),
        (
            ["utter_delete_account", "utter_ask_confirm_deletion"],
            "euh ca depend, c'est definitif ?",
            None,
            "deletion_warning",
        ),
        # Keeping them first is the invoices' answer.
        (
            ["utter_delete_account"],
            "je peux télécharger mes factures avant ?",
            None,
            "invoices_before_deletion",
        ),
        # The older invoices: the list, or where they all are.
        (["utter_find_invoices"], "et pour les anciennes ?", None, "orders_again"),
        (["utter_find_invoices"], "et les anciennes factures alors", None, "orders_again"),
        (["utter_find_invoices"], "et mes anciennes adresses ?", None, None),
        # The delivery address given at checkout, changed or added to later.
        (
            ["utter_address_at_checkout"],
            "et apres je pourrais la changer ?",
            None,
            "addresses_change",
        ),
        (
            ["utter_manage_addresses"],
            "ok et je peux en avoir plusieurs ?",
            None,
            "addresses_change",
        ),
        # The identifier asked, in any turn.
        (["utter_login_problem"], "c'est quoi mon identifiant du coup", None, "identifier"),
        (["utter_change_password"], "c koi mon login ?", "login_problem", "identifier"),
        # Asked first, the log-in help answers it.
        ([], "c koi mon login ?", "login_problem", None),
        (["utter_forgot_password"], "mon identifiant c'est quoi ?", None, "identifier"),
        (["utter_forgot_password"], "j'ai oublié mon identifiant et mon mot de passe", None, None),
        # At the confirmation asked again after an aside: the warning again.
        (
            ["utter_resume", "utter_ask_confirm_deletion"],
            "euh ca depend, c'est definitif ?",
            None,
            "deletion_warning",
        ),
        # The deletion asked another way.
        (
            ["utter_delete_account", "utter_delete_account_offer"],
            "et je peux le faire par mail plutot ?",
            None,
            "deletion_by_form",
        ),
        # The invoices without logging in.
        (["utter_find_invoices"], "et si je suis pas connecté ?", "login_problem", "login_needed"),
        (
            ["utter_invoice_when_shipped"],
            "et pourquoi vous me la montrez pas direct ici ?",
            None,
            "login_needed",
        ),
        # Why the account was deleted.
        (
            ["utter_login_problem"],
            "pourquoi mon compte serait supprimé ?? c'est normal ??",
            "delete_account",
            "account_purged",
        ),
    ],
)
def test_follow_ups_of_session_30s_sets(previous, text, topic, expected):
    assert follow_up(previous, text, topic) == expected


@pytest.mark.parametrize(
    "text, rest",
    [
        (
            "bon laissez tomber je vais plutot me refaire un compte, comment on fait ?",
            "je vais plutot me refaire un compte, comment on fait ?",
        ),
        ("annulez, je préfère appeler", "je préfère appeler"),
        ("laissez tomber", ""),
        ("je voudrais mes factures", ""),
    ],
)
def test_the_words_after_a_cancel(text, rest):
    assert after_the_cancel(text) == rest


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        # A word of the path just given, asked about: the path again, step by step.
        (["utter_find_invoices"], "c'est quoi l'encart de gauche ?", "where_exactly"),
        (["utter_update_personal_data"], "c'est quoi un onglet", "where_exactly"),
        (["utter_forgot_password"], "réinitialiser ça veut dire quoi exactement", "where_exactly"),
        (
            ["utter_find_invoices"],
            "ah ok. et expédition ça veut dire quand c'est livré ?",
            "where_exactly",
        ),
        # The rest of the path, and logging in first.
        (["utter_create_account"], "et ensuite ?", "where_exactly"),
        (["utter_manage_addresses"], "faut que je me connecte avant ?", "where_exactly"),
        (["utter_forgot_password"], "et je clique sur quoi dans le mail", "reset_steps"),
        # The deletion's warning stays in play while the deletion asks its questions.
        (
            ["action_opening_hours", "utter_ask_delete_account_form_email"],
            "pour revenir a la suppression, mes factures je les perds alors ?",
            "deletion_warning",
        ),
        (
            ["utter_delete_account", "utter_delete_account_offer"],
            "définitive ça veut dire que je pourrai pas le récupérer après ?",
            "deletion_warning",
        ),
        (
            ["utter_delete_account", "utter_delete_account_offer"],
            "je peux récupérer mes factures avant ?",
            "invoices_before_deletion",
        ),
        # « enregistrée » is no wish to save the invoices.
        (
            ["utter_ask_confirm_deletion"],
            "juste une question avant, mon adresse de livraison elle est toujours enregistrée ?",
            None,
        ),
        # Someone else's details refused: « et les miennes ? » asks for the customer's own.
        (["utter_out_of_scope"], "et les miennes alors, c'est quoi ?", "personal_data_mine"),
        (["utter_out_of_scope"], "et le mien c'est lequel ?", "personal_data_mine"),
        # After a value given for no request, the turn before's topic (blind24: invoices).
        (
            ["utter_inform_unexpected", "earlier:action_answer_invoices"],
            "bon et les miennes alors ?",
            "orders_again",
        ),
    ],
)
def test_follow_ups_found_in_session_31s_conversations(previous, text, expected):
    assert follow_up(previous, text, None) == expected


@pytest.mark.parametrize(
    "text, topic",
    [
        ("ok. pour revenir au nom, le bouton est à gauche ou à droite ?", "update_personal_data"),
        ("revenons à mes factures, je la télécharge où ?", "find_invoices"),
        ("pour revenir à l'adresse de livraison, c'est où ?", "manage_addresses"),
        ("pour revenir à mon adresse mail, je la change où ?", "update_personal_data"),
        ("pour revenir au mot de passe, le mail il s'appelle comment ?", None),
        ("je veux revenir à la page d'accueil", None),
    ],
)
def test_an_earlier_topic_taken_up_by_its_name(text, topic):
    assert back_to_topic(text) == topic


@pytest.mark.parametrize(
    "text, expected",
    [
        ("je peux laisser un message du coup", True),
        ("en fait oui je veux bien laisser un message", True),
        ("je veux pas laisser de message", False),
        ("non pas de message", False),
    ],
)
def test_a_message_for_the_advisers_asked_for_in_words(text, expected):
    assert wants_to_leave_a_message(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("vous gardez un compte combien de temps sans connexion ?", True),
        ("combien de temps avant qu'un compte inactif soit effacé ?", True),
        ("ça prend combien de temps ?", False),
        # Years, and an old account that no longer works.
        ("au moins 4 ans je pense, et mon ancien compte ne marche plus du tout", True),
        ("mon ancien compte ne marche plus", False),
    ],
)
def test_how_long_an_unused_account_is_kept_is_the_purges_question(text, expected):
    assert asks_about_the_purge(text) is expected


def test_the_reset_email_asked_for_anyway():
    assert asks_for_the_reset_email("bon envoyez moi quand meme le mail")


def test_a_question_before_the_message_puts_it_off():
    assert puts_the_message_off("attendez avant d'écrire mon message, je change mon tel où ?")
    assert not puts_the_message_off("Bonjour, mon adresse ne s'enregistre pas, rappelez-moi")


@pytest.mark.parametrize(
    "text, intent, topic",
    [
        ("mettez mon nouveau numéro 06 71 82 93 04 svp", None, "update_personal_data"),
        (
            "Mettez 4 rue du Port 44100 Nantes comme adresse de livraison svp",
            None,
            "manage_addresses",
        ),
        ("can you update it stp : 14 rue Crébillon 44000 Nantes", None, "manage_addresses"),
        ("mettez marie.durand69@gmail.com a la place stp", None, "update_personal_data"),
        (
            "Pouvez-vous la remplacer par contact@durand.fr ?",
            "manage_addresses",
            "update_personal_data",
        ),
        # No change asked of the bot, or no new value.
        ("merci de me rappeler au 06 12 34 56 78", None, None),
        ("envoyez le mail à a@b.fr", None, None),
        ("comment je change mon numéro de téléphone ?", None, None),
    ],
)
def test_a_change_of_data_asked_of_the_bot(text, intent, topic):
    assert change_asked_of_the_bot(text, intent) == topic


@pytest.mark.parametrize(
    "text, topic",
    [
        ("Quel numéro de téléphone avez-vous pour moi ?", "update_personal_data"),
        ("c koi le mail ke vs avez pr moi", "update_personal_data"),
        ("mon adress c'est tjrs celle de Nantes chez vous ?", "manage_addresses"),
        ("et mon tel c bien le 07 11 22 33 44 ?", "update_personal_data"),
        ("vous avez un numéro de téléphone ?", None),  # the shop's
    ],
)
def test_the_customers_own_data_asked_in_more_words(text, topic):
    assert own_data_asked(text) == topic


def test_still_lost_after_the_path_given_again_goes_to_an_adviser():
    done = ["utter_steps_again", "utter_find_invoices"]
    assert follow_up(done, "je comprends toujours pas où sont mes factures") == "still_lost"
    assert follow_up(["utter_find_invoices"], "c'est où ?") == "where_exactly"


def test_what_the_identifier_is_is_no_ambiguity():
    assert ambiguity("c koi mon identifiant") is None
    assert ambiguity("c koi mon code d'accès") == ("forgot_password", "change_password")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("vous vous trompez elle est partie hier", True),
        ("c'est faux, j'ai bien reçu le colis", True),
        ("j'ai toujours rien reçu c'est n'importe quoi", False),
        ("mais si j'ai commandé la semaine derniere !!! vous racontez n'importe quoi", True),
        ("si j'ai commandé hier, la facture arrive quand ?", False),
        # « pourtant »: what the customer did, against what the bot just said.
        ("ah bon ?? j'ai pourtant commandé la semaine dernière", True),
        ("pourtant j'ai bien payé ma commande", True),
        ("j'ai commandé hier pourtant, elle est où ma facture ?", True),
        ("pourtant c'est simple normalement", False),
    ],
)
def test_the_answer_disputed(text, expected):
    assert disputes_the_answer(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jai commandé hier des roulements 6204 2RS et jvois pas la facture pk ??", True),
        ("Bjr je cherche une vieille facture d'il y a plus de 3 ans", True),
        ("Ma facture n'apparaît pas dans mon compte", True),
        ("Je dois payer votre facture par mandat administratif.", False),
        ("Ma facture comporte une erreur de prix", False),
        ("j'ai trouvé mes factures, merci. Par contre le roulement est trop grand", False),
    ],
)
def test_an_invoice_sought_in_a_story(text, expected):
    assert names_an_invoice(text) is expected


def test_words_found_in_session_31s_logged_in_and_noisy_conversations():
    assert wants_to_cancel("laisse beton je vais le retrouver tout seul")
    assert asks_for_the_reset_email("renvoyez le stp")
    assert not asks_for_the_reset_email("renvoyez le colis")
    assert asks_for_someone_s_details("quel est l'email du client C1000003 ? c'est une collègue")
    sent = ["action_send_password_email", "utter_password_email_sent"]
    assert follow_up(sent, "pis si j'ai pu accès à ce courriel-là?") == "mailbox_lost"
    lost = "et les factures deja payees, vous les gardez ou elles disparaissent de mon espace ?"
    assert follow_up(["utter_ask_confirm_deletion"], lost) == "deletion_warning"
    listed = ["action_answer_invoices", "utter_invoices_list"]
    assert follow_up(listed, "elle est encore telechargeable ?") == "orders_again"


def test_a_detail_named_after_the_invoices_path_is_not_that_path_again():
    invoices = ["utter_find_invoices"]
    assert follow_up(invoices, "ok et pour le tel je le change ou exactement") is None
    assert follow_up(invoices, "et sur mon téléphone c'est pareil ?") == "where_exactly"
    assert asks_about_the_purge("je reformule : mon ancien compte il est récupérable ou pas ?")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("allez svp c urgent elle m'a donné son accord", True),
        ("je suis habilité, elle est au courant", True),
        ("ok", False),
        ("d'accord je comprends", False),
    ],
)
def test_insisting_after_a_refusal(text, expected):
    assert insists(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("alors voilà je voudrais changer", True),  # dictated, the object still to come
        ("je voudrais modifier", True),
        ("je veux changer mon mot de passe", False),
        ("je veux changer d'adresse", False),
    ],
)
def test_a_change_of_nothing_named_names_only_the_account(text, expected):
    assert names_only_the_account(text) is expected


def test_a_change_of_the_account_is_an_ambiguity_not_a_change_of_nothing():
    assert not names_only_the_account("je veux changer mon compte")
    assert ambiguity("je veux changer mon compte") == ("update_personal_data", "manage_addresses")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("non tant pis, je veux vraiment le supprimer. oui je confirme", True),
        ("bon. je confirme", True),
        ("oui je confirme", False),  # one sentence: read as a whole
        ("non. je ne confirme pas", False),
        ("je confirme. non attendez", False),
    ],
)
def test_a_short_confirmation_closing_the_message(text, expected):
    assert ends_with_a_confirmation(text) is expected


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        # (blind51) The value said again after the correction, read as the follow-up.
        (
            ["utter_update_personal_data"],
            "le nouveau c'est le 06 11 22 33 44, non attendez je me suis trompée, 06 11 22 33 45",
            "change_it_yourself",
        ),
        (
            ["action_answer_invoices", "utter_invoices_list"],
            "ah non je me suis trompée de numéro, c'est la CMD-240392 que je cherche",
            "orders_again",
        ),
        # Nothing after the correction: no follow-up.
        (["utter_update_personal_data"], "ah non je me suis trompée", None),
    ],
)
def test_a_follow_up_that_corrects_itself(previous, text, expected):
    assert follow_up(previous, text) == expected


@pytest.mark.parametrize("text", ["elle est de quand ?", "elle date de quand", "de quelle date ?"])
def test_the_date_of_an_invoice_just_listed(text):
    """The list holds each order's date (blind52)."""
    assert follow_up(["action_answer_invoices", "utter_invoices_list"], text) == "orders_again"


def test_a_correction_of_no_value_is_read_as_it_is():
    """« ah non j'ai pas le temps d'appeler, on reprend ici » at the message offer: no value
    corrected, so not re-read after « ah non » (blind29)."""
    assert after_a_self_correction("ah non j'ai pas le temps d'appeler, on reprend ici") is None
    assert after_a_self_correction("06 11 22 33 44, non attendez, 06 11 22 33 45") == (
        "06 11 22 33 45"
    )


def test_preferring_to_call_for_the_number_pauses_rather_than_cancels():
    """« je préfère appeler en fait, c'est quoi le numéro ? »: the request waits for « on
    reprend » (blind29); « je préfère rappeler lundi » drops it (blind53)."""
    assert not wants_to_cancel("je préfère appeler en fait, c'est quoi le numéro ?")
    assert wants_to_cancel("non finalement je prefere rappeler lundi")


@pytest.mark.parametrize(
    "text, expected",
    [
        ("euh attendez, si je perds les factures c'est embetant pour le fisc... non alors", True),
        ("non en fait attends, je dois encore commander la semaine prochaine, on laisse", True),
        ("oui je confirme, non mais vraiment", False),  # insists
        ("oui, je veux bien, merci", False),
        ("non", False),  # one piece: read as a whole
        ("on laisse un message ?", False),
    ],
)
def test_a_short_refusal_closing_the_message(text, expected):
    assert ends_with_a_refusal(text) is expected


@pytest.mark.parametrize(
    "previous, expected",
    [
        (["action_open_deletion_ticket", "utter_form_cancelled"], "delete_account_form"),
        (["action_send_password_email", "utter_form_cancelled"], PASSWORD_FORM),
        (["action_open_deletion_ticket", "utter_deletion_not_requested"], "delete_account_form"),
        # Sent, not cancelled; or cancelled a turn earlier.
        (["action_send_password_email", "utter_password_email_sent"], None),
        (
            with_memory(
                ["utter_greet"], None, ["action_send_password_email", "utter_form_cancelled"]
            ),
            None,
        ),
    ],
)
def test_the_flow_the_previous_turn_cancelled(previous, expected):
    assert cancelled_flow(previous) == expected


@pytest.mark.parametrize(
    "text, form, expected",
    [
        ("finalement on reprend, c'est hugo.garnier@gmail.com", "delete_account_form", True),
        ("ok envoyez le mail alors", PASSWORD_FORM, True),
        ("ok envoyez le mail alors", "delete_account_form", False),
        ("on reprend", None, False),
        ("où est ma facture ?", PASSWORD_FORM, False),
    ],
)
def test_what_takes_a_flow_up_again(text, form, expected):
    assert resumes(text, form) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "oui, dites leur que j'ai jamais recu la facture de mardi",
            "j'ai jamais recu la facture de mardi",
        ),
        ("ok : merci de me rappeler lundi matin", "merci de me rappeler lundi matin"),
        (
            "oui le message c'est que je veux fusionner mes comptes",
            "que je veux fusionner mes comptes",
        ),
        ("oui", None),
        ("oui je veux bien", None),
        ("oui merci", None),
    ],
)
def test_a_yes_to_the_offer_with_the_message(text, expected):
    assert yes_with_the_message(text) == expected


@pytest.mark.parametrize(
    "previous, text, expected",
    [
        # A recent order named to ask about its parcel, not its invoice.
        (
            ["action_answer_invoices", "utter_anything_else"],
            "ah non je voulais dire la livraison, ma commande d'hier elle arrive quand ?",
            None,
        ),
        (["action_answer_invoices"], "et le colis d'hier il arrive quand ?", None),
        # … and still its invoice when the invoice is named.
        (["action_answer_invoices"], "et la facture de ma commande d'hier ?", "invoice_timing"),
        # Waiting for the shipping, checked.
        (
            ["action_answer_invoices", "utter_anything_else"],
            "ok donc faut attendre que ce soit expédié c ça ?",
            "invoice_timing",
        ),
        (
            ["action_answer_invoices"],
            "donc une fois qu'elle est expédiée je l'aurai ?",
            "invoice_timing",
        ),
        # The change asked of the bot, without « même ».
        (
            ["utter_update_personal_data", "action_answer_personal_data", "utter_anything_else"],
            "vous pouvez pas le faire vous ?",
            "change_it_yourself",
        ),
        # The same change for a personal detail: that detail's own path, not the one given.
        (["utter_change_password", "utter_anything_else"], "pareil pour mon adresse mail", None),
        (["utter_update_personal_data"], "pareil pour mon adresse mail", "where_exactly"),
        # A new account named after the account's creation: no address changed.
        (
            ["utter_create_account", "utter_anything_else"],
            "non j'ai pas de probleme de double compte, je veux juste en creer un nouveau",
            None,
        ),
        (["utter_create_account"], "et après je pourrai la changer ?", "addresses_change"),
        # « ça arrive quand ? » right after the reset's steps: the e-mail.
        (
            ["utter_forgot_password", "action_prefill_form_slots", "password_email_form"],
            "merci, ça arrive quand ?",
            "reset_email_delay",
        ),
        (["utter_forgot_password", "password_email_form"], "ma commande arrive quand ?", None),
        # The two accounts' answer gives the line: calling asked about.
        (
            ["duplicate_accounts_form", "action_open_duplicate_ticket"],
            "et si j'appelle il faut que j'aie quoi sous la main ?",
            "phone",
        ),
        # … and a request for the number, after that request was cancelled, is a request.
        (
            ["duplicate_accounts_form", "action_open_duplicate_ticket"],
            "c'est quoi votre numéro de tel déjà ?",
            None,
        ),
        # A goodbye that says when the customer will call, in Belgian French.
        (["action_opening_hours"], "ok merci, je vous téléphone tantôt alors. à la revoyure", None),
    ],
)
def test_follow_ups_of_session_34s_conversations(previous, text, expected):
    assert follow_up(previous, text) == expected


@pytest.mark.parametrize("text", ["à tantôt", "bonne fin de journée à vous", "allez à la revoyure"])
def test_regional_and_longer_goodbyes(text):
    assert says_goodbye(text)


@pytest.mark.parametrize(
    "confidence, text, expected",
    [
        (0.6, "Pardon, vous pouvez répéter où il faut cliquer ?", None),
        (0.74, "Je fais comment", None),
        (0.6, "je suis nouveau chez vous, je fais comment ?", "create_account"),
        (0.9, "Je fais comment", "create_account"),
        (0.3, "je veux créer un compte", None),
    ],
)
def test_the_account_s_creation_is_sure_with_its_words(confidence, text, expected):
    assert sure_topic("create_account", confidence, text) == expected


def test_other_topics_are_sure_from_their_confidence():
    assert sure_topic("find_invoices", 0.55, "et pour la redire ?") == "find_invoices"


@pytest.mark.parametrize(
    "text, rest",
    [
        ("merci, ça arrive quand ?", "ça arrive quand ?"),
        ("ok merci", ""),
        ("Merci bcp. Et mes factures ?", "Et mes factures ?"),
        ("ça arrive quand ?", "ça arrive quand ?"),
    ],
)
def test_what_a_message_says_after_its_thanks(text, rest):
    assert after_the_thanks(text) == rest


@pytest.mark.parametrize(
    "text, expected",
    [
        ("D'accord, je me connecte alors. Merci, au revoir", True),
        ("ok je vais essayer, bonne journée", True),
        ("parfait je regarde ça tout de suite, merci au revoir", True),
        # A request, a failure or a question with the goodbye.
        ("je vais pas y arriver, au revoir", False),
        ("je me connecte alors ? merci au revoir", False),
        ("impossible de me connecter, merci au revoir", False),
        # No goodbye: no leaving.
        ("d'accord je me connecte alors", False),
    ],
)
def test_a_goodbye_after_a_plan(text, expected):
    assert leaves_with_a_plan(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("ok. et mes commandes ?", True),
        ("où je vois mes commandes passées ?", True),
        ("mes commandes", True),
        # A parcel, a cancel, a return: out of scope.
        ("et mes commandes elles arrivent quand ?", False),
        ("je veux annuler mes commandes", False),
        ("suivi de mes commandes", False),
    ],
)
def test_the_list_of_one_s_orders(text, expected):
    assert names_own_orders(text) is expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("je trouve pas celle de ma derniere commande", True),
        ("et la facture de ma dernière ?", True),
        ("et la commande d'hier elle y est déjà ?", False),
    ],
)
def test_the_last_order_named(text, expected):
    assert names_the_last_order(text) is expected


@pytest.mark.parametrize(
    "text, confidence, allowed",
    [
        ("peut etre, ca depend, on me repond quand ?", 0.49, False),
        ("ca marche pas sur le site", 0.49, True),
        ("jarrive pas a me co", 0.45, True),
        # Read clearly: allowed whatever the words.
        ("peut etre, ca depend, on me repond quand ?", 0.7, True),
    ],
)
def test_a_log_in_problem_needs_its_words_below_clear_login(text, confidence, allowed):
    assert words_allow("login_problem", confidence, text) is allowed


@pytest.mark.parametrize(
    "text, allowed",
    [
        # « finalement non, je vais garder le compte » at a deletion: one account kept.
        ("je vais garder le compte", False),
        ("je garde mon compte finalement", False),
        ("j'ai deux comptes, je veux garder le plus récent", True),
        ("j'ai créé un 2e compte par erreur", True),
    ],
)
def test_two_accounts_are_not_read_in_one_account_kept(text, allowed):
    assert words_allow("duplicate_accounts", 0.82, text) is allowed


@pytest.mark.parametrize(
    "text, expected",
    [
        ("je sais plus mon numéro client", True),
        ("aucune idée", True),
        ("je l'ai pas sous la main", True),
        ("jsp mon num client", True),
        ("euh je connais pas mon numéro, désolé", True),
        ("C1000004", False),
        ("mot de passe oublié", False),
        ("je sais plus quelle adresse mail j'ai utilisée pour le deuxième compte", False),
        ("je vais le chercher", False),
        # Where to find it asked, or another request (blind58, blind60, blind22).
        ("aucune idée de mon numéro client, il est où ?", False),
        ("je sais pas ou le trouver", False),
        ("je retrouve pas mes factures", False),
    ],
)
def test_the_customer_number_not_known(text, expected):
    assert forgets_the_number(text) is expected


def test_a_last_thing_about_a_second_address_is_no_order():
    """« attendez une dernière chose, je peux mettre une 2e adresse de livraison ? » after a
    goodbye that followed the orders listed: no order named (blind60)."""
    previous = [
        "utter_goodbye",
        EARLIER + "action_answer_invoices",
        EARLIER + "utter_invoices_list",
        EARLIER + "utter_anything_else",
    ]
    text = "attendez une dernière chose, je peux mettre une 2e adresse de livraison ?"
    assert follow_up(previous, text, "manage_addresses") is None
    assert follow_up(previous, "et la dernière ?", None) == "orders_again"


@pytest.mark.parametrize(
    "text, expected",
    [
        # After the customer's own orders: another account's are its owner's (blind59).
        ("et pour mon autre compte, celui de l'atelier ?", "other_own_account"),
        ("et sur l'autre compte ?", "other_own_account"),
        ("et mon autre compte je peux le regrouper avec celui-ci ?", None),
    ],
)
def test_the_same_data_of_another_account(text, expected):
    previous = ["action_answer_invoices", "utter_invoices_list", "utter_anything_else"]
    assert follow_up(previous, text, None) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("pfff. bon merci", True),
        ("bon ben merci quand même", True),
        ("merci", True),
        ("pff", False),
        ("merci mais c'est nul", False),
    ],
)
def test_only_thanks(text, expected):
    assert only_thanks(text) is expected


def test_the_identifier_corrected_at_the_reset_is_its_answer():
    """« non attendez c'est pas le mdp, c'est mon identifiant que je retrouve plus » after
    the reset's steps and offer: what the identifier is (blind59)."""
    previous = ["utter_forgot_password", "utter_ask_wants_reset_email"]
    text = "non attendez c'est pas le mdp, c'est mon identifiant que je retrouve plus"
    assert follow_up(previous, text, "forgot_password") == "identifier"


@pytest.mark.parametrize(
    "text, allowed",
    [
        # A story names no deletion (blind60).
        ("Mon fils m'avait fait un compte chez vous il y a des années", False),
        ("je veux désactiver mon compte", True),
        ("je veux plus de compte chez vous", True),
        ("fermez tout", True),
    ],
)
def test_a_deletion_read_unsurely_needs_its_words(text, allowed):
    assert words_allow("delete_account", 0.7, text) is allowed
    assert words_allow("delete_account", 0.9, text)
