"""Issue 12, finding 8 (cost): a failed login costs no more password hashing than a successful one (one argon2
verification, an unknown or 2 MB name included), and a try during the back-off costs none. Counted, not timed."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from argon2 import PasswordHasher

from kpi import auth

PASSWORD = "Richtig-Passwort-1"


class CountingHasher(PasswordHasher):
    verifications = 0

    def verify(self, hash, password):  # noqa: A002 - argon2's own parameter name
        CountingHasher.verifications += 1
        return super().verify(hash, password)


@pytest.fixture
def counting(monkeypatch):
    hasher = CountingHasher(time_cost=1, memory_cost=8, parallelism=1)
    monkeypatch.setattr(auth, "_hasher", hasher)
    auth._dummy_hash.cache_clear()
    yield hasher
    auth._dummy_hash.cache_clear()


def verifications_of(store, name: str, password: str, at: datetime, client: str) -> tuple[int, bool]:
    before = CountingHasher.verifications
    ok = auth.authenticate(store, name, password, at=at, client=client).ok
    return CountingHasher.verifications - before, ok


def test_failures_cost_one_verification_like_a_success_and_back_off_costs_none(store, counting):
    auth.add_user(store, "admin", "admin", PASSWORD)
    t0 = datetime(2026, 1, 1, 12)
    assert verifications_of(store, "admin", PASSWORD, t0, "a") == (1, True)
    assert verifications_of(store, "admin", "falsch", t0 + timedelta(minutes=1), "b") == (1, False)
    assert verifications_of(store, "niemand", "falsch", t0 + timedelta(minutes=2), "c") == (1, False)
    assert verifications_of(store, "x" * 2_000_000, "falsch", t0 + timedelta(minutes=3), "d") == (1, False)
    for i in range(10):  # a burst from one client runs into the back-off
        auth.authenticate(store, "admin", "falsch", at=t0 + timedelta(minutes=4, milliseconds=i), client="e")
    assert verifications_of(store, "admin", "falsch", t0 + timedelta(minutes=4, seconds=1), "e") == (0, False)
    assert store.query("SELECT max(length(name)) AS n FROM login_attempt")["n"].iloc[0] <= auth.MAX_STORED_NAME
