from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest

from cis216.adapters import credentials as creds


def context_with(key="LTAIctxkey01", secret="ctx-secret", token="ctx-token"):
    return SimpleNamespace(
        credentials=SimpleNamespace(access_key_id=key, access_key_secret=secret, security_token=token)
    )


ENV = {
    "ALIBABA_CLOUD_ACCESS_KEY_ID": "STS.envkey0000",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET": "env-secret",
    "ALIBABA_CLOUD_SECURITY_TOKEN": "env-token",
}


def test_python310_context_credentials_win():
    found = creds.resolve(context_with(), ENV)
    assert (found.access_key_id, found.access_key_secret, found.security_token) == (
        "LTAIctxkey01",
        "ctx-secret",
        "ctx-token",
    )
    assert found.source == "fc-context"


def test_python312_environment_when_context_has_none():
    found = creds.resolve(SimpleNamespace(credentials=None), ENV)
    assert (found.access_key_id, found.access_key_secret, found.security_token) == (
        "STS.envkey0000",
        "env-secret",
        "env-token",
    )
    assert found.source == "environment"


def test_environment_without_token_is_a_plain_key():
    env = {k: v for k, v in ENV.items() if k != "ALIBABA_CLOUD_SECURITY_TOKEN"}
    assert creds.resolve(None, env).security_token is None


def test_default_chain_last(monkeypatch):
    monkeypatch.setattr(
        creds,
        "from_default_chain",
        lambda: creds.Credentials("LTAIchain", "chain-secret", None, "default-chain"),
    )
    assert creds.resolve(SimpleNamespace(), {}).source == "default-chain"


def test_no_credentials_anywhere_names_the_places_not_values():
    with pytest.raises(creds.CredentialsError) as caught:
        creds.resolve(None, {"ALIBABA_CLOUD_ACCESS_KEY_ID": "LTAIonlyid"}, allow_default_chain=False)
    assert "ALIBABA_CLOUD_ACCESS_KEY_ID" in str(caught.value)
    assert "LTAIonlyid" not in str(caught.value)


def test_repr_never_shows_the_secret_or_token():
    found = creds.resolve(context_with(), {})
    text = repr(found) + str(found) + f"{found}"
    assert "ctx-secret" not in text and "ctx-token" not in text and "LTAIctxkey01" not in text
    assert set(found.secrets()) == {"LTAIctxkey01", "ctx-secret", "ctx-token"}


CHAIN_VARIABLES = [
    "ALIBABA_CLOUD_ACCESS_KEY_ID",
    "ALIBABA_CLOUD_ACCESS_KEY_SECRET",
    "ALIBABA_CLOUD_SECURITY_TOKEN",
    "ALIBABA_CLOUD_CREDENTIALS_FILE",
    "ALIBABA_CLOUD_CREDENTIALS_URI",
    "ALIBABA_CLOUD_PROFILE",
    "ALIBABA_CLOUD_ROLE_ARN",
    "ALIBABA_CLOUD_OIDC_PROVIDER_ARN",
    "ALIBABA_CLOUD_OIDC_TOKEN_FILE",
    "ALIBABA_CLOUD_ECS_METADATA",
    "ALIBABA_CLOUD_ECS_METADATA_DISABLED",
]

NO_CREDENTIALS = (
    "no credentials: set ALIBABA_CLOUD_ACCESS_KEY_ID and ALIBABA_CLOUD_ACCESS_KEY_SECRET (and "
    "ALIBABA_CLOUD_SECURITY_TOKEN for STS credentials), or give the FC function a role"
)


@pytest.mark.filterwarnings("ignore:A test tried to use socket")  # the SDK probing ECS metadata
def test_no_credentials_anywhere_is_one_line_without_the_sdks_tracebacks(
    monkeypatch, tmp_path, caplog, capfd
):
    # The real default chain: no profile file (HOME is empty), no variables, and the ECS metadata
    # service unreachable (sockets are off in tests). Each failed provider is logged by the SDK with a
    # traceback; none of it may come out before our one line.
    for name in CHAIN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    caplog.set_level(logging.DEBUG)
    with pytest.raises(creds.CredentialsError) as caught:
        creds.resolve(None, {})
    assert str(caught.value) == (
        NO_CREDENTIALS + " (not in the FC context, not in the environment, and the default credential "
        "chain found none)"
    )
    assert "\n" not in str(caught.value)
    assert [r for r in caplog.records if r.name.startswith(creds.SDK_LOGGER)] == []
    assert capfd.readouterr() == ("", "")
    assert not logging.getLogger(creds.SDK_LOGGER).disabled  # silenced only while the chain runs


def test_no_credentials_without_the_chain_says_what_to_set():
    with pytest.raises(creds.CredentialsError) as caught:
        creds.resolve(None, {}, allow_default_chain=False)
    assert str(caught.value) == NO_CREDENTIALS + " (neither is there)"
