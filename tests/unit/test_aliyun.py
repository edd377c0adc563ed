"""The cloud's naming facts: what a region id, an account id, a project and a logstore name are, and
the SLS project ARN parsed strictly."""

from __future__ import annotations

import pytest
from pydantic import TypeAdapter, ValidationError

from cis216.aliyun import (
    LOG_AUDIT_LOGSTORE,
    LOG_AUDIT_PROJECT,
    AccountId,
    LogstoreName,
    ProjectName,
    RegionId,
    SlsProjectArn,
    is_account_id,
    is_logstore_name,
    is_project_name,
    is_region_id,
    log_audit_project,
    sls_logstore_arn,
    sls_project_arn,
    trail_logstore,
)

ACCOUNT = "1234567890123456"


@pytest.mark.parametrize("value", ["cn-hangzhou", "ap-southeast-1", "us-west-1", "cn-shanghai-finance-1"])
def test_region_ids(value):
    assert is_region_id(value)


@pytest.mark.parametrize(
    "value",
    [
        "cn-hangzhou\n",
        "cn-hangzhou.evil.com",
        "CN-HANGZHOU",
        "hangzhou",
        "c-hangzhou",
        "",
        " cn-hangzhou",
        None,
        1,
    ],
)
def test_not_region_ids(value):
    assert not is_region_id(value)


@pytest.mark.parametrize(
    "value, expected",
    [
        ("12345", True),
        (ACCOUNT, True),
        ("1234", False),
        ("1" * 21, False),
        ("12ab5", False),
        (f"{ACCOUNT}\n", False),
        (12345, False),
    ],
)
def test_account_ids(value, expected):
    assert is_account_id(value) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("p01", True),
        ("cis216-findings", True),
        ("ab", False),  # 3-63
        ("a" * 63, True),
        ("a" * 64, False),
        ("-p01", False),
        ("p01-", False),
        ("p_01", False),
        ("Bad", False),
        ("p01/x", False),
        ("p01\n", False),
        (None, False),
    ],
)
def test_project_names(value, expected):
    assert is_project_name(value) is expected


@pytest.mark.parametrize(
    "value, expected",
    [
        ("ab", True),  # 2-63
        ("a", False),
        ("actiontrail_t", True),
        ("cis216_findings", True),
        ("_x1", False),
        ("a/b", False),
        ("ab\n", False),
        (["ab"], False),
    ],
)
def test_logstore_names(value, expected):
    assert is_logstore_name(value) is expected


@pytest.mark.parametrize(
    "annotated, value, words",
    [
        (RegionId, "mars", "'mars' is not a region id (like 'cn-hangzhou')"),
        (AccountId, "12ab", "'12ab' is not an Alibaba Cloud account id (5-20 digits)"),
        (ProjectName, "Bad_P", "'Bad_P' is not an SLS project name (3-63 of a-z, 0-9, '-')"),
        (LogstoreName, "a/b", "'a/b' is not an SLS logstore name (2-63 of a-z, 0-9, '_', '-')"),
    ],
)
def test_annotated_types_say_what_the_value_is_not(annotated, value, words):
    with pytest.raises(ValidationError, match=words.replace("(", r"\(").replace(")", r"\)")):
        TypeAdapter(annotated).validate_python(value)


def test_slsprojectarn_parses_a_good_arn():
    arn = SlsProjectArn.parse(f"acs:log:cn-hangzhou:{ACCOUNT}:project/audit-01")
    assert arn == SlsProjectArn("cn-hangzhou", ACCOUNT, "audit-01")
    assert str(arn) == f"acs:log:cn-hangzhou:{ACCOUNT}:project/audit-01"


def test_slsprojectarn_without_account_is_the_trails_own():
    assert SlsProjectArn.parse("acs:log:cn-hangzhou::project/audit-01") == SlsProjectArn(
        "cn-hangzhou", "", "audit-01"
    )


@pytest.mark.parametrize(
    "text",
    [
        f"acs:log:cn-hangzhou.evil.com:{ACCOUNT}:project/audit-01",  # bad region
        f"acs:log::{ACCOUNT}:project/audit-01",  # no region
        f"acs:log:CN-HANGZHOU:{ACCOUNT}:project/audit-01",
        f"acs:log:cn-hangzhou:{ACCOUNT}:project/audit-01/logstore/x",  # project with '/'
        f"acs:log:cn-hangzhou:{ACCOUNT}:project/audit-01\n",  # trailing newline
        f"acs:log:cn-hangzhou:{ACCOUNT}:project/Audit_01",  # not a project name
        "acs:log:cn-hangzhou:12ab:project/audit-01",  # not an account id
        f"acs:oss:cn-hangzhou:{ACCOUNT}:project/audit-01",
        f" acs:log:cn-hangzhou:{ACCOUNT}:project/audit-01",
        "",
    ],
)
def test_slsprojectarn_refuses_what_is_not_such_an_arn(text):
    assert SlsProjectArn.parse(text) is None


@pytest.mark.parametrize("value", [None, 42, b"acs:log:cn-hangzhou:12345:project/p01", ["acs:log"]])
def test_slsprojectarn_refuses_non_strings(value):
    assert SlsProjectArn.parse(value) is None


def test_names_built_from_parts():
    assert trail_logstore("main") == "actiontrail_main"
    assert sls_project_arn("cn-hangzhou", ACCOUNT, "p01") == f"acs:log:cn-hangzhou:{ACCOUNT}:project/p01"
    assert (
        sls_logstore_arn("cn-hangzhou", ACCOUNT, "p01", "ls")
        == f"acs:log:cn-hangzhou:{ACCOUNT}:project/p01/logstore/ls"
    )


def test_log_audit_names():
    project = log_audit_project(ACCOUNT, "cn-shanghai")
    assert project == f"slsaudit-center-{ACCOUNT}-cn-shanghai"
    match = LOG_AUDIT_PROJECT.fullmatch(project)
    assert match is not None and (match["account"], match["region"]) == (ACCOUNT, "cn-shanghai")
    assert LOG_AUDIT_PROJECT.fullmatch(f"slsaudit-center-{ACCOUNT}-cn-shanghai_x") is None
    assert LOG_AUDIT_LOGSTORE == "actiontrail_log" and is_logstore_name(LOG_AUDIT_LOGSTORE)
