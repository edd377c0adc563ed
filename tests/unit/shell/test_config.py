from __future__ import annotations

import pytest

from cis216.shell.config import VARIABLES, ConfigError, load_config
from tests.paths import README

BASE = {"FINDINGS_PROJECT": "cis216-findings", "FC_REGION": "cn-hangzhou"}


def test_defaults():
    config = load_config(BASE)
    assert config.findings_logstore == "cis216_findings"
    assert config.findings_region == "cn-hangzhou"  # from FC_REGION
    assert config.scan_regions is None  # all
    assert (config.profile, config.max_concurrency, config.call_timeout_seconds) == ("strict", 16, 10)
    assert (config.scan_budget_seconds, config.retry_max_attempts, config.dry_run) == (240, 5, False)
    assert config.log_level == "INFO"


def test_every_variable_is_read():
    env = {
        **BASE,
        "FINDINGS_LOGSTORE": "ls-1",
        "FINDINGS_REGION": "cn-shanghai",
        "SCAN_REGIONS": " cn-hangzhou , ap-southeast-1,cn-hangzhou",
        "PROFILE": "powerpipe",
        "PROFILE_SETTINGS": '{"max_threshold": 3}',
        "MAX_CONCURRENCY": "4",
        "CALL_TIMEOUT_SECONDS": "3",
        "SCAN_BUDGET_SECONDS": "60",
        "RETRY_MAX_ATTEMPTS": "2",
        "RETRY_BASE_SECONDS": "0.1",
        "DRY_RUN": "true",
        "LOG_LEVEL": "debug",
    }
    config = load_config(env)
    assert config.scan_regions == ("cn-hangzhou", "ap-southeast-1")
    assert config.findings_region == "cn-shanghai" and config.settings == {"max_threshold": 3}
    assert (config.max_concurrency, config.retry_max_attempts, config.dry_run, config.log_level) == (
        4,
        2,
        True,
        "DEBUG",
    )
    assert {v.name for v in VARIABLES} == {k for k in env if k != "FC_REGION"}


@pytest.mark.parametrize(
    "variable, value, words",
    [
        ("FINDINGS_PROJECT", "Bad_Project", "not an SLS project name"),
        ("FINDINGS_PROJECT", "evil.example.com/x", "not an SLS project name"),
        ("FINDINGS_LOGSTORE", "a/b", "not an SLS logstore name"),
        ("FINDINGS_REGION", "cn-hangzhou.evil.com", "not a region id"),
        ("SCAN_REGIONS", "cn-hangzhou,,cn-beijing", "comma-separated"),
        ("SCAN_REGIONS", "cn-hangzhou,mars", "not a region id"),
        ("PROFILE", "lenient", "unknown profile 'lenient'; choose one of: strict, powerpipe"),
        ("PROFILE_SETTINGS", "{nope", "not JSON"),
        ("PROFILE_SETTINGS", '{"unknown_knob": 1}', "unknown_knob"),
        ("MAX_CONCURRENCY", "0", "greater than or equal to 1"),
        ("MAX_CONCURRENCY", "lots", "integer"),
        ("CALL_TIMEOUT_SECONDS", "500", "less than or equal to 120"),
        ("SCAN_BUDGET_SECONDS", "1", "greater than or equal to 10"),
        ("RETRY_MAX_ATTEMPTS", "99", "less than or equal to 10"),
        ("DRY_RUN", "maybe", "not a boolean"),
        ("LOG_LEVEL", "LOUD", "not a log level"),
    ],
)
def test_errors_name_the_variable(variable, value, words):
    with pytest.raises(ConfigError) as caught:
        load_config({**BASE, variable: value})
    message = str(caught.value)
    assert message.startswith(f"{variable}: "), message
    assert words in message


def test_findings_project_required_unless_dry_run():
    with pytest.raises(ConfigError, match=r"^FINDINGS_PROJECT: required unless DRY_RUN=true"):
        load_config({"FC_REGION": "cn-hangzhou"})
    assert load_config({"FC_REGION": "cn-hangzhou", "DRY_RUN": "1"}).findings_project is None


def test_findings_region_required_without_fc_region():
    with pytest.raises(ConfigError, match=r"^FINDINGS_REGION: "):
        load_config({"FINDINGS_PROJECT": "p-1"})


def test_several_errors_are_all_reported():
    with pytest.raises(ConfigError) as caught:
        load_config({**BASE, "PROFILE": "x", "MAX_CONCURRENCY": "0"})
    assert "PROFILE:" in str(caught.value) and "MAX_CONCURRENCY:" in str(caught.value)


def test_every_variable_is_documented():

    doc = (README).read_text()
    for variable in VARIABLES:
        assert f"| `{variable.name}` |" in doc, variable.name


def test_names_with_a_trailing_newline_are_rejected():
    from cis216.shell.config import Config

    for field, value in (
        ("findings_project", "cis216-findings\n"),
        ("findings_logstore", "cis216_findings\n"),
        ("findings_region", "cn-hangzhou\n"),
        ("scan_regions", ("cn-hangzhou\n",)),
    ):
        with pytest.raises(ValueError):
            Config.model_validate({field: value})
