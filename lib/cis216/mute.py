"""Accepted risk (what Prowler calls a mutelist): entries that mark matching findings `muted`.

A mutelist is a JSON document (a file for the CLI, the MUTELIST variable for the function):

    {"entries": [{"account": "1234567890123456", "resource": "acs:actiontrail:*:*:actiontrail/sandbox-*",
                  "reason_codes": ["TRAIL_NOT_ENABLED"], "justification": "sandbox, no production data",
                  "expires": "2027-03-31"}]}

- `account`: an account id, or "*" for every account;
- `resource`: a glob over the finding's resource (`*`, `?`, `[...]`; case-sensitive, as ARNs are);
- `reason_codes`: optional; when given, a finding matches only if every one of its reason codes is
  listed (accepting ALERT_DISABLED does not accept a trail that also stopped logging); a finding
  without reason codes (a powerpipe row) then never matches. Left out: any finding of the resource;
- `justification` (required, not blank) and `expires` (required ISO date, the last day it mutes).

Applying it is a pure step after the evaluation (`apply_mutelist`): a matching finding gets
`muted: true` and `mute {justification, expires, entry}` (entry: its JSON path, `entries[0]`), keeps
its status and stays in the output; `ok` findings are never muted (nothing is accepted there). An
entry that matches but expired before the evaluation date mutes nothing: the finding gets the
advisory `MUTE_EXPIRED: entries[0] expired on 2026-10-31` instead. The first live entry that
matches wins. Expiry is judged on the evaluation date (the scan's time, or the snapshot's
collected_at), so the same input gives the same output.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Sequence
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from .aliyun import is_account_id
from .findings import Finding, Mute
from .inventory import InventoryError, decode_json
from .validation import describe

EVERY_ACCOUNT = "*"
EXPIRED = "MUTE_EXPIRED"


class MutelistError(ValueError):
    """An invalid mutelist; the message names the source and the JSON path of each problem."""


def _account(value: str) -> str:
    if value != EVERY_ACCOUNT and not is_account_id(value):
        raise ValueError(f"{value!r} is not an account id (digits) or '*'")
    return value


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must not be blank")
    return value


def _iso_date(value: Any) -> Any:
    # pydantic would also take a number of seconds or a datetime string: an expiry is a day.
    if not isinstance(value, str):
        raise ValueError("expected an ISO date string, like '2027-03-31'")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO date (YYYY-MM-DD)") from None


class MuteEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    account: Annotated[str, AfterValidator(_account)]
    resource: Annotated[str, AfterValidator(_not_blank)]
    reason_codes: tuple[Annotated[str, AfterValidator(_not_blank)], ...] | None = Field(
        default=None, min_length=1
    )
    justification: Annotated[str, AfterValidator(_not_blank)]
    expires: Annotated[date, BeforeValidator(_iso_date)]

    def matches(self, finding: Finding) -> bool:
        if self.account != EVERY_ACCOUNT and finding.account_id != self.account:
            return False
        if not fnmatch.fnmatchcase(finding.resource or "", self.resource):
            return False
        if self.reason_codes is None:
            return True
        return bool(finding.reason_codes) and set(finding.reason_codes) <= set(self.reason_codes)


class Mutelist(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    entries: tuple[MuteEntry, ...]


def parse_mutelist(document: Any, source: str) -> Mutelist:
    try:
        return Mutelist.model_validate(document)
    except ValidationError as error:
        raise MutelistError(describe(error, source, unknown_field="unknown key")) from None


def mutelist_from_text(text: str, source: str) -> Mutelist:
    """The mutelist in JSON `text`; `source` names it in errors (a file, "MUTELIST")."""
    try:
        document = decode_json(text, source)
    except InventoryError as error:
        raise MutelistError(str(error)) from None
    return parse_mutelist(document, source)


def apply_mutelist(findings: Sequence[Finding], mutelist: Mutelist, on: date) -> list[Finding]:
    """The findings, each muted by the first live entry matching it (see the module's docstring)."""
    return [_applied(finding, mutelist, on) for finding in findings]


def _applied(finding: Finding, mutelist: Mutelist, on: date) -> Finding:
    if finding.status == "ok":
        return finding
    expired: list[str] = []
    for number, entry in enumerate(mutelist.entries):
        if not entry.matches(finding):
            continue
        where = f"entries[{number}]"
        if entry.expires < on:
            expired.append(f"{EXPIRED}: {where} expired on {entry.expires.isoformat()}")
            continue
        mute = Mute(justification=entry.justification, expires=entry.expires, entry=where)
        return finding.model_copy(update={"muted": True, "mute": mute})
    if not expired:
        return finding
    return finding.model_copy(update={"advisories": [*finding.advisories, *expired]})


def unmuted(findings: Sequence[Finding]) -> list[Finding]:
    return [finding for finding in findings if not finding.muted]
