"""Chinese plate numbers (GA 36-2018 机动车号牌): the province's one-character abbreviation, the issuing office's
letter, then five characters — or six for new-energy vehicles (8 characters in all, the green plates).

Letters I and O are never used (they read as 1 and 0). New-energy plates carry D (battery electric) or F
(other new energy): small vehicles as the first of the six (豫AD12345, 豫AFA1234), large ones as the last
(豫A12345D). Ordinary plates may end in 挂 (trailer), 学 (driving school), 警, 港 or 澳.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
_LETTER = "A-HJ-NP-Z"  # no I, no O
_ORDINARY = re.compile(rf"^[{PROVINCES}][{_LETTER}][{_LETTER}0-9]{{4}}[{_LETTER}0-9挂学警港澳]$")
_NEW_ENERGY = re.compile(rf"^[{PROVINCES}][{_LETTER}](?:[DF][{_LETTER}0-9][0-9]{{4}}|[0-9]{{5}}[DF])$")
_SEPARATORS = re.compile(r"[\s·•・.\-]")


def normalise_plate(raw: str) -> str:
    """Upper case, without spaces or the middle dot people write after the office letter."""
    return _SEPARATORS.sub("", str(raw or "")).upper()


def is_new_energy(plate: str) -> bool:
    return bool(_NEW_ENERGY.match(plate))


def validate_plate(raw: str) -> str:
    """The normalised plate, or a ValidationError saying what a plate looks like."""
    plate = normalise_plate(raw)
    if _ORDINARY.match(plate) or _NEW_ENERGY.match(plate):
        return plate
    raise ValidationError(
        _(
            "“%(plate)s” is not a valid plate number: the province's abbreviation, the office's letter and 5 "
            "letters or digits (6 for a new-energy vehicle, with D or F), without I or O — e.g. 豫B·12345, "
            "豫AD12345 or 豫A12345F."
        )
        % {"plate": str(raw or "").strip()[:16]},
        code="plate",
    )
