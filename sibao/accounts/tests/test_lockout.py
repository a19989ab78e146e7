"""Issue 8 #6: a lockout holds one account at one address; an address trying many accounts is refused."""

import pytest
from django.test import Client, override_settings

from conftest import TEST_PASSWORD, Personas, make_user
from sibao.core.roles import Role

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"


def attempt(client: Client, username: str, password: str, address: str) -> int:
    response = client.post("/accounts/login/", {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.status_code


def test_the_right_password_from_another_address_works_while_the_first_is_locked(personas: Personas) -> None:
    victim = personas.ent_a_user  # an enterprise's user name follows its public credit code
    attacker = Client()
    for _ in range(4):
        assert attempt(attacker, victim.username, "guess", ATTACKER) == 200
    assert attempt(attacker, victim.username, "guess", ATTACKER) == 429
    # The attacker's address stays locked, even with the right password …
    assert attempt(attacker, victim.username, TEST_PASSWORD, ATTACKER) == 429
    # … while the owner, at another address, logs in.
    assert attempt(Client(), victim.username, TEST_PASSWORD, OWNER) == 302


def test_the_lockout_message_is_in_chinese(personas: Personas) -> None:
    client = Client()
    for _ in range(5):
        attempt(client, personas.tongxu_hq.username, "guess", ATTACKER)
    response = client.post(
        "/accounts/login/", {"username": personas.tongxu_hq.username, "password": "guess"}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode() and "15分钟" in response.content.decode()


@override_settings(SIBAO_LOGIN_ADDRESS_FAILURE_LIMIT=20)
def test_an_address_spraying_passwords_over_many_accounts_is_refused(personas: Personas) -> None:
    accounts = [make_user(f"ent_spray_{n}", Role.ENTERPRISE, enterprise=personas.ent_a) for n in range(15)]
    client = Client()
    statuses = []
    # 60 attempts over 15 accounts, 4 each: never five on one account, so no account lockout applies.
    for round_ in range(4):
        for account in accounts:
            statuses.append(attempt(client, account.username, f"Spring2026!{round_}", ATTACKER))
    assert statuses[:19] == [200] * 19
    assert set(statuses[19:]) == {429}  # from the 20th failure on, whatever the account
    # Even a right password is refused from that address, with its own message …
    response = client.post(
        "/accounts/login/", {"username": personas.tongxu_hq.username, "password": TEST_PASSWORD}, REMOTE_ADDR=ATTACKER
    )
    assert response.status_code == 429 and "网络地址" in response.content.decode()
    # … and other addresses are not affected.
    assert attempt(Client(), personas.tongxu_hq.username, TEST_PASSWORD, OWNER) == 302


def test_an_office_behind_one_address_is_not_refused_for_a_few_typing_errors(personas: Personas) -> None:
    """Colleagues share an address behind NAT: three people mistyping twice each stay far below the limit."""
    for user in (personas.tongxu_hq, personas.tongxu_industry, personas.tongxu_commerce):
        client = Client()
        assert attempt(client, user.username, "typo", OWNER) == 200
        assert attempt(client, user.username, "typo", OWNER) == 200
        assert attempt(client, user.username, TEST_PASSWORD, OWNER) == 302


@override_settings(SIBAO_TRUSTED_PROXY_COUNT=0)
def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(personas: Personas) -> None:
    client = Client()
    for n in range(5):
        client.post(
            "/accounts/login/",
            {"username": personas.tongxu_hq.username, "password": "guess"},
            REMOTE_ADDR=ATTACKER,
            HTTP_X_FORWARDED_FOR=f"10.0.0.{n}",
        )
    assert attempt(client, personas.tongxu_hq.username, TEST_PASSWORD, ATTACKER) == 429


@override_settings(SIBAO_TRUSTED_PROXY_COUNT=1)
def test_behind_a_trusted_proxy_the_forwarded_address_counts(personas: Personas) -> None:
    proxy = "10.0.0.1"
    client = Client()
    for _ in range(5):
        client.post(
            "/accounts/login/",
            {"username": personas.tongxu_hq.username, "password": "guess"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"1.2.3.4, {ATTACKER}",  # the client wrote the first; the proxy appended ours
        )
    response = Client().post(
        "/accounts/login/",
        {"username": personas.tongxu_hq.username, "password": TEST_PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=OWNER,
    )
    assert response.status_code == 302
