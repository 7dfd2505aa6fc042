"""The pure text rules of issue 18: scrubbing personal data out of a library copy, and the
placeholders of canned replies. No database."""

from __future__ import annotations

import pytest

from complaints.domain.canned import BLANK, PlaceholderError, fill, placeholders_in
from complaints.domain.redaction import REDACTED, left_over, redact_text


class TestRedaction:
    def test_known_values_go_in_every_form_they_are_written(self) -> None:
        text = (
            "王伟来电，王先生说订单 JD2026031500017 的空调坏了；王伟的电话 138 1234 5678，"
            "邮箱 wang.wei@example.com，住在幸福路 8 号。"
        )
        known = ["王伟", "+8613812345678", "wang.wei@example.com", "幸福路 8 号", "JD2026031500017"]

        result = redact_text(text, known=known)

        assert left_over(result, known=known) == []
        for fragment in ("王伟", "王先生", "1234", "example.com", "幸福路", "JD2026"):
            assert fragment not in result
        assert "空调坏了" in result and REDACTED in result

    def test_shapes_of_personal_data_go_whoever_they_belong_to(self) -> None:
        text = (
            "身份证 11010519491231002X，另一位 110105194912310021；手机 13900001111；"
            "座机 010-8765 4321；邮件 someone.else@corp.cn；案件 CP-2026-000123；订单 TB-88812345。"
        )

        result = redact_text(text)

        for fragment in (
            "11010519491231002X",
            "110105194912310021",
            "13900001111",
            "8765",
            "someone.else",
            "CP-2026-000123",
            "88812345",
        ):
            assert fragment not in result, fragment
        assert result.startswith("身份证 ***")

    def test_dates_short_numbers_and_plain_words_stay(self) -> None:
        text = "2026-03-15 送修，3 天后修好，赔偿 500 元。先生和女士都满意。"

        assert redact_text(text, known=["王先生"]) == text

    def test_an_english_name_goes_by_its_parts_too(self) -> None:
        result = redact_text(
            "Mr Smith called; John Smith was upset. Smithfield stays.", known=["John Smith"]
        )

        assert "Smith " not in result and "John" not in result
        assert "Smithfield" in result

    def test_empty_text_and_empty_values(self) -> None:
        assert redact_text("", known=["王伟"]) == ""
        assert redact_text("没有个人信息。", known=["", "a"]) == "没有个人信息。"


class TestPlaceholders:
    def test_the_known_names_are_filled(self) -> None:
        text = "{customer_name}您好：{reference} 于 {received_date} 收到，{decision_date} 决定赔偿 {amount}。"

        filled = fill(
            text,
            {
                "customer_name": "王伟",
                "reference": "CP-2026-000001",
                "received_date": "2026年3月1日",
                "decision_date": "2026年3月5日",
                "amount": "500.00 元",
            },
        )

        assert (
            filled
            == "王伟您好：CP-2026-000001 于 2026年3月1日 收到，2026年3月5日 决定赔偿 500.00 元。"
        )
        assert placeholders_in(text) == [
            "customer_name",
            "reference",
            "received_date",
            "decision_date",
            "amount",
        ]

    def test_a_missing_value_is_a_blank_to_fill_by_hand(self) -> None:
        assert fill("Amount: {amount}", {}) == f"Amount: {BLANK}"

    def test_doubled_braces_are_braces(self) -> None:
        assert fill("{{ok}} {reference}", {"reference": "R"}) == "{ok} R"

    @pytest.mark.parametrize(
        "text",
        [
            "Dear {name}",
            "{}",
            "{0}",
            "{reference.__class__}",
            "{reference[0]}",
            "{amount:.2f}",
            "{reference!r}",
        ],
    )
    def test_anything_else_in_braces_is_refused(self, text: str) -> None:
        with pytest.raises(PlaceholderError) as raised:
            placeholders_in(text)
        assert raised.value.names
        with pytest.raises(PlaceholderError):
            fill(text, {"reference": "R", "amount": "1"})

    @pytest.mark.parametrize("text", ["{reference", "reference}", "{"])
    def test_unbalanced_braces_are_refused(self, text: str) -> None:
        with pytest.raises(PlaceholderError):
            placeholders_in(text)
