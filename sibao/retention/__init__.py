"""Retention of personal epidemic data (issue 15 #2): how long each kind is kept per region, the daily purge of
expired rows, and the "emergency over" purge an HQ office starts for its region. Summaries without persons
(``PurgedTally``: rows per kind, region and day) survive both."""
