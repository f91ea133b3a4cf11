"""Assessment points (考核督办点, seed 000 3.1.9.1): officials define points for lower-level units
(districts) and for enterprises, each naming a measure of a fixed catalogue computed from
SiteCase's records, a weight and a target; units are scored per month, with per-point detail.

Modules: measures (the catalogue: a rate per project and month; months from app.infra.months), points (the definitions, kept by
city officials), scoring (the monthly results, idempotent), reads (rankings scoped to the reader),
export (the xlsx workbook).
"""
