"""keywatch's Cloud Functions: what runs in the cloud, never in a backend.

`functions/main.py` binds the three entry points to functions-framework, one module each
(`classify.py`, `notify.py`, `health.py`), which read top to bottom: decode the Pub/Sub message
(`decode.py`), call one service (`service/`) with dependencies built once per instance
(`bootstrap.py`) behind the protocols of `ports.py`, whose cloud adapters live in `adapters/`;
return, or raise so that Pub/Sub retries.
"""
