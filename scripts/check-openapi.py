#!/usr/bin/env python3
"""Checks that the OpenAPI document Pantau serves (assembled from each
stage's part, printed by `pantau openapi`) is valid OpenAPI 3.

Usage: scripts/check-openapi.py --binary .build/debug/pantau"""
import argparse, subprocess, sys
import yaml
from openapi_spec_validator import validate

parser = argparse.ArgumentParser()
parser.add_argument("--binary", required=True)
args = parser.parse_args()
text = subprocess.run([args.binary, "openapi"], check=True, capture_output=True, text=True, timeout=120).stdout
spec = yaml.safe_load(text)
validate(spec)
public = [f"{method.upper()} {path}" for path, item in spec["paths"].items() for method, op in item.items()
          if isinstance(op, dict) and op.get("security") == []]
print(f"ok   openapi.yaml is valid ({len(spec['paths'])} paths, {len(public)} public operations)")
