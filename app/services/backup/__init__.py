"""Backup and restore of the whole system, scheduled backups with retention, and the monthly
archive of the audit log (seed 001, 3.3.1).

A capability, not plumbing: beside moving bytes (`_database`, `archive`) it keeps records
(backup_archive, audit_archive), checks who may read them, and runs the one procedure allowed
to remove audit rows. It builds on access only.
"""
