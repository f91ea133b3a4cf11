"""marshmallow schemas for the API: shape only; rules live in the services."""
