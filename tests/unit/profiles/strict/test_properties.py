"""Rewriting a query without changing its meaning never changes the strict verdict.

The slsquery helper tests query-level properties; these go through the whole profile (binding,
index, trigger, window, notification) so a rewrite cannot slip through any other stage either.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.builders import CODES, account_finding, alert, run_strict, snapshot

FAMILIES = [c for c in CODES if c.endswith(".*")]


@st.composite
def spelled_query(draw, included, quoted):
    """One spelling of `eventType: ApiCall and (errorCode: c1 or c2 ...)` with a count pipe."""
    order = draw(st.permutations(sorted(included)))
    ws = st.sampled_from([" ", "  ", "\n", " \n\t", "\r\n "])

    def key(name):
        return f'"{name}"' if draw(st.booleans()) else name

    def op(word):
        return draw(ws) + draw(st.sampled_from([word, word.upper(), word.capitalize()])) + draw(ws)

    def clause(code):
        value = f'"{code}"' if code in quoted or (code not in FAMILIES and draw(st.booleans())) else code
        text = f"{key('event.errorCode')}:{draw(st.sampled_from(['', ' ', '  ']))}{value}"
        return f"({text})" if draw(st.booleans()) else text

    clauses = [clause(c) for c in order]
    if draw(st.booleans()):  # a duplicated clause changes nothing
        clauses.append(clauses[draw(st.integers(0, len(clauses) - 1))])
    codes = "(" + draw(ws).join(["", op("or").join(clauses), ""]) + ")"
    event_type = f"{key('event.eventType')}: {draw(st.sampled_from(['ApiCall', 'apicall', 'APICALL']))}"
    parts = [event_type, codes]
    if draw(st.booleans()):
        parts.reverse()
    if draw(st.booleans()):  # narrowing that keeps every ActionTrail event
        parts.append(f"{key('__topic__')}: actiontrail_audit_event")
    search = op("and").join(parts)
    pipe = draw(
        st.sampled_from(["select count(1) as cnt", "SELECT COUNT(1) AS cnt", "select  count(*)  as cnt"])
    )
    return f"{draw(ws)}{search}{draw(ws)}|{draw(ws)}{pipe}{draw(ws)}"


def canonical(included, quoted):
    clauses = [
        f'event.errorCode: "{c}"' if c in quoted else f"event.errorCode: {c}" for c in CODES if c in included
    ]
    return f"event.eventType: ApiCall and ({' or '.join(clauses)}) | select count(1) as cnt"


def judged(query):
    found = account_finding(run_strict(snapshot(alerts=[alert(query=query)])))
    return found.status, found.reason_codes, found.evidence.alert.missed_codes


meanings = st.sets(st.sampled_from(CODES), min_size=1).flatmap(
    lambda included: st.tuples(
        st.just(included),
        st.sets(st.sampled_from(sorted(set(FAMILIES) & included)))
        if set(FAMILIES) & included
        else st.just(set()),
    )
)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), meaning=meanings)
def test_rewrites_keep_the_verdict(data, meaning):
    included, quoted = meaning
    rewritten = data.draw(spelled_query(included, quoted))
    assert judged(rewritten) == judged(canonical(included, quoted)), rewritten


@settings(max_examples=100, deadline=None)
@given(meaning=meanings)
def test_verdict_follows_meaning(meaning):
    # Oracle from sls-query-semantics.md: a family is caught only by its unquoted `X.*`.
    included, quoted = meaning
    missed = [c for c in CODES if c not in included or c in quoted]
    status, codes, got = judged(canonical(included, quoted))
    assert got == missed
    assert (status, codes) == (("ok", []) if not missed else ("alarm", ["ALERT_QUERY_INCOMPLETE"]))


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_alert_shape_rewrites_keep_the_verdict(data):
    # Spelling of the alert around the query: status case, legacy logStore key, explicit
    # project/region equal to the defaults, equivalent conditions and windows.
    variant = alert(
        status=data.draw(st.sampled_from(["ENABLED", "enabled", "Enabled"])),
        legacy_store=data.draw(st.booleans()),
        project=data.draw(st.sampled_from([None, "audit"])),
        region=data.draw(st.sampled_from([None, "cn-hangzhou"])),
        condition=data.draw(st.sampled_from(["cnt > 0", "cnt >= 1", "cnt>0", "0 < cnt", "cnt != 0", ""])),
        start=data.draw(st.sampled_from(["-15m", "-900s", "-1h", "-15m@m"])),
    )
    found = account_finding(run_strict(snapshot(alerts=[variant])))
    assert (found.status, found.reason_codes) == ("ok", [])
