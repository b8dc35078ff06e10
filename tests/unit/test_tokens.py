import time

import jwt
import pytest

from bot.config import TokenSettings
from bot.domain.tokens import (
    InvalidToken,
    customer_from_metadata,
    issue_token,
    verified_customer,
    verified_metadata,
    verify_token,
)

SETTINGS = TokenSettings(secret="s" * 40)
NOW = time.time()


def forged(**overrides) -> str:
    claims = {
        "sub": "C1000001",
        "iss": SETTINGS.issuer,
        "aud": SETTINGS.audience,
        "iat": int(NOW),
        "exp": int(NOW) + 600,
    }
    claims.update(overrides)
    secret = claims.pop("secret", SETTINGS.secret)
    algorithm = claims.pop("alg", "HS256")
    return jwt.encode(
        {k: v for k, v in claims.items() if v is not None}, secret, algorithm=algorithm
    )


def test_round_trip():
    assert verify_token(issue_token("C1000001", SETTINGS), SETTINGS) == "C1000001"


@pytest.mark.parametrize(
    "token",
    [
        forged(secret="another-secret-of-forty-characters-xxxxxx"),  # forged signature
        forged(exp=int(NOW) - 60),  # expired
        forged(aud="someone-else"),
        forged(iss="someone-else"),
        forged(exp=None),  # no expiry
        forged(sub="C1000001' OR 1=1"),
        forged(sub="1000001"),
        jwt.encode({"sub": "C1000001"}, key=None, algorithm="none"),  # unsigned
        "not-a-token",
    ],
)
def test_refused_tokens(token):
    with pytest.raises(InvalidToken):
        verify_token(token, SETTINGS)
    assert customer_from_metadata({"auth_token": token}, SETTINGS) is None


@pytest.mark.parametrize(
    "metadata",
    [
        None,
        {},
        {"auth_token": ""},
        {"auth_token": 42},
        {"customer_id": "C1000001"},
        {"email": "marie.durand@example.com"},
    ],
)
def test_anything_but_a_valid_token_is_anonymous(metadata):
    assert customer_from_metadata(metadata, SETTINGS) is None


def test_no_secret_means_nobody_is_logged_in():
    unconfigured = TokenSettings(secret=None)
    token = issue_token("C1000001", SETTINGS)
    assert customer_from_metadata({"auth_token": token}, unconfigured) is None


def test_the_channel_keeps_who_the_token_verified_and_nothing_else():
    token = issue_token("C1000001", SETTINGS)
    kept = verified_metadata({"auth_token": token, "verified_customer_id": "C9999999"}, SETTINGS)
    assert kept == {"verified_customer_id": "C1000001"}
    assert verified_customer(kept) == "C1000001"


@pytest.mark.parametrize(
    "metadata",
    [
        {"verified_customer_id": "C1000001"},  # claimed by the client, no token
        {"verified_customer_id": "C1000001", "auth_token": "not-a-token"},
        {"customer_id": "C1000001"},
        None,
    ],
)
def test_a_claimed_number_is_dropped_by_the_channel(metadata):
    assert verified_metadata(metadata, SETTINGS) == {}


@pytest.mark.parametrize("value", [None, "", 42, "1000001", "C1000001' OR 1=1", ["C1000001"]])
def test_only_a_canonical_verified_number_counts(value):
    assert verified_customer({"verified_customer_id": value}) is None
