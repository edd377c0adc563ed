"""The shape of every answer the scan reads, checked where it enters: one model per API answer.

An adapter hands on only what its model accepts. An answer of the wrong shape (the list under
another key, a string where a list should be, a page whose `count`/`total` is missing or does not
match its items, something that is not a JSON object) is a `MalformedResponse` CallError naming the
API and the JSON path of what was wrong, never an empty list: "no alerts" read from an answer that
said nothing would turn into a confident `alarm`.

These models check the envelope only (the list is there and is a list, the totals are there and
agree). The items inside are typed by the collector as they arrive (shell/collect/answers.py, with
the inventory's models), so one odd alert is left out on its own instead of failing its page.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, TypeVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    RootModel,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ..aliyun import AccountId
from ..validation import describe
from .calls import CallError, is_retryable

A = TypeVar("A", bound=BaseModel)
Count = Annotated[int, Field(ge=0)]

# At most this many problems are named in one error (a page of 100 bad items is one story).
MAX_PROBLEMS = 5

# Where an error answered with a 2xx states itself: RPC services (ActionTrail, STS, Resource Directory), SLS.
RPC_ERROR = ("Code", "Message")
SLS_ERROR = ("errorCode", "errorMessage")

# pydantic's wording, where it names our classes or Python types instead of what a JSON answer holds.
_MESSAGES = {
    "model_type": "Input should be a JSON object",
    "model_attributes_type": "Input should be a JSON object",
    "dict_type": "Input should be a JSON object",
}


class _Answer(BaseModel):
    # strict: a JSON answer holds numbers as numbers and lists as lists; "5" for a count, or true
    # for one, is a sign the answer is not what we think it is.
    model_config = ConfigDict(strict=True, frozen=True, extra="ignore")


# ---------------------------------------------------------------------------------------- ActionTrail


class RegionItem(_Answer):
    region_id: str = Field(
        alias="RegionId"
    )  # its shape is the collector's to judge (it says what it ignored)


class RegionList(_Answer):
    region: list[RegionItem] = Field(alias="Region")


class DescribeRegionsAnswer(_Answer):
    """`{"Regions": {"Region": [{"RegionId", "LocalName", "RegionEndpoint"}]}}`"""

    regions: RegionList = Field(alias="Regions")


class DescribeTrailsAnswer(_Answer):
    """`{"RequestId", "TrailList": [trail, ...]}`; `"TrailList": []` is an account without trails."""

    trail_list: list[Any] = Field(alias="TrailList")


class GetTrailStatusAnswer(_Answer):
    """`{"RequestId", "IsLogging", "LatestDeliveryLogServiceError", "LatestDeliveryLogServiceTime",
    "LatestDeliveryError", "LatestDeliveryTime", "SlsLogStoreStatus", "OssBucketStatus",
    "StartLoggingTime", "StopLoggingTime"}`. Without `IsLogging` (a boolean) the answer cannot say
    the trail logs: an error, never "delivering"; the texts are checked to be texts when present."""

    is_logging: bool = Field(alias="IsLogging")
    latest_delivery_log_service_error: str | None = Field(default=None, alias="LatestDeliveryLogServiceError")
    latest_delivery_log_service_time: str | None = Field(default=None, alias="LatestDeliveryLogServiceTime")
    latest_delivery_error: str | None = Field(default=None, alias="LatestDeliveryError")
    latest_delivery_time: str | None = Field(default=None, alias="LatestDeliveryTime")
    sls_log_store_status: bool | None = Field(default=None, alias="SlsLogStoreStatus")
    stop_logging_time: str | None = Field(default=None, alias="StopLoggingTime")


# ---------------------------------------------------------------------------------------- STS


def _number_as_text(value: object) -> object:
    # The API's own models declare AccountId a string; an integer is the same id, written as JSON would.
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


class GetCallerIdentityAnswer(_Answer):
    """`{"AccountId", "Arn", "IdentityType", "PrincipalId", "UserId", "RoleId", "RequestId"}`"""

    account_id: Annotated[AccountId, BeforeValidator(_number_as_text)] = Field(alias="AccountId")


class AssumedCredentials(_Answer):
    access_key_id: str = Field(alias="AccessKeyId", min_length=1)
    access_key_secret: str = Field(alias="AccessKeySecret", min_length=1)
    security_token: str = Field(alias="SecurityToken", min_length=1)
    expiration: str = Field(default="", alias="Expiration")


class AssumeRoleAnswer(_Answer):
    """`{"RequestId", "Credentials": {"AccessKeyId", "AccessKeySecret", "SecurityToken", "Expiration"},
    "AssumedRoleUser": {"Arn", "AssumedRoleId"}}`: without all three secrets nothing can be signed."""

    credentials: AssumedCredentials = Field(alias="Credentials")


# ---------------------------------------------------------------------------------------- Resource Directory


class AccountItem(_Answer):
    """One member as ListAccounts lists it; the fields the organisation scan reads."""

    account_id: Annotated[AccountId, BeforeValidator(_number_as_text)] = Field(alias="AccountId")
    display_name: str = Field(default="", alias="DisplayName")
    status: str = Field(alias="Status", min_length=1)
    type: str = Field(default="", alias="Type")
    folder_id: str | None = Field(default=None, alias="FolderId")


class AccountList(_Answer):
    account: list[AccountItem] = Field(alias="Account")


class ListAccountsAnswer(_Answer):
    """`{"RequestId", "TotalCount", "PageNumber", "PageSize", "Accounts": {"Account": [...]}}` (also
    ListAccountsForParent). Validated with context `{"page_number", "page_size"}` (what was asked for):
    a page that is not the one asked for, holds more than asked, or stops short before `TotalCount`
    would lose members without a word (a member never listed is a member never scanned)."""

    accounts: AccountList = Field(alias="Accounts")
    total_count: Count = Field(alias="TotalCount")
    page_number: int = Field(alias="PageNumber", ge=1)
    page_size: int = Field(alias="PageSize", ge=1)

    @model_validator(mode="after")
    def _the_page_asked_for(self, info: ValidationInfo) -> ListAccountsAnswer:
        asked = info.context or {}
        number, size = asked.get("page_number"), asked.get("page_size")
        held = len(self.accounts.account)
        if number is not None and self.page_number != number:
            raise ValueError(f"PageNumber: {self.page_number}, but page {number} was asked for")
        if size is not None and held > size:
            raise ValueError(f"Accounts.Account: {_n_items(held)} where at most {size} were asked for")
        if number is not None and size is not None:
            start = (number - 1) * size
            if held and start + held > self.total_count:
                raise ValueError(
                    f"TotalCount: {self.total_count}, but this page ends at member {start + held}"
                )
            if held < size and start + held < self.total_count:
                raise ValueError(
                    f"TotalCount: {self.total_count}, but this page ends at member {start + held} with room "
                    f"for {size - held} more: the members after it would be missed"
                )
        return self


class GetAccountAnswer(_Answer):
    """`{"RequestId", "Account": {"AccountId", "DisplayName", "Status", "Type", "FolderId", ...}}`"""

    account: AccountItem = Field(alias="Account")


class ResourceDirectoryItem(_Answer):
    resource_directory_id: str = Field(alias="ResourceDirectoryId", min_length=1)
    master_account_id: Annotated[AccountId, BeforeValidator(_number_as_text)] = Field(alias="MasterAccountId")
    root_folder_id: str = Field(alias="RootFolderId", min_length=1)


class GetResourceDirectoryAnswer(_Answer):
    """`{"RequestId", "ResourceDirectory": {"ResourceDirectoryId", "MasterAccountId", "RootFolderId", ...}}`"""

    resource_directory: ResourceDirectoryItem = Field(alias="ResourceDirectory")


# ---------------------------------------------------------------------------------------- SLS


class _Page(_Answer):
    """One page of an SLS listing: its items, `count` (items on this page) and `total` (in the listing).

    Validated with context `{"offset": ..., "size": ...}` (what was asked for), since a page that
    agrees with itself can still disagree with the question: a short page before the end means the
    items after it would be missed without a word. Subclasses declare their items first, then
    `count` and `total`, so that each check sees what it compares with.
    """

    items_key: ClassVar[str]

    @field_validator("count", check_fields=False)
    @classmethod
    def _count_is_the_items(cls, count: int, info: ValidationInfo) -> int:
        items = info.data.get(cls.items_key)
        if isinstance(items, list) and count != len(items):
            raise ValueError(f"{count}, but the page holds {_n_items(len(items))}")
        return count

    @field_validator("total", check_fields=False)
    @classmethod
    def _total_agrees_with_the_page(cls, total: int, info: ValidationInfo) -> int:
        count, asked = info.data.get("count"), info.context or {}
        offset, size = asked.get("offset"), asked.get("size")
        if count is None or offset is None or size is None:
            return total
        if count > size:
            raise ValueError(
                f"{total}, but the page holds {_n_items(count)} where at most {size} were asked for"
            )
        if count and offset + count > total:
            raise ValueError(f"{total}, but this page ends at item {offset + count} (offset {offset})")
        if count < size and offset + count < total:
            raise ValueError(
                f"{total}, but this page ends at item {offset + count} with room for {size - count} more: "
                "the items after it would be missed"
            )
        return total


class ProjectItem(_Answer):
    # A project is only a name to the scan, so this is the one item typed here. A name SLS cannot
    # have is kept: the collector reports it as its own unreadable item (shell/collect/collected.py)
    # while the rest of the page counts.
    project_name: str = Field(alias="projectName", min_length=1)


class ListProjectAnswer(_Page):
    """`GET /`: `{"count", "total", "projects": [{"projectName", ...}]}`"""

    items_key = "projects"
    projects: list[ProjectItem]
    count: Count
    total: Count


class ListAlertsAnswer(_Page):
    """`GET /jobs?jobType=Alert`: `{"count", "total", "results": [alert, ...]}`"""

    items_key = "results"
    results: list[Any]
    count: Count
    total: Count


class GetIndexAnswer(RootModel[dict[str, Any]]):
    """`GET /logstores/<logstore>/index`: the index config (`line`, `keys`, `ttl`, ...), an object."""

    model_config = ConfigDict(strict=True, frozen=True)

    @field_validator("root")
    @classmethod
    def _not_an_error(cls, value: dict[str, Any]) -> dict[str, Any]:
        # SLS never sends errorCode in an index config: an error answered with 200 is not an index.
        if "errorCode" in value:
            raise ValueError("an error, not an index config")
        # The judge reads `line` and each field of `keys` as objects: any other type is not an
        # index it can trust, and judging with it would be judging with a made-up index.
        line, keys = value.get("line"), value.get("keys")
        if line is not None and not isinstance(line, dict):
            raise ValueError(f"line: expected an object, got {type(line).__name__}")
        if keys is not None and not isinstance(keys, dict):
            raise ValueError(f"keys: expected an object, got {type(keys).__name__}")
        for name, key in (keys or {}).items():
            if not isinstance(key, dict):
                raise ValueError(f"keys.{name}: expected an object, got {type(key).__name__}")
        return value


# ---------------------------------------------------------------------------------------- reading


def read_answer(
    model: type[A],
    api: str,
    body: object,
    *,
    error_keys: tuple[str, str],
    context: dict[str, int] | None = None,
) -> A:
    """`body` as `model`, or a CallError: the error the answer states (`error_keys`, e.g. `("Code",
    "Message")`, when the body is an error answered with a 2xx), else `MalformedResponse`."""
    if not isinstance(body, dict):
        raise malformed(api, f"answer: (document): expected a JSON object, got {_kind(body)}")
    try:
        return model.model_validate(body, context=context)
    except ValidationError as error:
        stated = stated_error(api, body, *error_keys)
        if stated is not None:
            raise stated from None
        raise malformed(api, _problems(error) + _keys_if_missing(error, body)) from None


def stated_error(api: str, body: dict[str, Any], code_key: str, message_key: str) -> CallError | None:
    """The error a 2xx answer states in its body (`{"Code", "Message"}`, `{"errorCode", "errorMessage"}`)."""
    code = body.get(code_key)
    if not isinstance(code, str) or not code:
        return None
    message = str(body.get(message_key) or "")[:1000]
    return CallError(api, code, message, None, is_retryable(code, None))


def malformed(api: str, message: str, status: int | None = None) -> CallError:
    return CallError(api, "MalformedResponse", message, status, False)


def _problems(error: ValidationError) -> str:
    lines = describe(error, None, messages=_MESSAGES).splitlines()
    if len(lines) > MAX_PROBLEMS:
        lines = [*lines[:MAX_PROBLEMS], f"and {len(lines) - MAX_PROBLEMS} more problems"]
    return ("answer: " + "; ".join(lines))[:2000]


def _keys_if_missing(error: ValidationError, body: dict[str, Any]) -> str:
    """The keys beside the first key that is missing: the list may be there under another name."""
    missing = [item["loc"] for item in error.errors() if item["type"] == "missing"]
    if not missing:
        return ""
    parent: Any = body
    try:
        for part in missing[0][:-1]:
            parent = parent[part]  # the path pydantic just walked
    except (KeyError, IndexError, TypeError):
        return ""
    keys = sorted(str(key)[:40] for key in parent) if isinstance(parent, dict) else []
    shown = ", ".join(keys[:10]) + (", ..." if len(keys) > 10 else "")
    where = "the answer's keys" if len(missing[0]) == 1 else "the keys beside it"
    return f" ({where}: {shown or 'none'})"


def _n_items(count: int) -> str:
    return "1 item" if count == 1 else f"{count} items"


def _kind(value: object) -> str:
    if value is None:
        return "nothing (an empty answer)"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return type(value).__name__
