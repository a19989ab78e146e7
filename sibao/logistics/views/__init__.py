"""LG pages, one module per concern: passes (apply, decide, print), the company's fleet (vehicles, drivers),
the checkpoint check and the checks, and places (checkpoints, transfer stations, receiving points)."""
