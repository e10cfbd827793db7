"""Berth's local services for `make run` and `make test`: Redis and PostgreSQL from
Debian's packages, started on loopback under a state directory of their own."""
