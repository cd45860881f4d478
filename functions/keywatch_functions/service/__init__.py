"""Service functions: one use case each, given ports, never a CloudEvent or an SDK client."""
