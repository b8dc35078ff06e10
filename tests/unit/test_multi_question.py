"""Two questions in one message (bot/rasa_ext/multi_question.py), with a stand-in NLU."""

import asyncio

import pytest

from bot.domain.repair import alternatives, clauses
from bot.rasa_ext.multi_question import once_anything_else, questions


class Agent:
    """Parses by keyword, like a very confident NLU; has the one response the channel reads."""

    domain = type("D", (), {"responses": {"utter_anything_else": [{"text": "Autre chose ?"}]}})

    def __init__(self, confidence: float = 0.95) -> None:
        self.confidence = confidence
        self.unsure: set = set()  # parts read as out of scope
        self.read_as: dict = {}  # texts read otherwise, with their parse

    async def parse_message(self, text: str) -> dict:
        if text in self.read_as:
            return self.read_as[text]
        topic = "find_invoices" if "facture" in text else "change_password"
        if text.lower() == "bonjour":
            topic = "greet"
        if text in self.unsure:
            return {"intent": {"name": "out_of_scope", "confidence": 0.6}}
        return {"intent": {"name": topic, "confidence": self.confidence}}


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "comment je change mon mot de passe et où sont mes factures ?",
            ["comment je change mon mot de passe", "où sont mes factures ?"],
        ),
        (
            "Bonjour. Je voudrais mes factures. Et comment changer mon mot de passe ?",
            ["Bonjour. Je voudrais mes factures.", "Et comment changer mon mot de passe ?"],
        ),
        (
            "je veux supprimer mon compte et mes données",
            ["je veux supprimer mon compte et mes données"],
        ),
        ("où est ma facture ? merci", ["où est ma facture ? merci"]),
        # SMS spelling of « comment ».
        (
            "jai oublié mon mdp et aussi cmt on change d adresse de livraison??",
            ["jai oublié mon mdp", "cmt on change d adresse de livraison??"],
        ),
        # « et aussi », « ainsi que » before a second request in the infinitive.
        (
            "je voudrais ajouter une adresse de facturation et aussi changer le numéro de GSM",
            ["je voudrais ajouter une adresse de facturation", "changer le numéro de GSM"],
        ),
        (
            "la modification de mon adresse de livraison ainsi qu'à l'ajout de mon numéro",
            ["la modification de mon adresse de livraison", "à l'ajout de mon numéro"],
        ),
        (
            "je voudrais ajouter et modifier une adresse de livraison",
            ["je voudrais ajouter et modifier une adresse de livraison"],
        ),
        (
            "deux choses : je voudrais ma dernière facture, et savoir quelle adresse vous avez",
            ["deux choses : je voudrais ma dernière facture", "savoir quelle adresse vous avez"],
        ),
        # Numbered « 2. », in words, « et ensuite », « then ».
        (
            "1. comment se deconnecter 2. comment modifier mon mot de passe",
            ["comment se deconnecter", "comment modifier mon mot de passe"],
        ),
        (
            "premierement je voudrais voir mes factures, deuxiemement modifier mon numero",
            ["premierement je voudrais voir mes factures", "deuxiemement modifier mon numero"],
        ),
        (
            "je veux le changer, et ensuite comment je me deconnecte ?",
            ["je veux le changer", "comment je me deconnecte ?"],
        ),
        (
            "first, c quoi les horaires, then comment je delete mon compte ?",
            ["first, c quoi les horaires", "comment je delete mon compte ?"],
        ),
        (
            "je veux récupérer ma facture puis supprimer mon compte",
            ["je veux récupérer ma facture", "supprimer mon compte"],
        ),
        # « et en plus », « et c'est quoi … »
        (
            "je ne retrouve plus la facture, et en plus je voulais savoir comment on se déconnecte",
            ["je ne retrouve plus la facture", "je voulais savoir comment on se déconnecte"],
        ),
        (
            "Comment créer un compte et c'est quoi vos horaires d'ouverture ?",
            ["Comment créer un compte", "c'est quoi vos horaires d'ouverture ?"],
        ),
        # « et au passage », SMS « c » for « c'est ».
        (
            "slt je trouve pas ma facture et au passage c combien le 6204-2RS ?",
            ["slt je trouve pas ma facture", "c combien le 6204-2RS ?"],
        ),
        # A list, inline or one item per line; its marks go.
        (
            "Bonjour, 3 choses svp : 1) changer mon mot de passe 2) modifier mon numéro de "
            "tel 3) supprimer une vieille adresse de facturation",
            [
                "Bonjour, 3 choses svp :",
                "changer mon mot de passe",
                "modifier mon numéro de tel",
                "supprimer une vieille adresse de facturation",
            ],
        ),
        (
            "bonjour\n1. changer mon mot de passe\n2. trouver mes factures",
            ["bonjour changer mon mot de passe", "trouver mes factures"],
        ),
        ("commande de 2 roulements 6204 - 2RS", ["commande de 2 roulements 6204 - 2RS"]),
        # A second wish with a reflexive verb (blind53).
        (
            "changer mon mot de passe puis me deconnecter",
            ["changer mon mot de passe", "me deconnecter"],
        ),
        # Thanks, then a request of its own after a comma; thanks alone stay whole (blind53).
        (
            "merci pour votre aide tout à l'heure, je voudrais maintenant supprimer mon compte",
            ["merci pour votre aide tout à l'heure", "je voudrais maintenant supprimer mon compte"],
        ),
        ("merci pour votre aide, c'est très clair", ["merci pour votre aide, c'est très clair"]),
        ("ok merci, je vais essayer", ["ok merci, je vais essayer"]),
        # Two words naming an account topic before another question; not two other words.
        (
            "mdp oublie sinon vous ouvrez a quelle heure lundi",
            ["mdp oublie", "vous ouvrez a quelle heure lundi"],
        ),
        ("re bonjour sinon vous ouvrez quand", ["re bonjour sinon vous ouvrez quand"]),
        # English « and » before a second request.
        (
            "I need to update my billing address and my phone number",
            ["I need to update my billing address", "my phone number"],
        ),
        ("bread and butter roulements 6204", ["bread and butter roulements 6204"]),
        # A short last clause asking for a person.
        (
            "la CMD-240392 j'en ai besoin pour lundi matin, je peux appeler qqn ?",
            ["la CMD-240392 j'en ai besoin pour lundi matin", "je peux appeler qqn ?"],
        ),
        ("bonjour, un conseiller svp", ["bonjour, un conseiller svp"]),
    ],
)
def test_clauses(text, expected):
    assert clauses(text) == expected


def test_two_confident_topics_are_two_questions():
    text = "comment je change mon mot de passe et où sont mes factures ?"
    split = asyncio.run(questions(Agent(), text))
    assert [part for part, _ in split] == clauses(text)
    # Each part comes with its parse, so that Rasa does not parse it again.
    assert [parse["intent"]["name"] for _, parse in split] == ["change_password", "find_invoices"]


def test_a_goodbye_after_a_plan_is_one_message():
    # « je me connecte alors » read alone is log-in trouble: with the goodbye, a plan.
    text = "D'accord, je me connecte alors. Merci, au revoir"
    agent = Agent()
    agent.read_as = {
        "D'accord, je me connecte alors.": {
            "intent": {"name": "login_problem", "confidence": 0.79}
        },
        "Merci, au revoir": {"intent": {"name": "goodbye", "confidence": 0.5}},
        text: {"intent": {"name": "goodbye", "confidence": 0.45}},
    }
    assert asyncio.run(questions(agent, text)) == [(text, None)]


class _Tracker:
    def __init__(self, loop, requested):
        self.active_loop_name = loop
        self.slots = {"requested_slot": requested}

    def get_slot(self, name):
        return self.slots.get(name)


class _Store:
    def __init__(self, tracker):
        self.tracker = tracker

    async def retrieve(self, sender):
        return self.tracker


@pytest.mark.parametrize(
    "loop, requested, split",
    [
        # The message for the agents is asked for: taken whole.
        ("leave_message_form", "message_text", False),
        # Anywhere else, two questions.
        ("leave_message_form", "email", True),
        (None, None, True),
    ],
)
def test_a_message_for_the_agents_is_never_split(loop, requested, split):
    text = "comment je change mon mot de passe et où sont mes factures ?"
    agent = Agent()
    agent.tracker_store = _Store(_Tracker(loop, requested))
    parts = asyncio.run(questions(agent, text, "sender"))
    assert (len(parts) == 2) is split


def test_one_s_own_detail_named_after_a_question_is_a_question():
    text = "comment je modifie mon adresse de livraison ? et mon numero de telephone aussi"
    agent = Agent()
    agent.read_as = {
        "comment je modifie mon adresse de livraison ?": {
            "intent": {"name": "manage_addresses", "confidence": 0.95}
        },
        "et mon numero de telephone aussi": {
            "intent": {"name": "update_personal_data", "confidence": 0.59}
        },
    }
    split = asyncio.run(questions(agent, text))
    assert [parse["intent"]["name"] for _, parse in split] == [
        "manage_addresses",
        "update_personal_data",
    ]


def test_parts_without_a_sure_question_go_with_the_question_before():
    text = (
        "Bonjour, je vous explique ma situation. Je cherche la facture de mars. "
        "Et je ne sais pas du tout où aller. Et comment je change mon mot de passe ?"
    )
    agent = Agent()
    agent.unsure = {
        "Bonjour, je vous explique ma situation.",
        "Et je ne sais pas du tout où aller.",
    }
    split = asyncio.run(questions(agent, text))
    assert [part for part, _ in split] == [
        "Bonjour, je vous explique ma situation. Je cherche la facture de mars. "
        "Et je ne sais pas du tout où aller.",
        "Et comment je change mon mot de passe ?",
    ]
    assert [parse["intent"]["name"] for _, parse in split] == ["find_invoices", "change_password"]
    assert split[0][1]["text"] == split[0][0]
    # Their rank, so that a follow-up reads what was said to both (recent_turns).
    assert [parse["split_part"] for _, parse in split] == [0, 1]


def test_a_question_offering_a_way_to_do_the_first_is_no_second_question():
    # The first sentence asks about invoices; the second, read whole as the password,
    # offers two ways, one of them the invoices: one question, one answer.
    second = "Est-ce que je dois changer de mot de passe ou je peux garder ma facture ?"
    text = f"Ma facture doit partir à l'ancienne adresse depuis mon déménagement. {second}"
    agent = Agent()
    agent.read_as[second] = {"intent": {"name": "change_password", "confidence": 0.95}}
    [(part, parse)] = asyncio.run(questions(agent, text))
    assert part == text and parse is None


def test_a_way_read_second_still_counts():
    # « je peux avoir deux adresses différentes » reads two accounts first, addresses second.
    second = "Est-ce que je dois créer un deuxième compte ou je peux avoir deux adresses ?"
    text = f"Ma facture doit partir à l'ancienne adresse depuis mon déménagement. {second}"
    agent = Agent()
    agent.read_as[second] = {"intent": {"name": "change_password", "confidence": 0.95}}
    agent.read_as["je peux avoir deux adresses"] = {
        "intent": {"name": "change_password", "confidence": 0.7},
        "intent_ranking": [
            {"name": "change_password", "confidence": 0.7},
            {"name": "find_invoices", "confidence": 0.25},
        ],
    }
    [(part, parse)] = asyncio.run(questions(agent, text))
    assert part == text


def test_a_question_out_of_scope_is_a_question_of_its_own():
    agent = Agent()
    oos = {"intent": {"name": "out_of_scope", "confidence": 0.95}}
    agent.read_as["Et le colis, il est où ?"] = oos
    agent.read_as["Je commence à m'impatienter."] = oos  # a remark: no question mark
    text = "Je cherche ma facture de mars. Je commence à m'impatienter. Et le colis, il est où ?"
    split = asyncio.run(questions(agent, text))
    assert [part for part, _ in split] == [
        "Je cherche ma facture de mars. Je commence à m'impatienter.",
        "Et le colis, il est où ?",
    ]
    assert [parse["intent"]["name"] for _, parse in split] == ["find_invoices", "out_of_scope"]


def test_a_short_call_for_help_is_no_question_out_of_scope():
    agent = Agent()
    agent.read_as["Vous pouvez m'aider ?"] = {"intent": {"name": "out_of_scope", "confidence": 0.9}}
    [(part, _)] = asyncio.run(
        questions(agent, "J'ai perdu ma facture de mars. Vous pouvez m'aider ?")
    )
    assert part == "J'ai perdu ma facture de mars. Vous pouvez m'aider ?"


def test_a_request_out_of_scope_is_a_question_of_its_own():
    agent = Agent()
    agent.read_as["Bonjour, je voudrais vous retourner un roulement défectueux"] = {
        "intent": {"name": "out_of_scope", "confidence": 0.9}
    }
    text = (
        "Bonjour, je voudrais vous retourner un roulement défectueux "
        "et ensuite changer mon mot de passe."
    )
    split = asyncio.run(questions(agent, text))
    assert [parse["intent"]["name"] for _, parse in split] == ["out_of_scope", "change_password"]


def test_questions_out_of_scope_alone_leave_the_message_whole():
    agent = Agent()
    agent.read_as["Vous vendez des 6204 ?"] = {
        "intent": {"name": "out_of_scope", "confidence": 0.95}
    }
    agent.unsure = {"Mon vieux compte, je sais plus."}
    [(part, parse)] = asyncio.run(
        questions(agent, "Mon vieux compte, je sais plus. Vous vendez des 6204 ?")
    )
    assert parse is None


def test_a_part_that_takes_the_request_back_is_no_question():
    # « non non pas 2 comptes ! » reads as the rejected topic; the message is one correction.
    text = "non non pas de mot de passe, pas ça ! je veux juste ma facture de mars"
    [(part, parse)] = asyncio.run(questions(Agent(), text))
    assert part == text


@pytest.mark.parametrize(
    "text, ways",
    [
        (
            "Est-ce que je dois créer un deuxième compte pour ça ou je peux avoir deux adresses ?",
            ["Est-ce que je dois créer un deuxième compte pour ça", "je peux avoir deux adresses"],
        ),
        ("par mail ou par courrier ?", ["par mail ou par courrier ?"]),
        ("je le fais moi-même ou c'est vous ?", ["je le fais moi-même ou c'est vous ?"]),
    ],
)
def test_alternatives(text, ways):
    assert alternatives(text) == ways


def test_one_sure_question_among_remarks_gives_the_message_its_topic():
    # « ah oui c'est vrai j'ai jamais commandé. Et mes adresses … ? »: read whole, the
    # remark pulls the message elsewhere; its one sure question says what is asked.
    text = "Ah oui j'ai jamais commandé. Et ma facture de mars, où est-elle ?"
    agent = Agent()
    agent.unsure = {"Ah oui j'ai jamais commandé."}
    agent.read_as[text] = {"intent": {"name": "create_account", "confidence": 0.44}}
    [(part, parse)] = asyncio.run(questions(agent, text))
    assert part == text and parse["intent"]["name"] == "find_invoices"
    assert parse["text"] == text and "split_part" not in parse


@pytest.mark.parametrize(
    "agent, text",
    [
        (Agent(confidence=0.5), "comment je change mon mot de passe et où sont mes factures ?"),
        (Agent(), "où est ma facture ? et la facture de mars ?"),  # one topic twice
        (None, "comment je change mon mot de passe et où sont mes factures ?"),
    ],
)
def test_otherwise_the_message_stays_whole(agent, text):
    assert asyncio.run(questions(agent, text)) == [(text, None)]


def test_anything_else_is_asked_once_after_the_last_answer():
    messages = [{"text": "A"}, {"text": "Autre chose ?"}, {"text": "B"}, {"text": "Autre chose ?"}]
    assert once_anything_else(messages, Agent()) == [messages[0], messages[2], messages[3]]


def test_are_you_a_robot_is_a_question_of_its_own():
    text = "t'es un robot ? et vous ouvrez à quelle heure ?"
    agent = Agent()
    agent.read_as["t'es un robot ?"] = {"intent": {"name": "bot_challenge", "confidence": 0.99}}
    agent.read_as["et vous ouvrez à quelle heure ?"] = {
        "intent": {"name": "opening_hours", "confidence": 0.99}
    }
    split = asyncio.run(questions(agent, text))
    assert [parse["intent"]["name"] for _, parse in split] == ["bot_challenge", "opening_hours"]


@pytest.mark.parametrize(
    "ask, reading",
    [
        # The story reads login_problem more surely than the request reads request_human.
        ("Y'a-tu quelqu'un de vrai qui peut m'aider?", "request_human"),
        # Without the words, a request for a person is no question of its own.
        ("Vous pouvez faire quelque chose?", None),
    ],
)
def test_a_person_asked_for_in_words_after_a_story_is_what_is_asked(ask, reading):
    """« Chu tanné, … ça marche pas. Y'a-tu quelqu'un de vrai qui peut m'aider ? »."""
    story = "Chu tanné, ça fait une heure que j'essaie pis ça marche pas."
    text = f"{story} {ask}"
    agent = Agent()
    agent.read_as[story] = {"intent": {"name": "login_problem", "confidence": 0.69}}
    agent.read_as[ask] = {"intent": {"name": "request_human", "confidence": 0.55}}
    agent.read_as[text] = {"intent": {"name": "login_problem", "confidence": 0.58}}
    [(part, parse)] = asyncio.run(questions(agent, text))
    assert part == text and (parse and parse["intent"]["name"]) == reading


def test_the_hours_asked_with_a_person_are_in_the_hand_over():
    """« vous avez pas un numéro de tel plutôt ? c'est ouvert là ? »: the hand-over gives
    the line, its hours and whether it is open now; the hours are not answered twice."""
    text = "vous avez pas un numero de tel plutot ? c'est ouvert la ?"
    agent = Agent()
    agent.read_as["vous avez pas un numero de tel plutot ?"] = {
        "intent": {"name": "request_human", "confidence": 0.9}
    }
    agent.read_as["c'est ouvert la ?"] = {"intent": {"name": "opening_hours", "confidence": 0.95}}
    agent.read_as[text] = {"intent": {"name": "request_human", "confidence": 0.84}}
    [(part, parse)] = asyncio.run(questions(agent, text))
    assert part == text and parse is None


def test_a_message_correcting_its_first_question_is_one_question():
    text = (
        "comment je modifie mon adresse... non en fait c'est mon adresse mail que je veux changer"
    )
    assert asyncio.run(questions(object(), text)) == [(text, None)]


@pytest.mark.parametrize(
    "text, parts",
    [
        # Québec's « pis », SMS « jai »: a second request.
        (
            "J'ai deux comptes client chez vous pis j'aimerais aussi changer mon mot de passe",
            ["J'ai deux comptes client chez vous", "j'aimerais aussi changer mon mot de passe"],
        ),
        (
            "yo le login marche plus et jai besoin de la facture",
            ["yo le login marche plus", "jai besoin de la facture"],
        ),
        # A second wish after « et » and a noun (not after an infinitive: one wish).
        (
            "je veux voir mes factures et ajouter une adresse de facturation",
            ["je veux voir mes factures", "ajouter une adresse de facturation"],
        ),
        (
            "je voudrais ajouter et modifier une adresse",
            ["je voudrais ajouter et modifier une adresse"],
        ),
    ],
)
def test_a_second_request_after_pis_jai_or_et_and_a_noun(text, parts):
    assert clauses(text) == parts


def test_a_generic_how_read_as_the_account_s_creation_is_no_question_of_its_own():
    text = (
        "mon ancien compte ne marche plus du tout depuis des années. "
        "En plus j'ai peut-être un autre mail. Je fais comment ?"
    )
    agent = Agent()
    agent.unsure = {"En plus j'ai peut-être un autre mail."}
    agent.read_as = {
        "mon ancien compte ne marche plus du tout depuis des années.": {
            "intent": {"name": "login_problem", "confidence": 0.72}
        },
        "Je fais comment ?": {"intent": {"name": "create_account", "confidence": 0.74}},
        text: {"intent": {"name": "nlu_fallback", "confidence": 0.4}},
    }
    split = asyncio.run(questions(agent, text))
    assert [parse["intent"]["name"] for _, parse in split] == ["login_problem"]
