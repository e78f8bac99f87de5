#!/usr/bin/env python3
"""Checks that the OpenAPI document Pantau serves (kept in
Sources/PantauApp/OpenAPIDocument.swift) is valid OpenAPI 3."""
import os, sys
import yaml
from openapi_spec_validator import validate

source = os.path.join(os.path.dirname(__file__), "..", "Sources", "PantauApp", "OpenAPIDocument.swift")
text = open(source).read().split('#"""\n', 1)[1].split('\n"""#', 1)[0]
spec = yaml.safe_load(text)
validate(spec)
print(f"ok   openapi.yaml is valid ({len(spec['paths'])} paths)")
