"""SLS endpoints: [<project>.]<region>[-intranet|-internal].log.aliyuncs.com, routed by path."""

from __future__ import annotations

import re

from ..protocols import SlsProtocol
from ..router import ServiceSpec, path
from . import management as m
from . import responses as r

_NAME = r"[^/]+"

SERVICE = ServiceSpec(
    name="sls",
    protocol=SlsProtocol(),
    hosts=(
        re.compile(
            r"^(?:(?P<project>[a-z0-9][a-z0-9-]*)\.)?(?P<region>[a-z]{2}-[a-z0-9-]+?)"
            r"(?:-intranet|-internal|-share)?\.log\.aliyuncs\.com$"
        ),
    ),
    paths=(
        path("GET", r"^/?$", "ListProject", r.list_project, project_host=False),
        path("GET", r"^/?$", "GetProject", r.get_project, project_host=True),
        path("GET", r"^/logstores/?$", "ListLogStores", r.list_logstores),
        path("GET", rf"^/logstores/(?P<logstore>{_NAME})/index/?$", "GetIndex", r.get_index),
        # GetLogs before GetLogStore: the same path, told apart by ?type=log.
        path(
            "GET", rf"^/logstores/(?P<logstore>{_NAME})/?$", "GetLogs", r.get_logs, query=(("type", "log"),)
        ),
        path("GET", rf"^/logstores/(?P<logstore>{_NAME})/?$", "GetLogStore", r.get_logstore),
        path(
            "POST",
            rf"^/logstores/(?P<logstore>{_NAME})/shards/(?:lb|route)/?$",
            "PutLogs",
            r.put_logs,
            writes=True,
        ),
        path("POST", rf"^/logstores/(?P<logstore>{_NAME})/logs/?$", "GetLogsV2", r.get_logs_v2),
        path("GET", r"^/jobs/?$", "ListAlerts", r.list_jobs),
        # Setting up the findings store (cis216 setup): emulator/sls/management.py.
        path("POST", r"^/?$", "CreateProject", m.create_project, writes=True, project_host=True),
        path("POST", r"^/logstores/?$", "CreateLogStore", m.create_logstore, writes=True),
        path(
            "POST", rf"^/logstores/(?P<logstore>{_NAME})/index/?$", "CreateIndex", m.create_index, writes=True
        ),
        path(
            "PUT", rf"^/logstores/(?P<logstore>{_NAME})/index/?$", "UpdateIndex", m.update_index, writes=True
        ),
        path("POST", r"^/dashboards/?$", "CreateDashboard", m.create_dashboard, writes=True),
        path("GET", rf"^/dashboards/(?P<dashboard>{_NAME})/?$", "GetDashboard", m.get_dashboard),
        path(
            "PUT",
            rf"^/dashboards/(?P<dashboard>{_NAME})/?$",
            "UpdateDashboard",
            m.update_dashboard,
            writes=True,
        ),
    ),
)
