"""Supervising engineers' records (监理日常监管): supervision logs, side-station and parallel
inspection records, the chief supervisor's review, the missing-log reminder and the exports."""
