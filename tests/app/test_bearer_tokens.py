"""Bearer tokens are verified once and remembered; what is remembered never outlives the token's expiry."""
from datetime import datetime, timedelta, timezone
from types import SimpleNamespace

import jwt
import pytest

from app import auth
from domain.errors import Unauthenticated

SETTINGS = SimpleNamespace(secret_key="test-secret-for-bearer-tokens-32-bytes-or-more")  # all `_claims` reads


def token(**claims) -> str:
    return jwt.encode({"aud": auth.AUDIENCE, **claims}, SETTINGS.secret_key, algorithm=auth.ALGORITHM)


def test_a_remembered_token_still_expires(monkeypatch):
    now = datetime.now(timezone.utc)
    bearer = token(sub="user:1", typ="access", exp=int((now + timedelta(seconds=60)).timestamp()))
    assert auth._claims(SETTINGS, bearer)["sub"] == "user:1"
    monkeypatch.setattr(auth, "_now", lambda: now + timedelta(seconds=61))
    with pytest.raises(Unauthenticated, match="expired"):
        auth._claims(SETTINGS, bearer)


def test_a_token_signed_with_another_key_is_refused_every_time():
    forged = jwt.encode({"aud": auth.AUDIENCE, "sub": "k"}, "another-key-that-is-also-long-enough-for-hs256", algorithm=auth.ALGORITHM)
    for _ in range(2):
        with pytest.raises(Unauthenticated, match="Invalid token"):
            auth._claims(SETTINGS, forged)
