"""EM pages, one module per concern: region state and the switch, shutdowns, inspections, the duty record."""
