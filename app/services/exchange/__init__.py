"""Data exchange with upper platforms (issue 18): the change feed, exchange accounts, webhooks."""
