"""Autoscaling: policies of CPU rules over periods and weekly or dated schedules.

TODO: the autoscaling issue fills this package (models of policies, rules and
schedules, the pure arithmetic deciding instance counts, and the periodic task that
evaluates them and calls `apps.actions.scale_application`). Nothing lives here yet.
"""
