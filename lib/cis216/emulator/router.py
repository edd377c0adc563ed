"""URL registry: which service answers a host, and which API a request is.

Each service's ``urls.py`` declares a ServiceSpec. Routing is done here rather than by
registering many patterns with ``responses``, because ``responses`` pops a registration
when two overlap (so a catch-all beside specific patterns would misbehave).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from re import Pattern
from typing import Any

from .context import CallContext
from .errors import UnemulatedRequest
from .http import EmuRequest
from .protocols import Protocol

# A handler answers with a JSON-able payload, or a full (status, headers, body) answer.
Handler = Callable[[CallContext[Any]], Any]


@dataclass(frozen=True)
class PathRoute:
    method: str
    pattern: Pattern[str]
    api: str
    handler: Handler
    writes: bool = False
    # SLS tells GET / apart by the host: with a project it is GetProject, without ListProject.
    # None: either; True: the host must name a project; False: it must not.
    project_host: bool | None = None
    # Query parameters the request must carry, e.g. SLS GetLogs is GET /logstores/<ls>?type=log.
    query: tuple[tuple[str, str], ...] = ()


def path(
    method: str,
    regex: str,
    api: str,
    handler: Handler,
    writes: bool = False,
    project_host: bool | None = None,
    query: tuple[tuple[str, str], ...] = (),
) -> PathRoute:
    return PathRoute(method, re.compile(regex), api, handler, writes, project_host, query)


@dataclass(frozen=True)
class Route:
    service: ServiceSpec
    api: str
    handler: Handler
    region: str | None
    project: str | None
    params: dict[str, str]
    writes: bool


@dataclass(frozen=True)
class ServiceSpec:
    """One emulated service: its hosts (named groups `region` and `project`), its APIs."""

    name: str
    protocol: Protocol
    hosts: tuple[Pattern[str], ...]
    actions: dict[str, Handler] = field(default_factory=dict)  # RPC: x-acs-action -> handler
    writes: tuple[str, ...] = ()  # RPC actions that write (throttle code choice)
    paths: tuple[PathRoute, ...] = ()  # path-routed APIs (SLS, FC)
    default_region: str | None = None  # for global hosts such as sts.aliyuncs.com

    def match_host(self, host: str) -> re.Match[str] | None:
        for pattern in self.hosts:
            found = pattern.match(host)
            if found:
                return found
        return None

    def resolve(self, req: EmuRequest, host_match: re.Match[str]) -> Route:
        groups = host_match.groupdict()
        region = groups.get("region") or self.default_region
        project = groups.get("project")
        if self.actions:
            action = req.headers.get("x-acs-action") or req.query.get("Action")
            handler = self.actions.get(action or "")
            if action is None or handler is None:
                raise UnemulatedRequest(
                    req.method, req.url, action, f"{self.name} does not emulate this action"
                )
            return Route(self, action, handler, region, project, {}, action in self.writes)
        for candidate in self.paths:
            if candidate.method != req.method:
                continue
            if candidate.project_host is not None and candidate.project_host != bool(project):
                continue
            if any(req.query.get(key) != value for key, value in candidate.query):
                continue
            found = candidate.pattern.match(req.path)
            if found:
                return Route(
                    self,
                    candidate.api,
                    candidate.handler,
                    region,
                    project,
                    found.groupdict(),
                    candidate.writes,
                )
        raise UnemulatedRequest(
            req.method, req.url, None, f"{self.name} has no route for {req.method} {req.path}"
        )


def host_region(services: Iterable[ServiceSpec], host: str) -> str | None:
    """The region a host names (its service's default for a global host); None when no service
    answers the host or it names none."""
    for service in services:
        found = service.match_host(host)
        if found:
            return found.groupdict().get("region") or service.default_region
    return None


def route(services: Iterable[ServiceSpec], req: EmuRequest) -> Route:
    """The service and API a request is for; UnemulatedRequest when none answers it."""
    for service in services:
        found = service.match_host(req.host)
        if found:
            return service.resolve(req, found)
    action = req.headers.get("x-acs-action") or req.query.get("Action")
    raise UnemulatedRequest(req.method, req.url, action, f"no emulated service answers host {req.host}")
