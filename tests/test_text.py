"""Tests of ``lib.core.text``: matching keys for typed names and Vietnamese alphabetical order."""

from __future__ import annotations

import random
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lib.core.text import fold, vietnamese_sort_key

DAK_NONG = [
    "Đắk Nông",
    "Đăk Nông",
    "Dak Nong",
    "DAK NONG",
    "dak nong",
    "Daknong",
    "ĐẮK NÔNG",
    "đắk nông",
    "  đắk   nông ",
    "Đắk\u00a0Nông",
    "Đắk-Nông",
    "\u00d0ak Nong",  # the look-alike eth (U+00D0) some converters produce for Đ
    unicodedata.normalize("NFD", "Đắk Nông"),
    unicodedata.normalize("NFKD", "Đắk Nông"),
    unicodedata.normalize("NFC", "Đắk Nông"),
]


@pytest.mark.parametrize("spelling", DAK_NONG, ids=ascii)
def test_dak_nong_spellings_fold_alike(spelling: str) -> None:
    assert fold(spelling) == fold("Đắk Nông") == "daknong"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TieuChi", "tieuchi"),
        ("Tiêu chí", "tieuchi"),
        ("TIÊU CHÍ", "tieuchi"),
        ("Tự chấm", "tucham"),
        ("Thống nhất", "thongnhat"),
        ("Nhật ký", "nhatky"),
        ("Điểm chuẩn", "diemchuan"),
        ("Mã", "ma"),
        ("Loại", "loai"),
        ("Ghi chú", "ghichu"),
        ("Khánh Hòa", "khanhhoa"),
        ("Khánh Hoà", "khanhhoa"),  # old-style tone placement
        ("Quảng Ngãi", "quangngai"),
        ("Lâm  Đồng", "lamdong"),
        ("Đà Nẵng", "danang"),
        ("Thừa Thiên Huế", "thuathienhue"),
        ("67", "67"),
        (" 67 ", "67"),
        (67, "67"),
        (67.0, "67"),
        (None, ""),
        ("", ""),
        ("  ", ""),
        ("—", ""),
        ("I. Phát triển kinh tế", "iphattrienkinhte"),
    ],
)
def test_fold(text: object, expected: str) -> None:
    assert fold(text) == expected


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Đắk Lắk", "Đắk Nông"),
        ("Quảng Nam", "Quảng Ngãi"),
        ("Gia Lai", "Kon Tum"),
        ("67", "68"),
        ("Phú Yên", "Phu Yen 2"),
    ],
)
def test_fold_keeps_different_names_apart(a: str, b: str) -> None:
    assert fold(a) != fold(b)


@given(st.text())
def test_fold_is_idempotent_and_total(text: str) -> None:
    key = fold(text)
    assert fold(key) == key
    assert key == key.casefold()
    assert not any(unicodedata.combining(ch) for ch in key)


@given(st.text())
def test_fold_ignores_normal_form(text: str) -> None:
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


VIETNAMESE_LETTERS = (
    "aăâbcdđeêghiklmnoôơpqrstuưvxy"
    "àảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ 0123456789"
)


@given(st.text(alphabet=VIETNAMESE_LETTERS))
def test_fold_ignores_case_of_vietnamese(text: str) -> None:
    assert fold(text.upper()) == fold(text) == fold(text.title())


# The 11 members of the 2019 cluster, in Vietnamese alphabetical order.
CLUSTER_2019 = [
    "Bình Định",
    "Đắk Lắk",
    "Đắk Nông",
    "Gia Lai",
    "Khánh Hòa",
    "Kon Tum",
    "Lâm Đồng",
    "Ninh Thuận",
    "Phú Yên",
    "Quảng Nam",
    "Quảng Ngãi",
]


def test_cluster_2019_in_vietnamese_order() -> None:
    for seed in range(20):
        shuffled = CLUSTER_2019[:]
        random.Random(seed).shuffle(shuffled)
        assert sorted(shuffled, key=vietnamese_sort_key) == CLUSTER_2019


def test_cluster_2019_order_ignores_normal_form() -> None:
    decomposed = [unicodedata.normalize("NFD", name) for name in reversed(CLUSTER_2019)]
    ordered = sorted(decomposed, key=vietnamese_sort_key)
    assert [unicodedata.normalize("NFC", name) for name in ordered] == CLUSTER_2019


def test_cluster_2019_is_not_in_code_point_order() -> None:
    # Plain sorting puts "Đ" (U+0110) after every Latin letter: the reason for the key.
    assert sorted(CLUSTER_2019) != CLUSTER_2019


@pytest.mark.parametrize(
    "ordered",
    [
        # the alphabet: a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư v x y
        ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o", "ô", "ơ",
         "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y"],
        # tones: ngang, huyền, hỏi, ngã, sắc, nặng
        ["a", "à", "ả", "ã", "á", "ạ"],
        ["ma", "mà", "mả", "mã", "má", "mạ"],
        # letters decide before tones
        ["ba", "bà", "bác", "bạc", "bai"],
        ["Dak", "Dăk", "Đà Nẵng", "Đắk Lắk", "Đắk Nông"],
        ["Ân", "Bình Định", "Đà Nẵng", "Đắk Nông", "Gia Lai"],
        # a shorter word first
        ["Quảng", "Quảng Nam", "Quảng Ngãi", "Quảng Trị"],
        # case does not decide before letters and tones do
        ["an", "Ăn", "ân"],
    ],
)
def test_vietnamese_order(ordered: list[str]) -> None:
    assert sorted(reversed(ordered), key=vietnamese_sort_key) == ordered
    assert sorted(ordered, key=vietnamese_sort_key) == ordered


@given(st.lists(st.text(), max_size=8))
def test_sort_key_is_total_and_stable(texts: list[str]) -> None:
    once = sorted(texts, key=vietnamese_sort_key)
    assert sorted(once, key=vietnamese_sort_key) == once
    assert sorted(reversed(texts), key=vietnamese_sort_key) == once
