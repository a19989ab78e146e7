"""Reference regions for ``load_demo`` (the first step: everything else is placed in a region)."""

from sibao.regions.management.commands.load_regions import DEFAULT_FILE, load_regions


def load_reference_regions() -> dict[str, int]:
    result = load_regions(DEFAULT_FILE)
    return {"created": result.created, "updated": result.updated, "disabled": result.disabled}
