"""Safety education (安全教育): the site roster, education sessions with exam results, the
project's education ledger (who has not passed the three entry levels) and the reminders."""
