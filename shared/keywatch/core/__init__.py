"""The pure core: rules and arithmetic with no I/O and no cloud SDK imports."""
