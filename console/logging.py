"""Structured log lines: the message, then `key=value` pairs of context.

Code attaches context with `extra={"organization": ..., "application": ...}` so a
line says which tenant's what happened, and the message itself stays plain.
"""

import logging

CONTEXT_KEYS = ("organization", "application", "release", "cluster", "task_id", "request_id")


class StructuredFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        context = [f"{key}={getattr(record, key)}" for key in CONTEXT_KEYS if hasattr(record, key)]
        return " ".join([line, *context]) if context else line
