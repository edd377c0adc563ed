from __future__ import annotations

import pytest

from cis216.settings import Settings
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
        "MUTELIST": '{"entries": [{"account": "*", "resource": "*", "justification": "j", "expires": "2027-01-31"}]}',
        "MAX_CONCURRENCY": "4",
        "CALL_TIMEOUT_SECONDS": "3",
        "SCAN_BUDGET_SECONDS": "60",
        "RETRY_MAX_ATTEMPTS": "2",
        "RETRY_BASE_SECONDS": "0.1",
        "DRY_RUN": "true",
        "LOG_LEVEL": "debug",
        # organisation mode (its own tests below): PROFILE=powerpipe scans one account only
        "MODE": "account",
        "WORKER_FUNCTION": "scan-worker",
        "MEMBER_ROLE_NAME": "reader",
        "LOG_ARCHIVE_ROLE_NAME": "archive-reader",
        "ORG_FOLDERS": "fd-abc",
        "ORG_ACCOUNTS_ALLOW": "123456",
        "ORG_ACCOUNTS_DENY": "654321",
    }
    config = load_config(env)
    assert config.scan_regions == ("cn-hangzhou", "ap-southeast-1")
    assert config.findings_region == "cn-shanghai" and config.settings == Settings(max_threshold=3)
    assert (config.max_concurrency, config.retry_max_attempts, config.dry_run, config.log_level) == (
        4,
        2,
        True,
        "DEBUG",
    )
    assert config.mutelist is not None and config.mutelist.entries[0].justification == "j"
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
        ("MUTELIST", "{nope", "not JSON"),
        ("MUTELIST", "[]", 'expected a JSON object {"entries": [...]}'),
        (
            "MUTELIST",
            '{"entries": [{"account": "*", "resource": "*"}]}',
            "entries.0.justification: Field required",
        ),
        (
            "MUTELIST",
            '{"entries": [{"account": "*", "resource": "*", "justification": "j", "expires": "soon"}]}',
            "entries.0.expires: 'soon' is not an ISO date",
        ),
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


def test_variables_are_the_model_fields():
    from cis216.shell.config import Config, Variable

    assert [v.field for v in VARIABLES] == list(Config.model_fields)
    assert (
        Variable("MAX_CONCURRENCY", "max_concurrency", "16", "API calls in flight at once (1-64)")
        in VARIABLES
    )
    assert {v.name: v.default for v in VARIABLES if v.default is not None} == {
        "FINDINGS_LOGSTORE": "cis216_findings",
        "SCAN_REGIONS": "all",
        "PROFILE": "strict",
        "MAX_CONCURRENCY": "16",
        "CALL_TIMEOUT_SECONDS": "10",
        "SCAN_BUDGET_SECONDS": "240",
        "RETRY_MAX_ATTEMPTS": "5",
        "RETRY_BASE_SECONDS": "0.5",
        "DRY_RUN": "false",
        "LOG_LEVEL": "INFO",
        "MODE": "account",
        "WORKER_FUNCTION": "cis216-worker",
        "MEMBER_ROLE_NAME": "cis216-reader",
    }


def test_a_new_field_is_a_new_variable():
    from pydantic import Field

    from cis216.shell.config import Config, Variable, variables_of

    class Extended(Config):
        page_size: int = Field(100, alias="PAGE_SIZE", description="items per page")

    assert variables_of(Extended)[-1] == Variable("PAGE_SIZE", "page_size", "100", "items per page")
    assert variables_of(Extended)[:-1] == VARIABLES

    class Undocumented(Config):
        page_size: int = 100

    with pytest.raises(TypeError, match="page_size"):
        variables_of(Undocumented)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("true", True),
        ("1", True),
        ("yes", True),
        ("TRUE", True),
        ("false", False),
        ("0", False),
        ("no", False),
    ],
)
def test_booleans_are_read_by_pydantic(value, expected):
    assert load_config({**BASE, "DRY_RUN": value}).dry_run is expected


def test_a_bad_boolean_names_the_variable():
    with pytest.raises(ConfigError) as caught:
        load_config({**BASE, "DRY_RUN": "sometimes"})
    assert str(caught.value) == "DRY_RUN: 'sometimes' is not a boolean (true/false)"


def test_a_truthy_dry_run_spares_findings_project_even_when_another_variable_is_bad():
    with pytest.raises(ConfigError) as caught:
        load_config({"FC_REGION": "cn-hangzhou", "DRY_RUN": "yes", "MAX_CONCURRENCY": "0"})
    assert str(caught.value) == "MAX_CONCURRENCY: Input should be greater than or equal to 1"


def test_profile_settings_are_parsed_into_settings():
    assert load_config(BASE).settings == Settings()
    assert load_config({**BASE, "PROFILE_SETTINGS": "null"}).settings == Settings()
    settings = load_config({**BASE, "PROFILE_SETTINGS": '{"accept_log_audit": false}'}).settings
    assert isinstance(settings, Settings) and settings.accept_log_audit is False
    with pytest.raises(ConfigError, match=r"^PROFILE_SETTINGS: max_threshold: Input should be greater"):
        load_config({**BASE, "PROFILE_SETTINGS": '{"max_threshold": 0}'})
    with pytest.raises(
        ConfigError, match=r"^PROFILE_SETTINGS: expected a JSON object of strict-profile settings$"
    ):
        load_config({**BASE, "PROFILE_SETTINGS": "[1]"})


def test_blank_variables_are_unset():
    config = load_config({**BASE, "MAX_CONCURRENCY": "  ", "DRY_RUN": ""})
    assert (config.max_concurrency, config.dry_run) == (16, False)


def test_organization_variables():
    config = load_config(
        {
            **BASE,
            "MODE": "organization",
            "ORG_FOLDERS": "fd-a1, fd-b2,fd-a1",
            "ORG_ACCOUNTS_ALLOW": "1000000000000001",
            "ORG_ACCOUNTS_DENY": " 1000000000000002 ,1000000000000003",
        }
    )
    assert (config.mode, config.worker_function, config.member_role_name) == (
        "organization",
        "cis216-worker",
        "cis216-reader",
    )
    assert config.org_folders == ("fd-a1", "fd-b2")
    assert config.org_accounts_allow == ("1000000000000001",)
    assert config.org_accounts_deny == ("1000000000000002", "1000000000000003")
    assert config.session_role == "cis216-reader"  # LOG_ARCHIVE_ROLE_NAME defaults to the member role
    assert load_config({**BASE, "MEMBER_ROLE_NAME": "ResourceDirectoryAccountAccessRole"}).member_role_name


@pytest.mark.parametrize(
    "variable, value, words",
    [
        ("MODE", "org", "'account', 'organization' or 'worker'"),
        ("WORKER_FUNCTION", "9worker", "not an FC function name"),
        ("MEMBER_ROLE_NAME", "a/b", "not a RAM role name"),
        ("LOG_ARCHIVE_ROLE_NAME", "x" * 65, "not a RAM role name"),
        ("ORG_FOLDERS", "folder-1", "not a resource directory folder id"),
        ("ORG_ACCOUNTS_ALLOW", "123456,abc", "'abc' is not an Alibaba Cloud account id"),
        ("ORG_ACCOUNTS_DENY", "*", "not an Alibaba Cloud account id"),
    ],
)
def test_organization_errors_name_the_variable(variable, value, words):
    with pytest.raises(ConfigError) as caught:
        load_config({**BASE, variable: value})
    assert str(caught.value).startswith(f"{variable}: ") and words in str(caught.value)


def test_organization_mode_is_strict_only():
    with pytest.raises(ConfigError, match="strict profile only"):
        load_config({**BASE, "MODE": "worker", "PROFILE": "powerpipe"})
