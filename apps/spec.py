"""An app's spec: what one release runs. Validated here, once, for every door
(console form, API, CLI), with one error message per field that says how to fix it."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from .quantity import QuantityError, cpu_millicores, memory_bytes
from .references import image_reference_errors

NAME_MAX_LENGTH = 63
# A Service name is a DNS-1035 label, so an app name must start with a letter.
_APP_NAME = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_ENV_NAME = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
MAX_ENV_VARS = 100
# Well under the API server's object size limit, and small enough for the audit log.
MAX_ENV_BYTES = 64 * 1024

CPU_RANGE_MILLICORES = (10, 64_000)
MEMORY_RANGE_BYTES = (16 * 2**20, 256 * 2**30)


@dataclass(frozen=True)
class AppSpec:
    """Everything one release of a web app runs. Stored as JSON on the release."""

    image: str
    instances: int = 1
    cpu_limit: str = "500m"
    memory_limit: str = "512Mi"
    cpu_request: str = ""
    memory_request: str = ""
    port: int = 8080
    env: tuple[tuple[str, str], ...] = field(default_factory=tuple)

    @classmethod
    def from_dict(cls, data: dict) -> AppSpec:
        known = {key: data[key] for key in cls.__dataclass_fields__ if key in data}
        known["env"] = tuple(tuple(pair) for pair in known.get("env", ()))
        return cls(**known)

    def to_dict(self) -> dict:
        data = asdict(self)
        data["env"] = [list(pair) for pair in self.env]
        return data

    @property
    def effective_cpu_request(self) -> str:
        return self.cpu_request or self.cpu_limit

    @property
    def effective_memory_request(self) -> str:
        return self.memory_request or self.memory_limit


def app_name_errors(name: str) -> list[str]:
    if len(name) > NAME_MAX_LENGTH:
        return [
            _("A name has at most %(max)d characters; this one has %(length)d.")
            % {"max": NAME_MAX_LENGTH, "length": len(name)}
        ]
    if not _APP_NAME.match(name):
        return [
            _(
                "Use lowercase letters, digits and hyphens, starting with a letter and "
                "ending with a letter or digit, for example my-app-2."
            )
        ]
    return []


def parse_env_lines(text: str) -> tuple[tuple[str, str], ...]:
    """ "KEY=value" per line, as typed in the console; blank lines and #comments skipped."""
    pairs = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        name, equals, value = line.partition("=")
        if not equals:
            raise ValidationError(
                {"env": _("Line %(line)d has no '=': write NAME=value.") % {"line": number}}
            )
        pairs.append((name.strip(), value))
    return tuple(pairs)


def format_env_lines(env: tuple[tuple[str, str], ...]) -> str:
    return "\n".join(f"{name}={value}" for name, value in env)


def validate_spec(spec: AppSpec) -> AppSpec:
    """Return `spec` if it can be deployed; raise ValidationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    if image_errors := image_reference_errors(spec.image):
        errors["image"] = image_errors
    errors.update(_instances_errors(spec.instances))
    errors.update(_resource_errors(spec))
    if not isinstance(spec.port, int) or not 1 <= spec.port <= 65535:
        errors["port"] = [_("The port is a whole number from 1 to 65535.")]
    if env_errors := _env_errors(spec.env):
        errors["env"] = env_errors
    if errors:
        raise ValidationError(errors)
    return spec


def _instances_errors(instances: object) -> dict[str, list[str]]:
    maximum = settings.BERTH_MAX_INSTANCES
    if (
        isinstance(instances, bool)
        or not isinstance(instances, int)
        or not (0 <= instances <= maximum)
    ):
        return {
            "instances": [_("Instances is a whole number from 0 to %(max)d.") % {"max": maximum}]
        }
    return {}


def _resource_errors(spec: AppSpec) -> dict[str, list[str]]:
    """Each amount parsed and bounded; a request, when given, no more than its limit."""
    errors: dict[str, list[str]] = {}
    amounts = {}
    checks = {
        "cpu_limit": (spec.cpu_limit, _cpu_amount),
        "cpu_request": (spec.cpu_request, _cpu_amount),
        "memory_limit": (spec.memory_limit, _memory_amount),
        "memory_request": (spec.memory_request, _memory_amount),
    }
    for name, (text, parse) in checks.items():
        if name.endswith("_request") and not text:
            continue  # empty request: the limit is reserved
        try:
            amounts[name] = parse(str(text))
        except ValueError as error:
            errors[name] = [str(error)]
    for kind, label in (("cpu", _("CPU")), ("memory", _("memory"))):
        request, limit = amounts.get(f"{kind}_request"), amounts.get(f"{kind}_limit")
        if request is not None and limit is not None and request > limit:
            errors[f"{kind}_request"] = [
                _("The reserved %(resource)s cannot be more than the limit.") % {"resource": label}
            ]
    return errors


def _cpu_amount(text: str):
    try:
        millicores = cpu_millicores(text)
    except QuantityError:
        raise ValueError(
            _("'%(value)s' is not a CPU amount: write cores (0.5, 2) or millicores (500m).")
            % {"value": text}
        ) from None
    low, high = CPU_RANGE_MILLICORES
    if not low <= millicores <= high:
        raise ValueError(_("CPU must be between 10m and 64 cores."))
    return millicores


def _memory_amount(text: str):
    try:
        size = memory_bytes(text)
    except QuantityError:
        raise ValueError(
            _("'%(value)s' is not a memory amount: write a number and a unit, as 512Mi or 2Gi.")
            % {"value": text}
        ) from None
    low, high = MEMORY_RANGE_BYTES
    if not low <= size <= high:
        raise ValueError(_("Memory must be between 16Mi and 256Gi."))
    return size


def _env_errors(env: tuple[tuple[str, str], ...]) -> list[str]:
    if len(env) > MAX_ENV_VARS:
        return [_("At most %(max)d environment variables.") % {"max": MAX_ENV_VARS}]
    if sum(len(name) + len(value.encode()) for name, value in env) > MAX_ENV_BYTES:
        return [
            _("The environment may hold at most %(size)d KiB; keep large data elsewhere.")
            % {"size": MAX_ENV_BYTES // 1024}
        ]
    errors = []
    seen = set()
    for name, _value in env:
        if not _ENV_NAME.match(name):
            errors.append(
                _(
                    "'%(name)s' is not a variable name: use letters, digits, '_', '-' and '.', "
                    "not starting with a digit."
                )
                % {"name": name}
            )
        elif name in seen:
            errors.append(_("%(name)s is set twice.") % {"name": name})
        seen.add(name)
    return errors


def spec_changes(before: AppSpec | None, after: AppSpec) -> list[dict]:
    """Field-by-field differences, for a release's "what changed" column."""
    if before is None:
        return []
    old, new = before.to_dict(), after.to_dict()
    return [
        {"field": key, "before": old[key], "after": new[key]}
        for key in new
        if old.get(key) != new[key]
    ]
