from datetime import datetime
from zoneinfo import ZoneInfo

from bot.config import PhoneLine
from bot.domain.handover import handover_response

PARIS = ZoneInfo("Europe/Paris")


def test_open_line():
    line = PhoneLine(number="01 23 45 67 89")
    assert handover_response(datetime(2026, 11, 27, 10, tzinfo=PARIS), line) == {
        "response": "utter_handover_open",
        "phone": "01 23 45 67 89",
        "hours": "du lundi au vendredi de 8\u00a0h à 19\u00a0h",
    }


def test_closed_line_says_when_it_reopens():
    response = handover_response(datetime(2026, 11, 27, 19, tzinfo=PARIS), PhoneLine())
    assert response == {
        "response": "utter_handover_closed",
        "phone": "02 808 18 02",
        "hours": "du lundi au vendredi de 8\u00a0h à 19\u00a0h",
        "reopening": "lundi 30 novembre à 8\u00a0h",
    }
