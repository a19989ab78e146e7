"""Identifier validators with Chinese messages. Built on python-stdnum, plus the checks it skips."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from stdnum.cn import ric
from stdnum.cn import uscc as stdnum_uscc
from stdnum.exceptions import InvalidChecksum, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError

# GB 11714 organisation code: the 9th character of the embedded code is a check digit.
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def organisation_code_check_digit(body: str) -> str:
    total = sum(_ORG_ALPHABET.index(char) * weight for char, weight in zip(body, _ORG_WEIGHTS, strict=True))
    remainder = 11 - total % 11
    return {10: "X", 11: "0"}.get(remainder, str(remainder))


def normalise_uscc(value: str) -> str:
    """Return the canonical 18-character code or raise ValidationError naming what is wrong (EN-1)."""
    compact = stdnum_uscc.compact(value or "")
    try:
        stdnum_uscc.validate(compact)
    except InvalidLength:
        raise ValidationError(
            _("The unified social credit code must be 18 characters, got %(count)d.") % {"count": len(compact)},
            code="uscc_length",
        ) from None
    except InvalidChecksum:
        raise ValidationError(
            _("The unified social credit code %(code)s has a wrong check digit.") % {"code": compact},
            code="uscc_checksum",
        ) from None
    except Exception:
        raise ValidationError(
            _("The unified social credit code %(code)s contains characters that are not allowed.") % {"code": compact},
            code="uscc_format",
        ) from None
    org_code = compact[8:17]
    if organisation_code_check_digit(org_code[:8]) != org_code[8]:
        raise ValidationError(
            _("The organisation code inside the unified social credit code %(code)s has a wrong check digit.")
            % {"code": compact},
            code="uscc_org_checksum",
        )
    return compact


def uscc_with_check_digits(prefix17_without_checks: str) -> str:
    """Complete a code from its first 16 characters (authority, type, region, 8-char org body).

    Used by demo data and tests to make valid codes.
    """
    body = prefix17_without_checks[:16]
    with_org = body + organisation_code_check_digit(body[8:16])
    return with_org + stdnum_uscc.calc_check_digit(with_org)


def validate_uscc(value: str) -> None:
    normalise_uscc(value)


def validate_id_number(value: str) -> str:
    """公民身份号码 (GB 11643): 18 characters, a valid birth date and the ISO 7064 MOD 11-2 check character.

    Returns the normalised number (upper-case X); raises ValidationError with a Chinese message.
    """
    normalised = str(value or "").strip().upper()
    try:
        return str(ric.validate(normalised))
    except InvalidChecksum:
        raise ValidationError(_("The ID number's check character is wrong."), code="id_checksum") from None
    except StdnumError:
        raise ValidationError(_("Enter an 18-character resident ID number."), code="id_format") from None
