"""Input types shared by every API router."""

from typing import Annotated

from ninja import Field

# Primary keys a caller may send: positive and inside a 64-bit column. Bounding them here keeps an
# oversized number a 422 on every database (SQLite cannot even bind one; foreign-key lookups do not
# get Django's out-of-range guard).
MAX_ID = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
