#!/usr/bin/env python3
"""Holds a running alfa HTTP listener to its own /openapi.json, both ways:
- every documented operation is called (path parameters filled from --trader) and its answer
  must have a documented status and a body valid against that status' schema; the schemas
  forbid undocumented fields, so a field the server adds and the document lacks fails too;
- every route the server says it has (--routes, from the Swift code) must be documented, and
  an undocumented path must be a 404 with the JSON error body.
Prints one JSON object: {"checked": [...], "failures": [...]}. Exit status 0 either way.

  check_contract.py BASE_URL --trader 0x... --routes /a,/b [--token T]
"""
import argparse
import json
import urllib.error
import urllib.request

from jsonschema import Draft202012Validator


def fetch(url, token=None, method="GET"):
    request = urllib.request.Request(url, method=method)
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--trader", required=True)
    parser.add_argument("--routes", required=True)
    parser.add_argument("--token")
    args = parser.parse_args()
    base = args.base.rstrip("/")
    status, _, body = fetch(base + "/openapi.json")
    document = json.loads(body)
    failures, checked = [], []

    documented = set(document["paths"])
    routes = set(args.routes.split(","))
    for missing in sorted(routes - documented):
        failures.append(f"{missing}: served but not in openapi.json")
    for extra in sorted(documented - routes):
        failures.append(f"{extra}: in openapi.json but not served")

    for path, item in sorted(document["paths"].items()):
        for method, operation in item.items():
            url = base + path.replace("{address}", args.trader)
            status, content_type, body = fetch(url, args.token, method.upper())
            checked.append(f"{method.upper()} {path} -> {status}")
            responses = operation["responses"]
            if str(status) not in responses:
                failures.append(f"{method.upper()} {path}: status {status} is not documented ({sorted(responses)})")
                continue
            content = responses[str(status)].get("content", {})
            if not content:
                continue
            media, spec = next(iter(content.items()))
            if not content_type.startswith(media):
                failures.append(f"{method.upper()} {path}: Content-Type {content_type}, documented {media}")
                continue
            if media != "application/json":
                continue
            # The document's "#/components/..." references resolve against this root.
            schema = {**spec["schema"], "components": document["components"]}
            errors = sorted(Draft202012Validator(schema).iter_errors(json.loads(body)), key=lambda e: list(e.path))
            for error in errors[:5]:
                failures.append(f"{method.upper()} {path}: {'/'.join(map(str, error.path)) or '(body)'}: {error.message}")

    status, content_type, body = fetch(base + "/api/v1/nothing-here", args.token)
    checked.append(f"GET /api/v1/nothing-here -> {status}")
    if status != 404 or "error" not in json.loads(body or b"{}"):
        failures.append(f"an undocumented path answered {status}: {body[:200]!r}")
    print(json.dumps({"checked": checked, "failures": failures}))


if __name__ == "__main__":
    main()
