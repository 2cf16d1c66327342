"""Domain rules of the visitors plugin: many-case tables plus invariants."""
import random
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Optional

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from plugins.visitors import rules
from plugins.visitors.rules import RuleError

TODAY = date(2024, 6, 1)


def with_check_char(first17: str) -> str:
    """Independent oracle (ISO 7064 MOD 11-2): weights 2**(17-i) mod 11 and
    check value (12 - sum mod 11) mod 11, where 10 is written X."""
    total = sum(int(d) * pow(2, 17 - i, 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return first17 + ("X" if value == 10 else str(value))


def resident_id(born: str, area: str = "110105", seq: str = "002") -> str:
    return with_check_char(area + born + seq)


def mod11_2_sum(id18: str) -> int:
    values = [10 if c == "X" else int(c) for c in id18]
    return sum(v * pow(2, 17 - i, 11) for i, v in enumerate(values)) % 11


def raises_rule(message, func, *args, **kwargs):
    with pytest.raises(RuleError) as info:
        func(*args, **kwargs)
    assert info.value.message == message
    return info.value


# --- RuleError and messages ---------------------------------------------------


def test_rule_error_is_a_value_error_carrying_msgid_and_params():
    err = RuleError(rules.ERR_DOCUMENT_TYPE, doc_type="visa")
    assert isinstance(err, ValueError)
    assert err.message == "Unknown document type: %(doc_type)s"
    assert err.params == {"doc_type": "visa"}
    assert str(err) == "Unknown document type: visa"


def test_rule_error_without_params_reads_as_its_message():
    assert str(RuleError(rules.ERR_ID_CHECKSUM)) == "The ID number's check digit is wrong"


def test_rule_error_formats_through_a_translation_function():
    err = RuleError(rules.ERR_DOCUMENT_TYPE, doc_type="visa")
    assert err.format(lambda s: s.replace("Unknown document type", "未知证件类型")) == "未知证件类型: visa"


def test_no_op_marker_returns_the_msgid_unchanged():
    assert rules.N_("Passport") == "Passport"


def test_every_message_constant_is_a_distinct_plain_string():
    messages = [v for k, v in vars(rules).items() if k.startswith("ERR_")]
    assert len(messages) == len(set(messages)) == 15
    assert all(isinstance(m, str) and m for m in messages)


def test_rules_module_stays_free_of_flask_and_the_database():
    """The rules import only the pure core modules, and loading them pulls in no web or database stack."""
    import ast
    import pathlib
    import subprocess
    import sys

    tree = ast.parse(pathlib.Path(rules.__file__).read_text(encoding="utf-8"))
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, (ast.Import, ast.ImportFrom))
        for alias in node.names
    }
    assert not {m.split(".")[0] for m in imported} & {"flask", "flask_babel", "flask_appbuilder", "sqlalchemy"}
    assert {m for m in imported if m.split(".")[0] == "app"} <= {"app.rules", "app.privacy"}
    # Load rules.py on its own (not through the plugin package, which registers views).
    probe = ("import sys, importlib.util as u; "
             f"s = u.spec_from_file_location('visitor_rules', {str(rules.__file__)!r}); "
             "m = sys.modules['visitor_rules'] = u.module_from_spec(s); s.loader.exec_module(m); "
             "print(sorted(m for m in ('flask', 'sqlalchemy', 'flask_appbuilder') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         cwd=pathlib.Path(rules.__file__).parents[2], check=True).stdout.strip()
    assert out == "[]"


# --- Resident ID: check character (GB 11643-1999) ------------------------------


@pytest.mark.parametrize(
    "first17, check",
    [
        ("11010519491231002", "X"),  # the standard's own example
        ("44052418800101001", "4"),  # the standard's other example
        ("00000000000000000", "1"),  # sum 0 -> 1
        ("11010119900307100", "6"),  # 160 mod 11 = 6 -> 6
        ("11010119900307111", "0"),
        ("99999999999999999", with_check_char("9" * 17)[-1]),
    ],
)
def test_check_char_matches_known_values(first17, check):
    assert rules.resident_id_check_char(first17) == check


@pytest.mark.parametrize(
    "first17", ["", "1234567890123456", "123456789012345678", "1101051949123100X", "１" * 17]
)
def test_check_char_needs_exactly_seventeen_ascii_digits(first17):
    raises_rule(rules.ERR_ID_FORMAT, rules.resident_id_check_char, first17)


def test_check_weights_are_powers_of_two_mod_eleven():
    assert rules.ID_WEIGHTS == tuple(pow(2, 17 - i, 11) for i in range(17))


@given(st.text("0123456789", min_size=17, max_size=17))
def test_check_char_agrees_with_the_mod_11_2_oracle(first17):
    assert first17 + rules.resident_id_check_char(first17) == with_check_char(first17)


@given(st.text("0123456789", min_size=17, max_size=17))
def test_a_complete_id_number_sums_to_one_mod_eleven(first17):
    assert mod11_2_sum(first17 + rules.resident_id_check_char(first17)) == 1


# --- Resident ID: normalisation -----------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("11010519491231002X", "11010519491231002X"),
        ("11010519491231002x", "11010519491231002X"),
        (" 110105 19491231 002x ", "11010519491231002X"),
        ("110105\u300019491231002X", "11010519491231002X"),  # ideographic space
        ("11010519491231002X\n", "11010519491231002X"),  # pasted with a line break
        ("１１０１０５１９４９１２３１００２ｘ", "11010519491231002X"),  # full-width input
        (resident_id("20000229"), resident_id("20000229")),  # leap day
        (resident_id("19000101"), resident_id("19000101")),  # earliest accepted
        (resident_id("20240601"), resident_id("20240601")),  # born today
        (resident_id("19991231", "650102", "999"), resident_id("19991231", "650102", "999")),
    ],
)
def test_valid_resident_ids_are_accepted_in_canonical_form(raw, expected):
    assert rules.normalize_resident_id(raw, today=TODAY) == expected


def test_lower_case_x_is_accepted_and_stored_upper_case():
    assert rules.normalize_resident_id("11010519491231002x", today=TODAY).endswith("X")


@pytest.mark.parametrize(
    "old15, new18",
    [
        ("110105491231002", "11010519491231002X"),
        ("440524800101001", "440524198001010013"),
        ("110101000101123", with_check_char("11010119000101123")),
        (" 110105 491231 002 ", "11010519491231002X"),
    ],
)
def test_old_fifteen_digit_numbers_are_upgraded_to_eighteen(old15, new18):
    assert rules.normalize_resident_id(old15, today=TODAY) == new18


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "1101051949123100",  # 16
        "11010519491231002",  # 17
        "11010519491231002X1",  # 19
        "11010549123100X",  # 15 with X
        "1101051949123100XX",  # X not last
        "X1010519491231002X",
        "11010519491231002Y",
        "11O10519491231002X",  # letter O
        "110105-19491231-002X",
        "١١٠١٠٥١٩٤٩١٢٣١٠٠٢X",  # Arabic-Indic digits are not ID digits
    ],
)
def test_wrong_length_or_characters_get_the_length_message(raw):
    raises_rule(rules.ERR_ID_FORMAT, rules.normalize_resident_id, raw, today=TODAY)


@pytest.mark.parametrize(
    "born",
    [
        "19000229",  # 1900 is not a leap year
        "20230229",
        "19800230",
        "19800431",
        "19801301",
        "19800001",
        "19800100",
        "00000000",
        "18991231",  # before 1900
        "18800101",
    ],
)
def test_impossible_birth_dates_are_rejected(born):
    raises_rule(rules.ERR_ID_BIRTH_DATE, rules.normalize_resident_id, resident_id(born), today=TODAY)


def test_the_standards_1880_example_is_refused_as_before_1900():
    raises_rule(rules.ERR_ID_BIRTH_DATE, rules.normalize_resident_id, "440524188001010014", today=TODAY)


@pytest.mark.parametrize("born", ["20240602", "20241231", "20991231"])
def test_birth_dates_after_today_are_in_the_future(born):
    raises_rule(rules.ERR_ID_FUTURE, rules.normalize_resident_id, resident_id(born), today=TODAY)


def test_today_defaults_to_the_real_date():
    tomorrow = date.today() + timedelta(days=1)
    raises_rule(rules.ERR_ID_FUTURE, rules.normalize_resident_id, resident_id(tomorrow.strftime("%Y%m%d")))
    assert rules.normalize_resident_id(resident_id(date.today().strftime("%Y%m%d")))


def test_today_may_be_a_datetime():
    assert rules.normalize_resident_id(resident_id("20240601"), today=datetime(2024, 6, 1, 8, 30))


@pytest.mark.parametrize(
    "raw", ["110105194912310020", "110105194912310021", "11010519491231002９", "440524198001010015"]
)
def test_a_wrong_check_character_is_reported(raw):
    raises_rule(rules.ERR_ID_CHECKSUM, rules.normalize_resident_id, raw, today=TODAY)


ids = st.builds(
    lambda area, born, seq: resident_id(born.strftime("%Y%m%d"), area, seq),
    st.text("0123456789", min_size=6, max_size=6),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.text("0123456789", min_size=3, max_size=3),
)


@given(ids)
def test_every_well_formed_id_is_accepted_unchanged(id18):
    assert rules.normalize_resident_id(id18, today=TODAY) == id18


@given(ids)
def test_normalising_an_id_twice_changes_nothing(id18):
    once = rules.normalize_resident_id(id18.lower(), today=TODAY)
    assert rules.normalize_resident_id(once, today=TODAY) == once


@given(ids, st.integers(0, 16), st.integers(1, 9))
def test_any_single_wrong_digit_is_caught(id18, position, delta):
    wrong = id18[:position] + str((int(id18[position]) + delta) % 10) + id18[position + 1 :]
    with pytest.raises(RuleError):
        rules.normalize_resident_id(wrong, today=TODAY)


@given(ids, st.integers(0, 15))
def test_swapping_two_neighbouring_digits_is_caught(id18, position):
    assume(id18[position] != id18[position + 1])
    swapped = id18[:position] + id18[position + 1] + id18[position] + id18[position + 2 :]
    with pytest.raises(RuleError):
        rules.normalize_resident_id(swapped, today=TODAY)


@given(
    st.text("0123456789", min_size=6, max_size=6),
    st.dates(min_value=date(1900, 1, 1), max_value=date(1999, 12, 31)),
    st.text("0123456789", min_size=3, max_size=3),
)
def test_old_numbers_upgrade_to_the_same_person_and_birth_date(area, born, seq):
    upgraded = rules.normalize_resident_id(area + born.strftime("%y%m%d") + seq, today=TODAY)
    assert upgraded == resident_id(born.strftime("%Y%m%d"), area, seq)
    assert rules.resident_id_birth_date(upgraded) == born


# --- Resident ID: what the number tells ----------------------------------------


@pytest.mark.parametrize(
    "id18, born",
    [
        ("11010519491231002X", date(1949, 12, 31)),
        (resident_id("20000229"), date(2000, 2, 29)),
        (resident_id("19000101"), date(1900, 1, 1)),
    ],
)
def test_birth_date_is_read_from_positions_seven_to_fourteen(id18, born):
    assert rules.resident_id_birth_date(id18) == born


@pytest.mark.parametrize("id18", [resident_id("19800230"), resident_id("18991231")])
def test_reading_an_impossible_birth_date_raises(id18):
    raises_rule(rules.ERR_ID_BIRTH_DATE, rules.resident_id_birth_date, id18)


@pytest.mark.parametrize("digit17, male", [(str(d), d % 2 == 1) for d in range(10)])
def test_odd_seventeenth_digit_means_male(digit17, male):
    assert rules.resident_id_is_male(resident_id("19800101", seq="00" + digit17)) is male


def test_the_standards_example_is_a_woman():
    assert rules.resident_id_is_male("11010519491231002X") is False


# --- Other documents ------------------------------------------------------------


def test_document_types_are_listed_with_labels_in_order():
    assert rules.DOCUMENT_TYPES == [
        ("resident_id", "Resident ID card"),
        ("hk_macao_permit", "HK/Macao travel permit"),
        ("taiwan_permit", "Taiwan travel permit"),
        ("passport", "Passport"),
        ("other", "Other document"),
    ]
    assert [code for code, _ in rules.DOCUMENT_TYPES] == [
        rules.RESIDENT_ID,
        rules.HK_MACAO,
        rules.TAIWAN,
        rules.PASSPORT,
        rules.OTHER,
    ]


@pytest.mark.parametrize(
    "doc_type, raw, expected",
    [
        (rules.RESIDENT_ID, "11010519491231002x", "11010519491231002X"),
        (rules.RESIDENT_ID, "110105491231002", "11010519491231002X"),
        (rules.HK_MACAO, "H12345678", "H12345678"),
        (rules.HK_MACAO, "M1234567890", "M1234567890"),
        (rules.HK_MACAO, "h12345678", "H12345678"),
        (rules.HK_MACAO, " m 1234 5678 ", "M12345678"),
        (rules.TAIWAN, "12345678", "12345678"),
        (rules.TAIWAN, " 0123 4567 ", "01234567"),
        (rules.PASSPORT, "E12345678", "E12345678"),
        (rules.PASSPORT, "e12345678", "E12345678"),
        (rules.PASSPORT, "g1234567", "G1234567"),
        (rules.PASSPORT, "12345", "12345"),
        (rules.PASSPORT, "a" * 20, "A" * 20),
        (rules.PASSPORT, "ＥＡ１２３４５", "EA12345"),
        (rules.OTHER, "  Soldier card 123  ", "Soldier card 123"),
        (rules.OTHER, "x", "x"),
        (rules.OTHER, "军官证 第 12345 号", "军官证 第 12345 号"),
        (rules.OTHER, "z" * 30, "z" * 30),
    ],
)
def test_document_numbers_are_normalised_per_type(doc_type, raw, expected):
    assert rules.normalize_document(doc_type, raw, today=TODAY) == expected


@pytest.mark.parametrize(
    "doc_type, raw, message",
    [
        (rules.RESIDENT_ID, "12345", rules.ERR_ID_FORMAT),
        (rules.RESIDENT_ID, "110105194912310020", rules.ERR_ID_CHECKSUM),
        (rules.RESIDENT_ID, resident_id("20250101"), rules.ERR_ID_FUTURE),
        (rules.HK_MACAO, "H1234567", rules.ERR_HK_MACAO),
        (rules.HK_MACAO, "H123456789", rules.ERR_HK_MACAO),  # 9 digits
        (rules.HK_MACAO, "H123456789012", rules.ERR_HK_MACAO),
        (rules.HK_MACAO, "C12345678", rules.ERR_HK_MACAO),
        (rules.HK_MACAO, "12345678", rules.ERR_HK_MACAO),
        (rules.HK_MACAO, "HM1234567", rules.ERR_HK_MACAO),
        (rules.HK_MACAO, "", rules.ERR_HK_MACAO),
        (rules.TAIWAN, "1234567", rules.ERR_TAIWAN),
        (rules.TAIWAN, "123456789", rules.ERR_TAIWAN),
        (rules.TAIWAN, "T1234567", rules.ERR_TAIWAN),
        (rules.TAIWAN, None, rules.ERR_TAIWAN),
        (rules.PASSPORT, "E123", rules.ERR_PASSPORT),
        (rules.PASSPORT, "E" * 21, rules.ERR_PASSPORT),
        (rules.PASSPORT, "E1234-5678", rules.ERR_PASSPORT),
        (rules.PASSPORT, "护照12345", rules.ERR_PASSPORT),
        (rules.PASSPORT, "ıııııı", rules.ERR_PASSPORT),  # dotless i must not become I
        (rules.PASSPORT, "", rules.ERR_PASSPORT),
        (rules.OTHER, "", rules.ERR_OTHER_DOCUMENT),
        (rules.OTHER, "    ", rules.ERR_OTHER_DOCUMENT),
        (rules.OTHER, None, rules.ERR_OTHER_DOCUMENT),
        (rules.OTHER, "z" * 31, rules.ERR_OTHER_DOCUMENT),
    ],
)
def test_each_document_type_has_its_own_precise_message(doc_type, raw, message):
    raises_rule(message, rules.normalize_document, doc_type, raw, today=TODAY)


@pytest.mark.parametrize("doc_type", ["visa", "", None, "Passport", "RESIDENT_ID"])
def test_an_unknown_document_type_is_named_in_the_error(doc_type):
    err = raises_rule(rules.ERR_DOCUMENT_TYPE, rules.normalize_document, doc_type, "E12345678")
    assert str(err) == f"Unknown document type: {doc_type}"


@given(st.sampled_from([code for code, _ in rules.DOCUMENT_TYPES]), st.text(max_size=40))
def test_document_normalisation_either_fails_cleanly_or_is_idempotent(doc_type, raw):
    try:
        once = rules.normalize_document(doc_type, raw, today=TODAY)
    except RuleError as err:
        assert err.message.startswith(("A ", "An ", "The "))
        return
    assert rules.normalize_document(doc_type, once, today=TODAY) == once


# --- Phones ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("13812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("+86-138-1234-5678", "13812345678"),
        ("008613812345678", "13812345678"),
        ("0086 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),  # full-width digits from a Chinese IME
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("010 1234 5678", "010-12345678"),
        ("010-1234567", "010-1234567"),
        ("021-87654321", "021-87654321"),
        ("02912345678", "029-12345678"),
        ("0755-12345678", "0755-12345678"),
        ("075512345678", "0755-12345678"),
        ("0571-1234567", "0571-1234567"),
        ("0571 123 4567", "0571-1234567"),
        ("0991-1234567", "0991-1234567"),
    ],
)
def test_phone_numbers_are_normalised(raw, expected):
    assert rules.normalize_phone(raw) == expected


@pytest.mark.parametrize(
    "raw",
    ["138abc45678", "138.1234.5678", "(010)12345678", "138/12345678", "tel 13812345678", "1381234567８x", "138+12345678"],
)
def test_anything_but_digits_is_refused_with_the_digits_message(raw):
    raises_rule(rules.ERR_PHONE_CHARS, rules.normalize_phone, raw)


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "12812345678",  # mobiles start 13-19
        "11012345678",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "23812345678",
        "12345678",  # landline without area code
        "0755-123456",  # number too short
        "0755-123456789",  # number too long
        "010-123456789",
        "0-12345678",
        "+1 650 555 1234",
        "+86 10 12345678",  # +86 only in front of a mobile
        "+86 1381234567",
        "86 0755 12345678",
        "008612812345678",
        "+",
        "0012345678901",
    ],
)
def test_wrong_shapes_get_the_shape_message(raw):
    raises_rule(rules.ERR_PHONE_SHAPE, rules.normalize_phone, raw)


@pytest.mark.parametrize("area", ["010"] + [f"02{d}" for d in range(10)])
def test_beijing_and_02x_area_codes_have_three_digits(area):
    assert rules.normalize_phone(area + "87654321") == f"{area}-87654321"


@pytest.mark.parametrize("area", ["0311", "0431", "0571", "0755", "0898", "0991"])
def test_other_area_codes_have_four_digits(area):
    assert rules.normalize_phone(area + "7654321") == f"{area}-7654321"


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@given(
    mobiles,
    st.lists(st.sampled_from([" ", "-", ""]), min_size=11, max_size=11),
    st.sampled_from(["", "+86", "0086", "86", "+86 "]),
)
def test_mobiles_survive_any_spacing_and_country_prefix(mobile, seps, prefix):
    written = prefix + "".join(d + s for d, s in zip(mobile, seps))
    assert rules.normalize_phone(written) == mobile


@given(st.text(max_size=20))
def test_phone_output_is_always_a_mobile_or_a_hyphenated_landline(raw):
    try:
        phone = rules.normalize_phone(raw)
    except RuleError as err:
        assert err.message in (rules.ERR_PHONE_CHARS, rules.ERR_PHONE_SHAPE)
        return
    assert re.fullmatch(r"1[3-9][0-9]{9}|(010|02[0-9]|0[3-9][0-9]{2})-[0-9]{7,8}", phone)
    assert rules.normalize_phone(phone) == phone


# --- Licence plates ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("京A12345", "京A12345"),
        ("粤B8888Z", "粤B8888Z"),
        ("沪CABCDE", "沪CABCDE"),
        ("京a12345", "京A12345"),
        ("京A·12345", "京A12345"),
        (" 京 A 123 45 ", "京A12345"),
        ("京Ａ１２３４５", "京A12345"),
        ("京A1234挂", "京A1234挂"),
        ("京A1234学", "京A1234学"),
        ("京A1234警", "京A1234警"),
        ("粤Z1234港", "粤Z1234港"),
        ("粤Z1234澳", "粤Z1234澳"),
        ("京AD12345", "京AD12345"),  # small new-energy, electric
        ("京AF12345", "京AF12345"),  # small new-energy, hybrid
        ("沪AdK1234", "沪ADK1234"),
        ("京A·D12345", "京AD12345"),
        ("京A12345D", "京A12345D"),  # large new-energy
        ("京A12345f", "京A12345F"),
    ]
    + [(p + "A12345", p + "A12345") for p in rules.PLATE_PROVINCES],
)
def test_valid_plates_are_accepted_and_normalised(raw, expected):
    assert rules.normalize_plate(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "A12345",  # no province
        "京12345",
        "台A12345",  # not a plate province
        "京I12345",  # I and O are never used
        "京O12345",
        "京A1234O",
        "京AI2345",
        "京A1234",  # too short
        "京A123456",  # 8 chars but not new-energy
        "京AA12345",  # new-energy must be D or F
        "京AD1234X",  # small new-energy ends in 4 digits
        "京ADI1234",
        "京A1234AD",  # large new-energy is 5 digits then D/F
        "京A12345挂",  # suffix only on a 7-char plate
        "京A12挂45",  # suffix only at the end
        "京A1234使",
        "京AD123456",  # 9 chars
        "京京A12345",
        "京A-12345",
    ],
)
def test_invalid_plates_are_refused_with_an_example(raw):
    err = raises_rule(rules.ERR_PLATE, rules.normalize_plate, raw)
    assert "京A12345" in str(err) and "京AD12345" in str(err)


plate_letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
plates = st.builds(
    lambda p, letter, tail: p + letter + tail,
    st.sampled_from(rules.PLATE_PROVINCES),
    st.sampled_from(plate_letters),
    st.text(plate_letters + "0123456789", min_size=5, max_size=5),
)


@given(plates)
def test_ordinary_plates_survive_lower_case_and_dots(plate):
    written = plate[0] + "·" + plate[1:].lower()
    assert rules.normalize_plate(written) == plate


@given(plates, st.sampled_from("IO"), st.integers(1, 6))
def test_plates_containing_i_or_o_are_refused(plate, bad, position):
    with pytest.raises(RuleError):
        rules.normalize_plate(plate[:position] + bad + plate[position + 1 :])


# --- Masking ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, masked",
    [
        ("110105194912311234", "110***********1234"),
        ("11010519491231002X", "110***********002X"),
        ("H12345678", "H12**5678"),
        ("12345678", "123*5678"),
        ("E1234567", "E12*4567"),
        ("1234567", "*****67"),
        ("ABC", "*BC"),
        ("AB", "**"),
        ("A", "*"),
        ("", ""),
        (None, ""),
    ],
)
def test_id_numbers_are_masked_keeping_the_length(number, masked):
    assert rules.mask_id(number) == masked


@pytest.mark.parametrize(
    "phone, masked",
    [
        ("13812345678", "138****5678"),
        ("19900001111", "199****1111"),
        ("010-12345678", "010-******78"),
        ("0755-1234567", "0755-*****67"),
        ("021-87654321", "021-******21"),
        ("", ""),
        (None, ""),
    ],
)
def test_phones_are_masked_for_display(phone, masked):
    assert rules.mask_phone(phone) == masked


@given(st.text(min_size=1, max_size=40))
def test_a_masked_id_keeps_its_length_and_never_shows_the_whole_number(number):
    masked = rules.mask_id(number)
    assert len(masked) == len(number)
    assert "*" in masked
    shown = sum(1 for a, b in zip(masked, number) if a == b and a != "*")
    assert shown <= 7


@given(st.text(min_size=1, max_size=20))
def test_a_masked_phone_always_hides_something(phone):
    masked = rules.mask_phone(phone)
    assert "*" in masked
    assert len(masked) == len(phone)


# --- Lookup hash ------------------------------------------------------------------


def test_lookup_hash_is_hmac_sha256_over_kind_and_value():
    import hashlib
    import hmac

    expected = hmac.new(b"k3y", b"id:11010519491231002X", hashlib.sha256).hexdigest()
    assert rules.lookup_hash(b"k3y", "id", "11010519491231002X") == expected
    assert rules.lookup_hash("k3y", "id", "11010519491231002X") == expected


def test_lookup_hash_is_64_lower_case_hex_characters():
    assert re.fullmatch(r"[0-9a-f]{64}", rules.lookup_hash("s", "phone", "13812345678"))


@pytest.mark.parametrize(
    "a, b",
    [
        (("s", "id", "13812345678"), ("s", "phone", "13812345678")),  # kind separates
        (("s", "phone", "13812345678"), ("t", "phone", "13812345678")),  # key matters
        (("s", "phone", "13812345678"), ("s", "phone", "13812345679")),
    ],
)
def test_lookup_hashes_differ_by_kind_key_and_value(a, b):
    assert rules.lookup_hash(*a) != rules.lookup_hash(*b)


@pytest.mark.parametrize("kind", ["ID", "name", "", "plate"])
def test_lookup_hash_knows_only_id_and_phone(kind):
    with pytest.raises(ValueError):
        rules.lookup_hash("s", kind, "x")


@pytest.mark.parametrize("secret", ["", b""])
def test_lookup_hash_refuses_an_empty_secret(secret):
    with pytest.raises(ValueError):
        rules.lookup_hash(secret, "id", "x")


@given(st.binary(min_size=1, max_size=32), st.sampled_from(["id", "phone"]), st.text(max_size=30))
def test_lookup_hash_is_deterministic(secret, kind, value):
    assert rules.lookup_hash(secret, kind, value) == rules.lookup_hash(secret, kind, value)


# --- Badges and party size -----------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [("A12", "A12"), ("a-12", "A-12"), (" b7 ", "B7"), ("7", "7"), ("GUEST-0001", "GUEST-0001"), ("ｖ９", "V9")],
)
def test_badge_numbers_are_stripped_and_upper_cased(raw, expected):
    assert rules.normalize_badge(raw) == expected


@pytest.mark.parametrize(
    "raw", ["", "  ", None, "12345678901", "A_1", "A 1", "工号1", "-", "--12", "A.1", "ı1"]
)
def test_bad_badge_numbers_are_refused(raw):
    raises_rule(rules.ERR_BADGE, rules.normalize_badge, raw)


@pytest.mark.parametrize("n, expected", [(1, 1), (2, 2), (25, 25), (50, 50), ("3", 3), (" 12 ", 12)])
def test_party_sizes_from_one_to_fifty_are_fine(n, expected):
    assert rules.validate_party_size(n) == expected


@pytest.mark.parametrize("n", [0, -1, 51, 1000, True, False, 2.0, 2.5, None, "", "abc", "0", "51", "1e1"])
def test_other_party_sizes_are_refused(n):
    raises_rule(rules.ERR_PARTY_SIZE, rules.validate_party_size, n)


@given(st.integers())
def test_party_size_rule_is_exactly_the_range_one_to_fifty(n):
    if 1 <= n <= 50:
        assert rules.validate_party_size(n) == n
    else:
        with pytest.raises(RuleError):
            rules.validate_party_size(n)


# --- Patrols ---------------------------------------------------------------------


def test_five_patrol_rounds_are_required():
    assert rules.PATROL_ROUNDS_REQUIRED == 5


@pytest.mark.parametrize(
    "done, required, status",
    [(0, 5, (0, 5)), (3, 5, (3, 2)), (5, 5, (5, 0)), (7, 5, (7, 0)), (0, 0, (0, 0)), (2, 3, (2, 1))],
)
def test_patrol_status_counts_missing_rounds(done, required, status):
    assert rules.patrol_status(done, required) == status


def test_patrol_status_defaults_to_five_rounds():
    assert rules.patrol_status(4) == (4, 1)


@pytest.mark.parametrize("done, required", [(-1, 5), (0, -1)])
def test_negative_round_counts_are_a_bug(done, required):
    with pytest.raises(ValueError):
        rules.patrol_status(done, required)


@given(st.integers(0, 100), st.integers(0, 100))
def test_rounds_done_plus_missing_covers_the_requirement(done, required):
    got, missing = rules.patrol_status(done, required)
    assert got == done and missing >= 0 and got + missing >= required
    assert missing == 0 or got + missing == required


# --- Blocklist ----------------------------------------------------------------------


@dataclass
class Entry:
    name: Optional[str] = None
    id_hash: Optional[str] = None
    phone_hash: Optional[str] = None
    valid_until: Optional[date] = None


YESTERDAY, TOMORROW = TODAY - timedelta(days=1), TODAY + timedelta(days=1)


@pytest.mark.parametrize(
    "entry, id_hash, phone_hash, name, level",
    [
        (Entry(id_hash="I1"), "I1", None, "张三", "block"),
        (Entry(phone_hash="P1"), None, "P1", "张三", "block"),
        (Entry(id_hash="I1", phone_hash="P1"), "I2", "P1", None, "block"),
        (Entry(id_hash="I1", valid_until=TODAY), "I1", None, None, "block"),  # last valid day
        (Entry(id_hash="I1", valid_until=TOMORROW), "I1", None, None, "block"),
        (Entry(id_hash="I1", valid_until=YESTERDAY), "I1", None, None, "clear"),  # expired
        (Entry(name="张三"), "I9", "P9", "张三", "warn"),
        (Entry(name=" 张三 "), None, None, "张三  ", "warn"),
        (Entry(name="张三", valid_until=YESTERDAY), None, None, "张三", "clear"),
        (Entry(name="张三"), None, None, "张三丰", "clear"),
        (Entry(name="Zhang San"), None, None, "zhang san", "clear"),  # exact names only
        (Entry(name="张三", id_hash="I1"), "I2", "P2", "李四", "clear"),
        (Entry(id_hash=None, phone_hash=None), None, None, None, "clear"),  # empty never matches
        (Entry(id_hash="", phone_hash=""), "", "", "", "clear"),
        (Entry(name=""), None, None, "", "clear"),
        (Entry(name=None), None, None, "   ", "clear"),
    ],
)
def test_blocklist_verdicts(entry, id_hash, phone_hash, name, level):
    verdict = rules.blocklist_verdict([entry], id_hash, phone_hash, name, TODAY)
    assert verdict.level == level
    assert verdict.entry is (None if level == "clear" else entry)
    assert verdict.blocked is (level == "block")


def test_a_hash_match_outranks_an_earlier_name_match():
    namesake, wanted = Entry(name="张三"), Entry(phone_hash="P1")
    verdict = rules.blocklist_verdict([namesake, wanted], None, "P1", "张三", TODAY)
    assert verdict == rules.Verdict("block", wanted)


def test_the_first_name_match_is_reported_for_a_warning():
    first, second = Entry(name="张三", phone_hash="A"), Entry(name="张三", phone_hash="B")
    assert rules.blocklist_verdict([first, second], None, None, "张三", TODAY).entry is first


@pytest.mark.parametrize(
    "entry",
    [
        {"name": "张三", "id_hash": "I1", "phone_hash": None, "valid_until": None},
        SimpleNamespace(name="张三", id_hash="I1", phone_hash=None, valid_until=None),
        {"id_hash": "I1"},  # missing fields count as empty
    ],
)
def test_blocklist_entries_may_be_dicts_or_plain_objects(entry):
    assert rules.blocklist_verdict([entry], "I1", None, None, TODAY).level == "block"


def test_valid_until_and_today_may_be_datetimes():
    entry = Entry(id_hash="I1", valid_until=datetime(2024, 6, 1, 0, 0))
    assert rules.blocklist_verdict([entry], "I1", None, None, datetime(2024, 6, 1, 23, 59)).level == "block"
    assert rules.blocklist_verdict([entry], "I1", None, None, date(2024, 6, 2)).level == "clear"


def test_an_empty_blocklist_is_clear():
    assert rules.blocklist_verdict(iter([]), "I1", "P1", "张三", TODAY) == rules.Verdict("clear", None)


entries = st.builds(
    Entry,
    name=st.sampled_from([None, "", "张三", "李四"]),
    id_hash=st.sampled_from([None, "", "I1", "I2"]),
    phone_hash=st.sampled_from([None, "", "P1", "P2"]),
    valid_until=st.sampled_from([None, YESTERDAY, TODAY, TOMORROW]),
)


@given(st.lists(entries, max_size=6))
def test_expired_entries_never_change_the_verdict(entries):
    active = [e for e in entries if e.valid_until is None or e.valid_until >= TODAY]
    everything = rules.blocklist_verdict(entries, "I1", "P1", "张三", TODAY)
    assert everything == rules.blocklist_verdict(active, "I1", "P1", "张三", TODAY)


# --- Visit times -------------------------------------------------------------------

MORNING = datetime(2024, 6, 1, 9, 0)


@pytest.mark.parametrize(
    "time_in, time_out",
    [
        (MORNING, MORNING),
        (MORNING, MORNING + timedelta(seconds=1)),
        (MORNING, MORNING + timedelta(days=2)),
        (MORNING, None),  # still on site
        (None, MORNING),
    ],
)
def test_time_out_at_or_after_time_in_is_fine(time_in, time_out):
    assert rules.check_time_out(time_in, time_out) is None


@pytest.mark.parametrize("delta", [timedelta(seconds=1), timedelta(hours=3), timedelta(days=1)])
def test_the_time_out_cannot_be_before_the_time_in(delta):
    err = raises_rule(rules.ERR_TIME_ORDER, rules.check_time_out, MORNING, MORNING - delta)
    assert str(err) == "The time out cannot be before the time in"


CLOSING = time(18, 0)


@pytest.mark.parametrize(
    "time_in, now, overstay",
    [
        (datetime(2024, 6, 1, 9, 0), datetime(2024, 6, 1, 12, 0), False),
        (datetime(2024, 6, 1, 9, 0), datetime(2024, 6, 1, 18, 0), False),  # at closing exactly
        (datetime(2024, 6, 1, 9, 0), datetime(2024, 6, 1, 18, 0, 1), True),
        (datetime(2024, 6, 1, 9, 0), datetime(2024, 6, 1, 23, 59), True),
        (datetime(2024, 6, 1, 19, 0), datetime(2024, 6, 1, 19, 5), True),  # arrived after closing
        (datetime(2024, 5, 31, 17, 0), datetime(2024, 6, 1, 8, 0), True),  # began yesterday
        (datetime(2024, 5, 1, 9, 0), datetime(2024, 6, 1, 9, 0), True),
        (datetime(2024, 6, 1, 0, 0), datetime(2024, 6, 1, 0, 1), False),
    ],
)
def test_overstay_means_past_closing_or_since_an_earlier_day(time_in, now, overstay):
    assert rules.is_overstay(time_in, now, CLOSING) is overstay


@given(
    st.datetimes(min_value=datetime(2020, 1, 1), max_value=datetime(2030, 1, 1)),
    st.timedeltas(min_value=timedelta(days=1), max_value=timedelta(days=30)),
)
def test_a_visit_from_an_earlier_day_is_always_an_overstay(now, ago):
    assert rules.is_overstay(now - ago, now, time(23, 59, 59, 999999))


# --- Reference codes ------------------------------------------------------------------


def test_reference_alphabet_has_no_look_alike_characters():
    assert not set("0O1IL") & set(rules.REFERENCE_CODE_ALPHABET)
    assert rules.REFERENCE_CODE_ALPHABET == rules.REFERENCE_CODE_ALPHABET.upper()
    assert len(set(rules.REFERENCE_CODE_ALPHABET)) == len(rules.REFERENCE_CODE_ALPHABET) == 31


@given(st.randoms(use_true_random=False))
def test_reference_codes_are_six_unambiguous_upper_case_characters(rng):
    code = rules.make_reference_code(rng)
    assert len(code) == 6
    assert set(code) <= set(rules.REFERENCE_CODE_ALPHABET)


def test_reference_codes_are_reproducible_with_a_seeded_rng():
    assert rules.make_reference_code(random.Random(7)) == rules.make_reference_code(random.Random(7))


def test_reference_codes_default_to_a_system_rng_and_vary():
    codes = {rules.make_reference_code() for _ in range(50)}
    assert len(codes) > 45
    assert all(re.fullmatch(r"[A-HJKMNP-Z2-9]{6}", c) for c in codes)
