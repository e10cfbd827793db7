"""Tenancy: organizations, departments, members and roles, access rules, the audit log."""
