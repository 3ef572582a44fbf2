"""Numbers, units and reference ranges as case reports write them (kg.quantities)."""

from __future__ import annotations

from decimal import Decimal

from kg.quantities import find_quantities, find_ranges, parse_unit

# Words as the seed writes them.
EN_DASH = "\u2013"
CREATININE = f"elevated creatine (average: 5.10 mg/dL, normal range: 0.6{EN_DASH}1.1 mg/dL)"
CALCIUM = f"hypocalcemia (average: 7.3 mg/dL, normal range 8.7{EN_DASH}10.6 mg/dL)"
TROPONIN = "elevated troponin I (over 1000 pg/mL)"
LEUKOCYTES = "leukocytosis (32322/uL)"


def test_a_value_keeps_its_digits_and_unit_as_written() -> None:
    [quantity] = find_quantities(CREATININE)
    assert quantity.number == Decimal("5.10")
    assert str(quantity.number) == "5.10"
    assert (quantity.unit.text, quantity.unit.ucum) == ("mg/dL", "mg/dL")
    assert CREATININE[quantity.start : quantity.end] == "5.10 mg/dL"


def test_a_normal_range_with_an_en_dash_is_read_with_its_unit() -> None:
    [reference] = find_ranges(CREATININE)
    assert (reference.low, reference.high) == (Decimal("0.6"), Decimal("1.1"))
    assert reference.unit is not None and reference.unit.ucum == "mg/dL"


def test_a_normal_range_without_a_colon_is_read() -> None:
    [reference] = find_ranges(CALCIUM)
    assert (reference.low, reference.high) == (Decimal("8.7"), Decimal("10.6"))


def test_range_limits_are_not_taken_for_values() -> None:
    assert [q.number for q in find_quantities(CALCIUM)] == [Decimal("7.3")]


def test_over_makes_the_number_a_lower_bound() -> None:
    [quantity] = find_quantities(TROPONIN)
    assert (quantity.comparator, quantity.number) == (">", Decimal(1000))
    assert quantity.unit.ucum == "pg/mL"
    assert TROPONIN[quantity.start : quantity.end] == "over 1000 pg/mL"


def test_a_count_per_microlitre_has_the_ucum_code_per_microlitre() -> None:
    [quantity] = find_quantities(LEUKOCYTES)
    assert quantity.number == Decimal(32322)
    assert (quantity.unit.ucum, quantity.unit.kind) == ("/uL", "count")


def _ucum(written: str) -> str | None:
    unit = parse_unit(written)
    return unit.ucum if unit else None


def test_si_units_map_to_their_ucum_codes() -> None:
    assert _ucum("mmol/L") == "mmol/L"
    assert _ucum("µmol/L") == "umol/L"
    assert _ucum("x10^9/L") == "10*9/L"
    assert _ucum("mm Hg") == "mm[Hg]"
    assert _ucum("days") is None


def test_words_that_are_not_units_make_no_quantity() -> None:
    assert find_quantities("one day before admission, 3 days later, refs (2-4)") == []


def test_an_upper_limit_only_range_has_no_low_limit() -> None:
    [reference] = find_ranges("Troponin I: 0.08 ng/mL (normal < 0.04 ng/mL)")
    assert (reference.low, reference.high) == (None, Decimal("0.04"))


def test_a_bare_range_in_parentheses_after_a_value_is_its_range() -> None:
    [reference] = find_ranges("Sodium 128 mmol/L (135-145)")
    assert (reference.low, reference.high) == (Decimal(135), Decimal(145))
    assert reference.unit is None


def test_a_citation_marker_is_not_a_range() -> None:
    assert find_ranges("participate in myocardial calcification (2-4).") == []


def test_a_decimal_comma_is_read_as_a_point_and_thousands_stay_thousands() -> None:
    text = "cardiac output 2,7 L/min, WBC 32,322/uL"
    values = [(q.number, q.unit.ucum) for q in find_quantities(text)]
    assert values == [(Decimal("2.7"), "L/min"), (Decimal("32322"), "/uL")]


def test_rates_in_words_are_per_minute() -> None:
    text = "heart rate 90 beats per minute, respiratory rate 16 breaths per minute, 130/minute"
    assert [(q.number, q.unit.ucum) for q in find_quantities(text)] == [
        (Decimal("90"), "/min"),
        (Decimal("16"), "/min"),
        (Decimal("130"), "/min"),
    ]


def test_a_pressure_written_as_two_numbers_is_its_systolic_over_its_diastolic() -> None:
    [pressure] = find_quantities("blood pressure 174/127 mm Hg")
    assert (pressure.number, pressure.diastolic, pressure.unit.ucum) == (
        Decimal("174"),
        Decimal("127"),
        "mm[Hg]",
    )
    assert find_quantities("visual acuity 20/40") == []


def test_a_minus_sign_after_a_space_makes_the_value_negative_a_range_dash_does_not() -> None:
    [base_excess] = find_quantities("BE of \u22125.1 mmol/l")
    assert base_excess.number == Decimal("-5.1")
    [value] = find_quantities("creatinine 5.10 mg/dL (normal range: 0.6-1.1 mg/dL)")
    assert value.number == Decimal("5.10")


def test_a_molar_concentration_is_told_from_a_length_by_its_letter_case() -> None:
    found = find_quantities("130 nM, 277 μM, a 5 nm pore and renin 15 ng/mL/h")
    assert [(str(q.number), q.unit.ucum) for q in found] == [
        ("130", "nmol/L"),
        ("277", "umol/L"),
        ("15", "ng/mL/h"),
    ]


def test_thousands_set_apart_by_a_thin_space_are_one_number_an_ordinary_space_two() -> None:
    found = find_quantities("a leucocyte count of 12\u2005000 cells/mm3 and 3 100 mg")
    assert [(str(q.number), q.unit.ucum) for q in found] == [("12000", "/mm3"), ("100", "mg")]


def test_an_age_decade_is_no_time_in_seconds() -> None:
    found = find_quantities("A woman in her 50s and a man in his late 60s; clotting time 50s.")
    assert [(str(q.number), q.unit.ucum) for q in found] == [("50", "s")]
    assert found[0].start == len("A woman in her 50s and a man in his late 60s; clotting time ")
