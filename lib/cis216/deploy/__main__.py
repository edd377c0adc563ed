"""`python -m cis216.deploy check [s.yaml]` and `python -m cis216.deploy render-policy ...`.

check:          s.yaml against our strict model, and against the fc3 JSON Schema when given
                (--schema, default tests/reference/fc3-props.schema.json next to s.yaml, if it exists).
render-policy:  deploy/ram-policy.json with its ${...} placeholders filled in, on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import jsonschema
from pydantic import ValidationError

from ..validation import describe
from . import load_s_yaml, render, resolve, validate_s_file
from .sfile import SFileError


def _check(args: argparse.Namespace) -> int:
    path = Path(args.file)
    try:
        resolved = resolve(load_s_yaml(path), config={"AccountID": args.account_id})
        validate_s_file(resolved)
    except SFileError as error:
        print(f"{path}: {error}", file=sys.stderr)
        return 1
    except ValidationError as error:
        print(f"{path}: rejected by cis216's model:\n{describe(error, whole='(file)')}", file=sys.stderr)
        return 1
    default_schema = path.resolve().parent / "tests" / "reference" / "fc3-props.schema.json"
    schema_path = Path(args.schema) if args.schema else default_schema
    if schema_path.exists():
        schema = json.loads(schema_path.read_text(encoding="utf-8"))
        (resource,) = resolved["resources"].values()
        errors = list(jsonschema.Draft7Validator(schema).iter_errors(resource["props"]))
        if errors:
            for problem in errors:
                print(f"{path}: fc3 schema: {list(problem.path)}: {problem.message}", file=sys.stderr)
            return 1
        print(f"{path}: ok (cis216 model and {schema_path})")
    else:
        print(f"{path}: ok (cis216 model; fc3 schema not found at {schema_path}, skipped)")
    return 0


def _render(args: argparse.Namespace) -> int:
    text = Path(args.policy).read_text(encoding="utf-8")
    values = {
        "ACCOUNT_ID": args.account_id,
        "FINDINGS_REGION": args.findings_region,
        "FINDINGS_PROJECT": args.findings_project,
        "FINDINGS_LOGSTORE": args.findings_logstore,
        # The organisation policies' (deploy/ram-policy-coordinator.json, ram-policy-worker.json).
        "MEMBER_ROLE_NAME": args.member_role_name,
        "LOG_ARCHIVE_ROLE_NAME": args.log_archive_role_name or args.member_role_name,
        "WORKER_FUNCTION": args.worker_function,
    }
    try:
        sys.stdout.write(render(text, values))
    except ValueError as error:
        print(f"{args.policy}: {error}", file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cis216.deploy", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate s.yaml")
    check.add_argument("file", nargs="?", default="s.yaml")
    check.add_argument("--schema", help="fc3-props.schema.json (default: tests/reference/...)")
    check.add_argument("--account-id", default="1234567890123456", help="what ${config('AccountID')} becomes")
    check.set_defaults(run=_check)
    policy = sub.add_parser("render-policy", help="fill in deploy/ram-policy.json")
    policy.add_argument("--policy", default="deploy/ram-policy.json")
    policy.add_argument("--account-id", required=True)
    policy.add_argument("--findings-region", required=True)
    policy.add_argument("--findings-project", required=True)
    policy.add_argument("--findings-logstore", default="cis216_findings")
    policy.add_argument("--member-role-name", default="cis216-reader", help="organisation policies")
    policy.add_argument("--log-archive-role-name", help="organisation policies (default: the member role)")
    policy.add_argument("--worker-function", default="cis216-worker", help="organisation policies")
    policy.set_defaults(run=_render)
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
