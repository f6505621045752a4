#!/usr/bin/env python3
"""Parses a Prometheus text exposition (stdin) with prometheus_client's own parser, the one a
Prometheus-compatible scraper trusts, and prints every sample as JSON lines:
{"name": ..., "labels": {...}, "value": ...}. A line the parser refuses fails the run."""
import json
import sys

from prometheus_client.parser import text_string_to_metric_families

families = list(text_string_to_metric_families(sys.stdin.read()))
for family in families:
    for sample in family.samples:
        print(json.dumps({"family": family.name, "type": family.type, "name": sample.name,
                          "labels": sample.labels, "value": sample.value}))
