import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from sibao.core.validators import normalise_uscc, uscc_with_check_digits

# Codes with both check digits right (the first is python-stdnum's own example).
VALID = ["91110000600037341L", "91350100M000100Y43"]


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_are_accepted(code: str) -> None:
    assert normalise_uscc(code) == code


def test_code_is_normalised_to_upper_case_without_spaces() -> None:
    assert normalise_uscc(" 9111 0000 6000 3734 1l ") == "91110000600037341L"


def test_generated_codes_pass_both_check_digits() -> None:
    code = uscc_with_check_digits("91410222ABCD1234")
    assert normalise_uscc(code) == code


def test_wrong_check_digit_is_refused_in_chinese() -> None:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as info:
        normalise_uscc("91110000600037341M")
    assert info.value.code == "uscc_checksum"
    assert "校验码" in info.value.messages[0]
    assert "91110000600037341M" in info.value.messages[0]


def test_wrong_organisation_code_digit_is_refused() -> None:
    # Change the 17th character (organisation-code check digit) and recompute the final digit,
    # so only the GB 11714 check can catch it.
    from stdnum.cn import uscc

    body = "91110000600037342"
    code = body + uscc.calc_check_digit(body)
    with pytest.raises(ValidationError) as info:
        normalise_uscc(code)
    assert info.value.code == "uscc_org_checksum"


@pytest.mark.parametrize("code", ["9111000060003734", "91110000600037341LL", ""])
def test_wrong_length_is_refused(code: str) -> None:
    with pytest.raises(ValidationError) as info:
        normalise_uscc(code)
    assert info.value.code == "uscc_length"


def test_forbidden_letters_are_refused() -> None:
    with pytest.raises(ValidationError) as info:
        normalise_uscc("91110000600037341I")
    assert info.value.code == "uscc_format"
