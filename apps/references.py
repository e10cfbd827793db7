"""Container image references ("nginx:1.27", "registry:5000/team/app@sha256:..."),
checked against the distribution reference grammar with messages that say what to fix."""

import re

from django.utils.translation import gettext as _

_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_DOMAIN = rf"{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*(?::[0-9]+)?"
_PATH_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_NAME = re.compile(rf"^(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*$", re.ASCII)
_TAG = re.compile(r"^[\w][\w.-]{0,127}$", re.ASCII)
_DIGEST = re.compile(r"^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$")

EXAMPLE = "nginx:1.27"
MAX_LENGTH = 255


def image_reference_errors(reference: str) -> list[str]:
    """Everything wrong with `reference`, as sentences; empty when it is valid."""
    reference = reference.strip()
    if not reference:
        return [_("Give an image, for example %(example)s.") % {"example": EXAMPLE}]
    if len(reference) > MAX_LENGTH:
        return [_("An image reference has at most %(max)d characters.") % {"max": MAX_LENGTH}]
    if any(ch.isspace() for ch in reference):
        return [_("An image reference cannot contain spaces.")]

    name, _at, digest = reference.partition("@")
    if _at and not _DIGEST.match(digest):
        return [_("The digest after '@' must look like sha256:<64 hex digits>.")]

    # A colon after the last slash separates the tag; one before it is a registry port.
    last_slash = name.rfind("/")
    colon = name.rfind(":")
    tag = None
    if colon > last_slash:
        name, tag = name[:colon], name[colon + 1 :]
    if tag is not None and not tag:
        return [
            _("The tag after ':' is empty: write a tag such as %(example)s, or leave out the ':'.")
            % {"example": EXAMPLE}
        ]
    if tag is not None and not _TAG.match(tag):
        return [
            _(
                "The tag '%(tag)s' may use letters, digits, '_', '.' and '-', must not start "
                "with '.' or '-', and has at most 128 characters."
            )
            % {"tag": tag}
        ]
    if not _NAME.match(name):
        return [
            _(
                "'%(name)s' is not an image name: use lowercase letters, digits and "
                "separators, optionally behind a registry, as in %(example)s."
            )
            % {"name": name, "example": EXAMPLE}
        ]
    return []
