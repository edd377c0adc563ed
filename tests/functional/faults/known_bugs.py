"""Cases of the fault matrix that fail because of known product bugs: each bug, the
cases it spoils (by account, API, kind, persistence and scope), and where in lib/ it likely sits.

The test marks them `xfail(strict=True)`: CI stays green, and the fix that makes a case pass
turns it into an XPASS failure, which forces removing (or narrowing) the entry here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tests.functional.faults.matrix import Case


@dataclass(frozen=True)
class KnownBug:
    reason: str
    # account -> API -> scopes (Case.where), None: every scope; an empty mapping: every account
    where: Mapping[str, Mapping[str, frozenset[str] | None]]
    when: Callable[[Case], bool]
    apis: frozenset[str] = frozenset()  # with an empty `where`: the APIs, in every account

    def covers(self, case: Case) -> bool:
        if not self.when(case):
            return False
        if not self.where:
            return case.api in self.apis
        scopes = self.where.get(case.account, {})
        if case.api not in scopes:
            return False
        wanted = scopes[case.api]
        return wanted is None or case.where in wanted


# Every bug the matrix found when it was written (a false ok from the default index, HTML 502 pages
# not retried, unvalidated index keys, lists under another key read as empty, trails flipping when
# coverage is unknown) is fixed; the list stays as the place to mark the next one precisely.
KNOWN_BUGS: tuple[KnownBug, ...] = ()


def known_bugs(case: Case) -> list[KnownBug]:
    return [bug for bug in KNOWN_BUGS if bug.covers(case)]
