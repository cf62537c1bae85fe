import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from gongjiang.core.fakeids import make_id_number, make_uscc
from gongjiang.core.validators import (
    id_birth_date,
    id_sex,
    mask_id_number,
    mask_phone,
    validate_id_number,
    validate_phone,
    validate_uscc,
)


def test_published_example_id_number_is_valid():
    # The example number printed in GB 11643's explanations.
    assert validate_id_number("11010519491231002x") == "11010519491231002X"
    assert id_birth_date("11010519491231002X") == dt.date(1949, 12, 31)
    assert id_sex("11010519491231002X") == "F"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("11010519491231002", "id_shape"),
        ("1101051949123100XX", "id_shape"),
        ("990105194912310021", "id_region"),
        ("110105194902300026", "id_birth"),
        ("110105189912310023", "id_birth"),
        ("110105194912310021", "id_check"),
    ],
)
def test_bad_id_numbers_say_why(number, code):
    with pytest.raises(ValidationError) as info:
        validate_id_number(number)
    assert info.value.code == code


@given(
    birth=st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2010, 12, 31)),
    serial=st.integers(0, 499),
    male=st.booleans(),
    region=st.sampled_from(["230102", "230202", "230602", "110105", "650102"]),
)
def test_generated_numbers_validate_and_any_changed_digit_fails(birth, serial, male, region):
    number = make_id_number(region, birth, serial, male=male)
    assert validate_id_number(number) == number
    assert id_sex(number) == ("M" if male else "F")
    assert id_birth_date(number) == birth
    # A single changed digit in the serial part is always caught by MOD 11-2.
    changed = number[:15] + str((int(number[15]) + 1) % 10) + number[16:]
    with pytest.raises(ValidationError):
        validate_id_number(changed)


def test_uscc_published_example_and_generated_codes():
    assert validate_uscc("91350100m000100y43") == "91350100M000100Y43"
    for serial in range(200):
        code = make_uscc("230102", serial)
        assert validate_uscc(code) == code


@pytest.mark.parametrize(
    ("code", "error"),
    [("91350100M000100Y44", "uscc_check"), ("91350100M000100Y4", "uscc_shape"), ("91350100I000100Y43", "uscc_shape")],
)
def test_bad_uscc(code, error):
    with pytest.raises(ValidationError) as info:
        validate_uscc(code)
    assert info.value.code == error


def test_phone():
    assert validate_phone("139-0451 1234") == "13904511234"
    assert validate_phone("+8613904511234") == "13904511234"
    with pytest.raises(ValidationError):
        validate_phone("12904511234")
    assert mask_phone("13904511234") == "139****1234"


def test_masks():
    assert mask_id_number("11010519491231002X") == "110105********002X"


def test_error_messages_follow_the_language():
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(ValidationError) as zh:
        validate_id_number("110105194912310021")
    with translation.override("en"), pytest.raises(ValidationError) as en:
        validate_id_number("110105194912310021")
    assert en.value.messages == ["The check digit of the ID number is wrong."]
    assert zh.value.messages != en.value.messages
