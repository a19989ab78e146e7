"""Epidemic-safety pillar (保防疫安全, SPEC §7): incidents and shutdown requests (EP-9).

One of six apps that make the pillar — epidemic, health, sentinel, venues, incidents, readiness; how they
fit together: docs/architecture.md, "The epidemic-safety pillar", and docs/decisions/0003-app-split.md."""
