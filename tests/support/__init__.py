"""Test support: real PostgreSQL, Redis and MQTT servers started per test session.

`services` starts and stops the servers; `pytest_services` turns them into fixtures.
"""
