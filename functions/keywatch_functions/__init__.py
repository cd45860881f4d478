"""keywatch's Cloud Functions: what runs in the cloud, never in a backend.

`functions/main.py` binds the three entry points (`entrypoints.py`) to functions-framework. Each
decodes the Pub/Sub message (`decode.py`), calls one service (`service/`) with dependencies
built once per instance (`bootstrap.py`) behind the protocols of `ports.py`, whose cloud
adapters live in `adapters/`.
"""
