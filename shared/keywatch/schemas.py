"""JSON Schema files for the event contract, generated from the pydantic models.

`python -m keywatch.schemas` rewrites `schemas/`; a test fails when they are stale.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from keywatch.events import (
    SCHEMA_VERSION,
    Alert,
    FailureEvent,
    KeyRestored,
    KeyValidated,
    SuccessTally,
    TallyBatch,
    TallyGroup,
)

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"
MODELS: dict[str, type[BaseModel]] = {
    "failure": FailureEvent,
    "tally": SuccessTally,
    "tallies": TallyBatch,
    "alert": Alert,
    "key_validated": KeyValidated,
    "key_restored": KeyRestored,
}


def _schema(model: type[BaseModel]) -> dict[str, Any]:
    schema = model.model_json_schema(mode="serialization")
    if model is TallyBatch:
        # Consumers validate the groups one by one (so one bad group is dropped alone); the
        # schema still says what a group is.
        group = TallyGroup.model_json_schema(mode="serialization")
        defs = {**schema.get("$defs", {}), **group.pop("$defs", {}), "TallyGroup": group}
        schema["$defs"] = defs
        schema["properties"]["groups"]["items"] = {"$ref": "#/$defs/TallyGroup"}
    return schema


def render() -> dict[str, str]:
    """File name -> file text, for every model."""
    out = {}
    for name, model in MODELS.items():
        schema: dict[str, Any] = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "$id": f"https://keywatch.dev/schemas/{name}.v{SCHEMA_VERSION}.json",
            **_schema(model),
        }
        out[f"{name}.v{SCHEMA_VERSION}.json"] = json.dumps(schema, indent=2, sort_keys=True) + "\n"
    return out


def main() -> int:
    SCHEMA_DIR.mkdir(exist_ok=True)
    for name, text in render().items():
        (SCHEMA_DIR / name).write_text(text)
        print(f"wrote schemas/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
