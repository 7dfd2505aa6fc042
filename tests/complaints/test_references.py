"""Case references: one shape for the case page's address, the search box and the mailbox."""

import pytest
from django.urls import resolve, reverse

from complaints.domain.references import find_reference, format_reference, parse_reference


@pytest.mark.parametrize(
    ("year", "number", "written"),
    [
        (2026, 1, "CP-2026-000001"),
        (2026, 999_999, "CP-2026-999999"),
        (2026, 1_000_000, "CP-2026-1000000"),
        (2027, 12_345_678, "CP-2027-12345678"),
    ],
)
def test_a_reference_is_written_with_at_least_six_digits_and_read_back(year, number, written):
    assert format_reference(year, number) == written
    assert parse_reference(written) == written
    assert parse_reference(f"  {written.lower()} ") == written
    assert find_reference(f"回复：您的投诉{written}的处理结果") == written


@pytest.mark.parametrize(
    "text",
    ["", "CP-2026-12345", "CP-2026-0001234", "CP-26-000123", "XY-2026-000123", "CP-2026-000123x"],
)
def test_what_format_reference_never_writes_is_not_a_reference(text):
    assert parse_reference(text) == ""


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Re: [CP-2026-000123] 进展", "CP-2026-000123"),
        ("re: cp-2026-000123", "CP-2026-000123"),
        ("XCP-2026-000123", ""),
        ("CP-2026-0001234", ""),
        ("order 1CP-2026-000123", ""),
        ("no reference", ""),
    ],
)
def test_a_reference_is_found_in_text_only_standing_on_its_own(text, found):
    assert find_reference(text) == found


@pytest.mark.parametrize("reference", ["CP-2026-000123", "CP-2026-1000000"])
def test_the_case_page_address_takes_every_reference_intake_writes(reference):
    path = reverse("case_detail", args=[reference])
    assert resolve(path).kwargs["reference"] == reference
    assert resolve(path.lower()).kwargs["reference"] == reference
