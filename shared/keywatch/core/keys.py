"""Every Redis key keywatch writes, under one prefix (`Settings.counting_prefix`, "kw"). Pure.

Counting (classify writes, health reads; the fields of each hash: `keywatch.core.counting`):
- `kw:s:<sid>` a model series; `kw:key:<fp>:<sid>` a key's series on a model (sid: 8 hex of
  the model name), so a run reads only the series it computes; `kw:key:<fp>` the key's own
  hash: its series (`m:<sid>`: the state last computed and the model's document id, "" before
  the first run), what makes the key invalid on every model (`li` its latest invalid_key
  failure on any model, `ti` the latest RECENT_FAILURES of them, `ls` its latest success), its
  summary document's record `_d` and the invalid flag it was computed with `_i` ("0", or "1
  <probe ms>");
- `kw:pm:<provider>` the set of a provider's model series; `kw:pd` provider documents' records;
- `kw:f:<event id>` a failure's marker (what its recovery applies); `kw:r:<event id>` a
  recovery's marker; `kw:t:<batch id>:<chunk>` a tally chunk's marker;
- `kw:dirty:k` the key series with new counts (`<fp>|<sid>`), `kw:dirty:r` the providers with
  new counts; `kw:sched:k` and `kw:sched:r` the minute each key series (or a key's summary,
  `<fp>|`) and each provider is due again (`core.writes`);
- `kw:health:lock`, `kw:health:as_of`, `kw:since`: the health run's lock, its latest tick, and
  when counting began.

Notify and classify's alert gate:
- `kw:notified:<uid>:<provider>:<reason>:<fp>` the told marker (`<...>:pending` while a send is
  in flight, `<...>:webhook` for that channel); `kw:usercap:<uid>:<YYYYMMDD>` a user's pushes
  today; `kw:restored:<uid>:<provider>:<told at>` a "works again" signal sent;
  `kw:webhook:gone:<hash of the URL>` the endpoint answered 410;
- `kw:alerted:<uid>:<provider>:<reason>:<fp>` classify's one alert per problem;
- `kw:told:<fp>` a key's told markers and alert claims, `kw:owners:<fp>` the users whose
  status names it as broken: cleared by its next success.

Provider incidents (notify's guard; the health run reads them for the status page):
- `kw:{inc:<provider>:<reason>}:m:<minute>` a minute's distinct failing keys (HyperLogLog),
  `...:b:<minute>` the baseline computed for that minute, `...:open` the open incident;
- `kw:incidents` and `kw:incidents:info`: the incidents opened in the last 7 days.

Redis Cluster (docs/counting.md, "Scaling past one primary"): a script runs only when all its
keys hash to one slot. The incident keys already share one, by their hash tag, and the guard
is given every key it touches. The counting scripts build their keys from the prefix inside
Lua, which a cluster rejects: moving to a cluster gives them hash tags, `kw:{<fp>}:key`,
`kw:{<fp>}:key:<sid>` and `kw:{<fp>}:f:<event id>` in the key's slot, `kw:{<msid>}:s` and its
own markers in the model's, and splits count_failure.lua in two idempotent calls, one a slot.
notify's scripts take a user's told marker, its pending marker and the user's cap: they get
the user's hash tag, `kw:{<uid>}:notified:...`, `kw:{<uid>}:usercap:...`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Layout:
    """Redis key names, under one prefix (tests sharing one server use their own)."""

    prefix: str = "kw"

    # -- counting --------------------------------------------------------------------------

    def series(self, sid: str) -> str:
        return f"{self.prefix}:s:{sid}"

    def key(self, fingerprint: str) -> str:
        """A key's own hash: its series (`m:<sid>`), its key-wide facts and summary record."""
        return f"{self.prefix}:key:{fingerprint}"

    def key_series(self, fingerprint: str, sid: str) -> str:
        """A key's series on one model."""
        return f"{self.prefix}:key:{fingerprint}:{sid}"

    def failure_marker(self, event_id: str) -> str:
        return f"{self.prefix}:f:{event_id}"

    def recovery_marker(self, event_id: str) -> str:
        return f"{self.prefix}:r:{event_id}"

    def tally_marker(self, batch_id: str, chunk: int) -> str:
        return f"{self.prefix}:t:{batch_id}:{chunk}"

    @property
    def dirty_keys(self) -> str:  # set of key series with new counts, `<fp>|<sid>`
        return f"{self.prefix}:dirty:k"

    @property
    def dirty_rollups(self) -> str:  # set of providers with new counts
        return f"{self.prefix}:dirty:r"

    @property
    def sched_keys(self) -> str:  # zset: `<fp>|<sid>` (or `<fp>|`) -> Unix minute it is due
        return f"{self.prefix}:sched:k"

    @property
    def sched_rollups(self) -> str:  # zset: provider -> Unix minute of its next window change
        return f"{self.prefix}:sched:r"

    def provider_models(self, provider: str) -> str:
        return f"{self.prefix}:pm:{provider}"

    @property
    def provider_digests(self) -> str:
        return f"{self.prefix}:pd"

    @property
    def run_lock(self) -> str:
        return f"{self.prefix}:health:lock"

    @property
    def run_as_of(self) -> str:
        return f"{self.prefix}:health:as_of"

    @property
    def since(self) -> str:  # when this store started counting (gone after a data loss)
        return f"{self.prefix}:since"

    # -- notify and the alert gate ---------------------------------------------------------

    def told(self, uid: str, provider: str, reason: str, fingerprint: str) -> str:
        """One push per (user, provider, reason, key) per dedup window. A new key is told
        again."""
        return f"{self.prefix}:notified:{uid}:{provider}:{reason}:{fingerprint}"

    @staticmethod
    def pending(told: str) -> str:
        """Held, with its owner's random token, while a delivery sends for `told`."""
        return f"{told}:pending"

    @staticmethod
    def on_channel(key: str, channel: str) -> str:
        """A marker (told, cap) per channel: FCM keeps the names it always had."""
        return key if channel == "fcm" else f"{key}:{channel}"

    def alerted(self, uid: str, provider: str, reason: str, fingerprint: str) -> str:
        """classify's one-alert-per-problem window for (user, provider, reason, key)."""
        return f"{self.prefix}:alerted:{uid}:{provider}:{reason}:{fingerprint}"

    def user_cap(self, uid: str, day: datetime) -> str:
        """Counts the pushes a user got today, across providers and reasons, to stop storms."""
        return f"{self.prefix}:usercap:{uid}:{day:%Y%m%d}"

    def restored_cap(self, uid: str, day: datetime) -> str:
        """Counts the "works again" signals a user got today (a cap of their own)."""
        return f"{self.user_cap(uid, day)}:restored"

    def restored(self, uid: str, provider: str, told_at: datetime) -> str:
        """One "works again" signal per told problem: the problem is named by when it was
        told."""
        return f"{self.prefix}:restored:{uid}:{provider}:{told_at.timestamp():.3f}"

    def webhook_gone(self, url: str) -> str:
        """Set when the endpoint answered 410 Gone: the webhook is off until an operator
        deletes it (docs/webhook.md) or the URL changes."""
        return f"{self.prefix}:webhook:gone:{hashlib.sha256(url.encode()).hexdigest()[:16]}"

    def told_index(self, fingerprint: str) -> str:
        """A key's told markers and alert claims: a sorted set of their Redis keys, scored by
        the time of the failure each came from. A later success of the key clears them;
        entries older than 24 h are trimmed as new ones come, so a key broken for weeks holds
        at most a day's worth."""
        return f"{self.prefix}:told:{fingerprint}"

    def owners_index(self, fingerprint: str) -> str:
        """The (uid, provider) pairs whose status names this key as broken: a sorted set of
        JSON pairs scored by the latest failure noted, read when the key succeeds again."""
        return f"{self.prefix}:owners:{fingerprint}"

    # -- provider incidents ----------------------------------------------------------------

    def incident(self, provider: str, reason: str) -> str:
        """The prefix of one (provider, reason)'s incident keys; its hash tag keeps them in
        one cluster slot."""
        return f"{self.prefix}:{{inc:{provider}:{reason}}}"

    def incident_bucket(self, provider: str, reason: str, minute: int) -> str:
        """The HyperLogLog of the key fingerprints failing with (provider, reason) in
        `minute`."""
        return f"{self.incident(provider, reason)}:m:{minute}"

    def incident_buckets(self, provider: str, reason: str, minutes: Iterable[int]) -> list[str]:
        """`incident_bucket` of each of `minutes`, in order (the guard's 65 a call)."""
        base = self.incident(provider, reason)
        return [f"{base}:m:{m}" for m in minutes]

    def incident_baseline(self, provider: str, reason: str, minute: int) -> str:
        """The baseline the guard computed for `minute` (cached for 3 minutes)."""
        return f"{self.incident(provider, reason)}:b:{minute}"

    def incident_open(self, provider: str, reason: str) -> str:
        """The open incident: a hash of opened, baseline, threshold, opener."""
        return f"{self.incident(provider, reason)}:open"

    @property
    def incidents(self) -> str:  # sorted set: incident id -> opened (epoch s)
        return f"{self.prefix}:incidents"

    @property
    def incidents_info(self) -> str:  # hash: incident id -> JSON of what opened it
        return f"{self.prefix}:incidents:info"


__all__ = ["Layout"]
