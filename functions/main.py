"""Cloud Functions (gen2) entry points: `classify`, `notify`, `health`.

Each is a Pub/Sub-triggered CloudEvent function; its module in keywatch_functions reads top to
bottom: decode the message, call the service, return or raise.
"""

import functions_framework

from keywatch_functions import classify as classify_function
from keywatch_functions import health as health_function
from keywatch_functions import notify as notify_function
from keywatch_functions import status as status_function


@functions_framework.cloud_event
def classify(cloud_event):  # type: ignore[no-untyped-def]
    classify_function.classify(cloud_event)


@functions_framework.cloud_event
def notify(cloud_event):  # type: ignore[no-untyped-def]
    notify_function.notify(cloud_event)


@functions_framework.cloud_event
def health(cloud_event):  # type: ignore[no-untyped-def]
    health_function.health(cloud_event)


@functions_framework.http
def status_page(request):  # type: ignore[no-untyped-def]
    return status_function.status_page(request)
