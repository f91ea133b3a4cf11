"""Insight: statistics over alarms, orders, hazardous works and urging, scoped to the actor."""
