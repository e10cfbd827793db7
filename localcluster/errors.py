"""The one error the command line reports as a message rather than a traceback."""


class ClusterError(RuntimeError):
    """Something the person running the cluster can act on; the text says what."""
