"""Cloud Functions (gen2) entry points: `classify`, `notify`, `health`.

Each is a Pub/Sub-triggered CloudEvent function; the work lives in the keywatch package.
"""

import functions_framework

from keywatch_functions import entrypoints as functions


@functions_framework.cloud_event
def classify(cloud_event):  # type: ignore[no-untyped-def]
    functions.classify(cloud_event)


@functions_framework.cloud_event
def notify(cloud_event):  # type: ignore[no-untyped-def]
    functions.notify(cloud_event)


@functions_framework.cloud_event
def health(cloud_event):  # type: ignore[no-untyped-def]
    functions.health(cloud_event)
