"""The Firestore emulator as an app client sees it: a user's ID token, the REST API, the rules.

The emulator evaluates security rules for every request except an admin's: `Authorization:
Bearer owner` (what the server SDKs send it) bypasses them. A client request carries a
Firebase ID token instead, which the emulator decodes without checking its signature, so an
unsigned one (alg "none", as the Firebase JS SDK's `mockUserToken` makes) stands for any user.
No Authorization header at all is an anonymous request (`request.auth == null`).

Everything here talks to the emulator on loopback, through an opener that ignores proxy
variables (a proxy would take the request elsewhere, and tests talk to loopback only).
"""

from __future__ import annotations

import base64
import ipaddress
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

ADMIN = "owner"  # the emulator's admin token: rules bypassed


class RulesError(RuntimeError):
    """The emulator refused a ruleset; the message holds its compiler's errors."""


def _b64url(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def id_token(uid: str, project: str, *, now: float | None = None) -> str:
    """An unsigned Firebase ID token for `uid`: the claims the emulator reads into
    `request.auth` (uid from `sub`/`user_id`, the sign-in provider), valid for an hour."""
    iat = int(time.time() if now is None else now)
    header = {"alg": "none", "typ": "JWT"}
    payload = {
        "iss": f"https://securetoken.google.com/{project}",
        "aud": project,
        "iat": iat,
        "exp": iat + 3600,
        "auth_time": iat,
        "sub": uid,
        "user_id": uid,
        "firebase": {"sign_in_provider": "password", "identities": {}},
    }
    return f"{_b64url(header)}.{_b64url(payload)}."  # empty signature


@dataclass(frozen=True)
class Response:
    status: int
    body: dict[str, Any]

    @property
    def message(self) -> str:
        return str(self.body.get("error", {}).get("message", ""))


def _parsed(raw: bytes) -> dict[str, Any]:
    """A JSON body; anything else (the emulator's root answers "Ok") as its text."""
    try:
        parsed = json.loads(raw or b"{}")
    except ValueError:
        return {"text": raw.decode(errors="replace")}
    return parsed if isinstance(parsed, dict) else {"value": parsed}


def _fields(data: dict[str, str | None]) -> dict[str, Any]:
    """Firestore's REST encoding of a flat document of strings and nulls."""
    return {
        "fields": {
            k: {"nullValue": None} if v is None else {"stringValue": v} for k, v in data.items()
        }
    }


class FirestoreRest:
    """Firestore's REST API (v1) and the emulator's own endpoints, on one project."""

    def __init__(self, host: str, project: str, database: str = "(default)") -> None:
        hostname = urllib.parse.urlsplit(f"//{host}").hostname or ""
        if not ipaddress.ip_address(hostname).is_loopback:
            raise ValueError(f"{host!r}: the emulator is reached on loopback only")
        self.base = f"http://{host}"
        self.project = project
        self.documents = f"/v1/projects/{project}/databases/{database}/documents"
        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def request(
        self, method: str, path: str, body: dict[str, Any] | None = None, token: str | None = None
    ) -> Response:
        headers = {"Content-Type": "application/json"}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with self._opener.open(req, timeout=10) as resp:
                return Response(resp.status, _parsed(resp.read()))
        except urllib.error.HTTPError as exc:
            return Response(exc.code, _parsed(exc.read()))

    def ready(self) -> bool:
        try:
            return self.request("GET", "/").status == 200
        except OSError:
            return False

    # -- rules (the emulator's own endpoint, as firebase-tools uses it) ----------------------

    def load_rules(self, source: str) -> None:
        """Make `source` this project's ruleset; RulesError with the compiler's messages when
        it does not compile (the previous ruleset then stays)."""
        body = {"rules": {"files": [{"name": "firestore.rules", "content": source}]}}
        resp = self.request("PUT", f"/emulator/v1/projects/{self.project}:securityRules", body)
        if resp.status != 200:
            raise RulesError(f"{resp.status}: {resp.message}")

    def rules(self) -> str:
        """The ruleset in force ("OPEN_RULES", allowing everything, until one is loaded)."""
        resp = self.request("GET", f"/emulator/v1/projects/{self.project}:securityRules")
        return "".join(f["content"] for f in resp.body["rules"]["files"])

    # -- documents --------------------------------------------------------------------------

    def get(self, path: str, token: str | None) -> Response:
        return self.request("GET", f"{self.documents}/{path}", token=token)

    def list(self, collection: str, token: str | None) -> Response:
        return self.request("GET", f"{self.documents}/{collection}", token=token)

    def create(
        self, collection: str, doc_id: str, data: dict[str, str | None], token: str | None
    ) -> Response:
        query = urllib.parse.urlencode({"documentId": doc_id})
        return self.request(
            "POST", f"{self.documents}/{collection}?{query}", _fields(data), token=token
        )

    def patch(self, path: str, data: dict[str, str | None], token: str | None) -> Response:
        """Update the named fields (creating the document if it is missing)."""
        mask = urllib.parse.urlencode([("updateMask.fieldPaths", k) for k in data])
        return self.request("PATCH", f"{self.documents}/{path}?{mask}", _fields(data), token=token)

    def delete(self, path: str, token: str | None) -> Response:
        return self.request("DELETE", f"{self.documents}/{path}", token=token)
