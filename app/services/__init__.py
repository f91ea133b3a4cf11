"""Use cases: plain functions, one transaction each. They raise DomainError, never HTTP errors."""
