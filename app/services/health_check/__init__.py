"""Site health check (工地体检, seed 000 3.1.8): versioned scoring standards, the monthly score
of every active project computed from its real records, score history and district ranking,
and the rectification case a project below the threshold gets.

Modules: standards (versions and their indicators), measures (what each indicator counts),
scoring (the monthly computation), reads (history, ranking — scoped), rectification.
"""
