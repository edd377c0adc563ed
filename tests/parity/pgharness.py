"""A throwaway PostgreSQL server for the parity tests, and Steampipe's two tables filled from a snapshot.

The server runs from the PostgreSQL binaries found on PATH, in /usr/local/bin, or under
/usr/lib/postgresql/*/bin; it listens only on a unix socket in a temporary directory. initdb
refuses to run as root, so as root the server runs as the `postgres` OS user (or `nobody`).

The cluster is initialised the way Steampipe initialises its embedded database (`initdb` with
LC_ALL=C and UTF-8 encoding): the C locale is what makes `lower()`/`ilike` fold ASCII letters only.
"""

from __future__ import annotations

import glob
import json
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

SEARCH_DIRS = ("/usr/local/bin", *sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True))

TRAIL_COLUMNS = (
    "name",
    "status",
    "home_region",
    "trail_region",
    "region",
    "event_rw",
    "sls_project_arn",
    "sls_write_role_arn",
    "oss_bucket_name",
    "is_organization_trail",
    "account_id",
)
TRAIL_FIELDS = {
    "name": "Name",
    "status": "Status",
    "home_region": "HomeRegion",
    "trail_region": "TrailRegion",
    "event_rw": "EventRW",
    "sls_project_arn": "SlsProjectArn",
    "sls_write_role_arn": "SlsWriteRoleArn",
    "oss_bucket_name": "OssBucketName",
    "is_organization_trail": "IsOrganizationTrail",
}
ALERT_COLUMNS = ("project", "region", "name", "display_name", "status", "query_list", "account_id")

SCHEMA = """
create table alicloud_action_trail (
  name text, status text, home_region text, trail_region text, region text, event_rw text,
  sls_project_arn text, sls_write_role_arn text, oss_bucket_name text, is_organization_trail boolean,
  account_id text
);
create table alicloud_sls_alert (
  project text, region text, name text, display_name text, status text, query_list jsonb,
  account_id text
);
"""

Row = tuple[str | None, str | None, str | None, str | None, str | None]


def find_binaries() -> dict[str, str] | None:
    """Paths of initdb and pg_ctl (and postgres next to them), or None when there is no server."""
    candidates = []
    on_path = shutil.which("initdb")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    candidates.extend(SEARCH_DIRS)
    for directory in candidates:
        tools = {name: os.path.join(directory, name) for name in ("initdb", "pg_ctl", "postgres")}
        if all(os.access(path, os.X_OK) for path in tools.values()):
            return tools
    return None


def _server_user() -> pwd.struct_passwd | None:
    """None: run as ourselves. As root: the `postgres` user, else `nobody`."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root and neither a 'postgres' nor a 'nobody' user exists for initdb")


class PgServer:
    def __init__(self, tools: dict[str, str]):
        self.tools = tools
        self.user = _server_user()
        self.root = Path(tempfile.mkdtemp(prefix="cis216-pg-"))
        self.data = self.root / "data"
        self.socket_dir = self.root / "socket"
        self.log = self.root / "server.log"
        self.started = False

    def _run(self, argv: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
        if self.user is not None:
            argv = ["runuser", "-u", self.user.pw_name, "--", *argv]
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=env, check=False)

    def start(self) -> None:
        self.socket_dir.mkdir()
        if self.user is not None:
            for path in (self.root, self.socket_dir):
                os.chown(path, self.user.pw_uid, self.user.pw_gid)
        done = self._run(
            [
                self.tools["initdb"],
                "-D",
                str(self.data),
                "--username=postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C",
                "--no-sync",
                "--no-instructions",
            ]
        )
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout}\n{done.stderr}")
        options = f"-c listen_addresses='' -k {self.socket_dir} -c fsync=off -c synchronous_commit=off"
        done = self._run(
            [
                self.tools["pg_ctl"],
                "-D",
                str(self.data),
                "-o",
                options,
                "-l",
                str(self.log),
                "-w",
                "-t",
                "60",
                "start",
            ]
        )
        if done.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed:\n{done.stdout}\n{done.stderr}\n{log}")
        self.started = True

    def connect(self):
        import psycopg

        deadline = time.monotonic() + 30
        while True:
            try:
                return psycopg.connect(
                    host=str(self.socket_dir), user="postgres", dbname="postgres", autocommit=True
                )
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def stop(self) -> None:
        try:
            if self.started:
                self._run([self.tools["pg_ctl"], "-D", str(self.data), "-m", "immediate", "-w", "stop"])
        finally:
            self.started = False
            shutil.rmtree(self.root, ignore_errors=True)


def _column(value: Any) -> Any:
    """Steampipe's general rule: an empty string or `false` becomes NULL."""
    if value == "" or value is False:
        return None
    return value


def table_rows(document: dict[str, Any]) -> tuple[list[tuple], list[tuple]]:
    """The rows Steampipe's alicloud_action_trail and alicloud_sls_alert hold for a raw snapshot."""
    from psycopg.types.json import Jsonb

    account_id = str(document["account_id"])
    trails, alerts = [], []
    for region, region_doc in document["regions"].items():
        for trail in region_doc.get("trails") or []:
            row = {column: _column(trail.get(field)) for column, field in TRAIL_FIELDS.items()}
            row.update(region=region, account_id=account_id)
            trails.append(tuple(row[c] for c in TRAIL_COLUMNS))
        for project, project_doc in (region_doc.get("sls_projects") or {}).items():
            for alert in project_doc.get("alerts") or []:
                configuration = alert.get("configuration")
                query_list = configuration.get("queryList") if isinstance(configuration, dict) else None
                alerts.append(
                    (
                        project,
                        region,
                        _column(alert.get("name")),
                        _column(alert.get("displayName")),
                        _column(alert.get("status")),
                        None if query_list is None else Jsonb(query_list),
                        account_id,
                    )
                )
    return trails, alerts


class ParityDatabase:
    """One connection holding the two tables; `rows(document)` refills them and runs the reference SQL."""

    def __init__(self, connection, reference_sql: str):
        self.connection = connection
        self.reference_sql = reference_sql
        with connection.cursor() as cursor:
            cursor.execute(SCHEMA)

    def load(self, document: dict[str, Any]) -> None:
        trails, alerts = table_rows(document)
        with self.connection.cursor() as cursor:
            cursor.execute("truncate alicloud_action_trail, alicloud_sls_alert")
            if trails:
                cursor.executemany(
                    f"insert into alicloud_action_trail ({', '.join(TRAIL_COLUMNS)}) "
                    f"values ({', '.join(['%s'] * len(TRAIL_COLUMNS))})",
                    trails,
                )
            if alerts:
                cursor.executemany(
                    f"insert into alicloud_sls_alert ({', '.join(ALERT_COLUMNS)}) "
                    f"values ({', '.join(['%s'] * len(ALERT_COLUMNS))})",
                    alerts,
                )

    def reference_rows(self, document: dict[str, Any]) -> list[Row]:
        """The reference query's rows over `document`: (resource, status, reason, account_id, region)."""
        self.load(document)
        with self.connection.cursor() as cursor:
            cursor.execute(self.reference_sql)  # no parameters: the '%' of the ilike patterns stay literal
            return [tuple(row) for row in cursor.fetchall()]

    def scalar(self, sql: str, *params: Any) -> Any:
        with self.connection.cursor() as cursor:
            cursor.execute(sql, params or None)
            return cursor.fetchone()[0]


def python_rows(findings: Iterable[Any]) -> list[Row]:
    """The powerpipe profile's rows in the same shape; `error` findings are cis216's own additions."""
    return [(f.resource, f.status, f.reason, f.account_id, f.region) for f in findings if f.status != "error"]


def dump(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=1)
