"""Links beside a bot message (bot/domain/links.py): built by the actions, checked by the
web server before the widget sees them, kept with their text by the REST channel."""

import asyncio

import pytest

from bot.domain.account import Invoice, Order
from bot.domain.answers import invoice_links, orders_list
from bot.domain.links import link, links_payload, read_links_payload
from bot.rasa_ext.rest_channel import UtteranceCollector
from bot.web.chat import reply_json

PDF = "https://www.123roulement.com/mon-compte/factures/FA-240117.pdf"
ORDERS = [
    Order(
        number="CMD-240117",
        placed_at="2026-01-17T10:00:00+00:00",
        shipped_at="2026-01-19T10:00:00+00:00",
        total_eur="42.00",
        invoice=Invoice(number="FA-240117", issued_at="2026-01-19T10:00:00+00:00", url=PDF),
    ),
]


def test_a_payload_reads_back_as_it_was_built():
    payload = links_payload([link("Télécharger", PDF)], text="Voici vos commandes.")
    assert read_links_payload(payload) == {
        "links": [{"label": "Télécharger", "url": PDF}],
        "text": "Voici vos commandes.",
    }


@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "https://",
        "//evil.example/x",
        "https://www.123roulement.com/a b",
        42,
        None,
    ],
)
def test_only_web_links_pass(url):
    payload = {"type": "links", "links": [{"label": "Cliquez", "url": url}]}
    assert read_links_payload(payload) == {"links": [], "text": None}


@pytest.mark.parametrize(
    "custom",
    [None, "links", [], {"type": "html", "links": [{"label": "x", "url": PDF}]}, {"links": []}],
)
def test_other_payloads_are_not_links(custom):
    assert read_links_payload(custom) is None


def test_links_need_a_label_and_are_capped():
    payload = {"type": "links", "links": [{"label": " ", "url": PDF}, "x"] + [link("a", PDF)] * 30}
    assert len(read_links_payload(payload)["links"]) == 18


def test_invoices_get_a_named_download_each_and_a_list_without_urls():
    assert invoice_links(ORDERS) == [
        {"label": "Télécharger la facture FA-240117 (PDF)", "url": PDF},
    ]
    assert PDF in orders_list(ORDERS)
    assert PDF not in orders_list(ORDERS, with_urls=False)
    assert "FA-240117" in orders_list(ORDERS, with_urls=False)


def test_the_widget_gets_the_short_text_and_the_checked_links():
    reply = {
        "text": f"Voici vos commandes : {PDF}",
        "custom": links_payload(
            [link("Télécharger", PDF), link("Piège", "javascript:alert(1)")], text="Voici."
        ),
    }
    assert reply_json(reply) == {
        "text": "Voici.",
        "buttons": [],
        "links": [{"label": "Télécharger", "url": PDF}],
        "at": None,
        "closing": False,
    }
    assert reply_json({"text": "Bonjour", "custom": {"type": "html", "html": "<b>"}}) == {
        "text": "Bonjour",
        "buttons": [],
        "links": [],
        "at": None,
        "closing": False,
    }


def test_the_rest_channel_keeps_a_payload_with_its_text():
    collector = UtteranceCollector()
    payload = links_payload([link("Formulaire", PDF)])
    asyncio.run(collector.send_response("me", {"text": "Écrivez-nous.", "custom": payload}))
    asyncio.run(collector.send_response("me", {"text": "Un\n\nDeux"}))
    assert collector.messages == [
        {"recipient_id": "me", "text": "Écrivez-nous.", "custom": payload},
        {"recipient_id": "me", "text": "Un"},
        {"recipient_id": "me", "text": "Deux"},
    ]
