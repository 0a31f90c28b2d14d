"""Tests of ``lib.core.config.load_config``: the shipped cluster file and broken copies of it.

Each broken copy is the shipped file with one edit; the ConfigError must name the file and
the key, so that an organiser can find the line to fix.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from lib.core.config import CONFIG_ENV, DEFAULT_CONFIG, Award, ClusterConfig, config_path, load_config
from lib.core.errors import ConfigError, ScoreboardError

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = ROOT / "config" / "tn-dhmt-2019.toml"
TEXT = SHIPPED.read_text(encoding="utf-8")

MEMBERS_2019 = {
    "49": "Quảng Nam",
    "51": "Quảng Ngãi",
    "52": "Bình Định",
    "54": "Phú Yên",
    "56": "Khánh Hòa",
    "58": "Ninh Thuận",
    "62": "Kon Tum",
    "64": "Gia Lai",
    "66": "Đắk Lắk",
    "67": "Đắk Nông",
    "68": "Lâm Đồng",
}


def edited(old: str, new: str, text: str = TEXT) -> str:
    """``text`` with the one occurrence of ``old`` replaced by ``new``."""
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in the shipped config"
    return text.replace(old, new)


def write(tmp_path: Path, text: str, name: str = "cluster.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def load_text(tmp_path: Path, text: str) -> ClusterConfig:
    return load_config(write(tmp_path, text))


# ---------------------------------------------------------------------------- the shipped file


@pytest.fixture(scope="module")
def shipped() -> ClusterConfig:
    return load_config(SHIPPED)


def test_shipped_is_the_default() -> None:
    assert DEFAULT_CONFIG.resolve() == SHIPPED.resolve()


def test_shipped_cluster(shipped: ClusterConfig) -> None:
    assert shipped.name == "Cụm thi đua Tây Nguyên – Duyên hải miền Trung"
    assert shipped.year == 2019
    assert shipped.illustrative is True
    assert shipped.file == SHIPPED


def test_shipped_members(shipped: ClusterConfig) -> None:
    assert len(shipped.provinces) == 11
    assert {p.code: p.name for p in shipped.provinces} == MEMBERS_2019
    assert all(type(p.code) is str for p in shipped.provinces)
    assert shipped.province("67").aliases == ("Đăk Nông", "Daknong")
    assert shipped.province("56").aliases == ("Khánh Hoà",)
    with pytest.raises(KeyError):
        shipped.province("99")


def test_shipped_leader_and_deputy(shipped: ClusterConfig) -> None:
    assert shipped.leader == "51"
    assert shipped.province(shipped.leader).name == "Quảng Ngãi"
    assert shipped.deputy == "67"
    assert shipped.province(shipped.deputy).name == "Đắk Nông"


def test_shipped_awards(shipped: ClusterConfig) -> None:
    assert shipped.awards == (
        Award("Cờ thi đua của Chính phủ", 1, 1, "Government Emulation Flag"),
        Award("Bằng khen của Thủ tướng Chính phủ", 2, 4, "Prime Minister's Certificate of Merit"),
    )


def test_shipped_meetings(shipped: ClusterConfig) -> None:
    assert shipped.preliminary == dt.datetime(2020, 3, 12, 14, 0)
    assert shipped.conference == dt.datetime(2020, 3, 13, 8, 0)
    assert "Quảng Ngãi" in shipped.preliminary_place
    assert "Quảng Ngãi" in shipped.conference_place


def test_shipped_scoring(shipped: ClusterConfig) -> None:
    assert shipped.bonus_cap == Decimal(5)
    assert shipped.tie_break_groups == ("I", "II")
    assert shipped.refresh_seconds == 15


def test_shipped_source_is_the_demo_workbook(shipped: ClusterConfig) -> None:
    assert shipped.source.kind == "xlsx"
    assert shipped.source.path is not None
    assert shipped.source.path.resolve() == (ROOT / "config" / "demo.xlsx").resolve()
    assert shipped.source.path.is_file()
    assert shipped.source.key is None


def test_default_and_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(CONFIG_ENV, raising=False)
    assert config_path() == DEFAULT_CONFIG
    assert load_config().leader == "51"
    other = write(tmp_path, edited('leader = "51"', 'leader = "49"'))
    monkeypatch.setenv(CONFIG_ENV, str(other))
    assert config_path() == other
    assert load_config().leader == "49"
    assert load_config(SHIPPED).leader == "51"  # an explicit path wins


# ---------------------------------------------------------------------------- valid variations


def test_relative_source_path_is_relative_to_the_config_file(tmp_path: Path) -> None:
    config = load_text(tmp_path, TEXT)
    assert config.source.path == tmp_path / "demo.xlsx"


def test_absolute_source_path_is_kept(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere" / "book.xlsx"
    config = load_text(tmp_path, edited('path = "demo.xlsx"', f'path = "{target.as_posix()}"'))
    assert config.source.path == target


def test_google_sheet_source(tmp_path: Path) -> None:
    config = load_text(tmp_path, edited('kind = "xlsx"\npath = "demo.xlsx"', 'kind = "gsheet"\nkey = "1AbC"'))
    assert (config.source.kind, config.source.key, config.source.path) == ("gsheet", "1AbC", None)


@pytest.mark.parametrize(
    ("old", "new", "attribute", "expected"),
    [
        ("bonus_cap = 5", "bonus_cap = 2.5", "bonus_cap", Decimal("2.5")),
        ("bonus_cap = 5", 'bonus_cap = "2,5"', "bonus_cap", Decimal("2.5")),
        ("bonus_cap = 5", "bonus_cap = 0", "bonus_cap", Decimal(0)),
        ("bonus_cap = 5", "", "bonus_cap", None),
        ('tie_break_groups = ["I", "II"]', "", "tie_break_groups", ()),
        ('tie_break_groups = ["I", "II"]', 'tie_break_groups = [" III "]', "tie_break_groups", ("III",)),
        ("interval_seconds = 15", "interval_seconds = 2", "refresh_seconds", 2),
        ("interval_seconds = 15", "", "refresh_seconds", 15),
        ('deputy = "67"', "", "deputy", None),
        ("illustrative = true", "", "illustrative", False),
        ("preliminary = 2020-03-12T14:00:00", "preliminary = 2020-03-12", "preliminary",
         dt.datetime(2020, 3, 12)),
        ("preliminary = 2020-03-12T14:00:00", "", "preliminary", None),
        ('name = "Quảng Nam"', 'name = "  Quảng Nam  "', "provinces", None),
    ],
)
def test_valid_variations(tmp_path: Path, old: str, new: str, attribute: str, expected: object) -> None:
    config = load_text(tmp_path, edited(old, new))
    if attribute == "provinces":
        assert config.province("49").name == "Quảng Nam"
    else:
        assert getattr(config, attribute) == expected


def test_awards_are_optional(tmp_path: Path) -> None:
    text = TEXT[: TEXT.index("[[awards]]")] + TEXT[TEXT.index("[refresh]"):]
    assert load_text(tmp_path, text).awards == ()


def test_optional_tables_may_be_absent(tmp_path: Path) -> None:
    text = TEXT[: TEXT.index("[meetings]")] + TEXT[TEXT.index("[[awards]]"):]
    config = load_text(tmp_path, text)
    assert (config.preliminary, config.conference, config.bonus_cap, config.tie_break_groups) == (None, None, None, ())


# ---------------------------------------------------------------------------- broken copies

BROKEN = [
    # (id, edit old, edit new, key named in the error)
    ("unknown top-level key", "[cluster]", "colour = 1\n[cluster]", "colour"),
    ("unknown key in cluster", "[cluster]\n", '[cluster]\nleaderr = "51"\n', "cluster.leaderr"),
    ("unknown key in meetings", "[meetings]\n", "[meetings]\nplace = 1\n", "meetings.place"),
    ("unknown key in scoring", "bonus_cap = 5", "bonus_cap = 5\ncap = 5", "scoring.cap"),
    ("unknown key in source", 'path = "demo.xlsx"', 'path = "demo.xlsx"\nsheet = "x"', "source.sheet"),
    ("unknown key in refresh", "interval_seconds = 15", "interval_seconds = 15\nttl = 3", "refresh.ttl"),
    ("unknown key in awards[1]", "from_rank = 2", "from_rank = 2\nrank = 2", "awards[1].rank"),
    ("unknown key in provinces[2]", 'name = "Bình Định"', 'name = "Bình Định"\nalias = ["BĐ"]', "provinces[2].alias"),
    ("missing cluster", "[cluster]\n", "[cluster_]\n", "cluster_"),
    ("missing province code", 'code = "54"\n', "", "provinces[3].code"),
    ("missing province name", 'name = "Kon Tum"\n', "", "provinces[6].name"),
    ("blank province name", 'name = "Kon Tum"', 'name = "  "', "provinces[6].name"),
    ("punctuation province name", 'name = "Kon Tum"', 'name = "—"', "provinces[6].name"),
    ("province code is a number", 'code = "54"', "code = 54", "provinces[3].code"),
    ("province code is not digits", 'code = "54"', 'code = "PY"', "provinces[3].code"),
    ("province code is blank", 'code = "54"', 'code = ""', "provinces[3].code"),
    ("province code in Arabic-Indic digits", 'code = "54"', 'code = "٥٤"', "provinces[3].code"),
    ("province code in full-width digits", 'code = "54"', 'code = "５４"', "provinces[3].code"),
    ("province code superscript", 'code = "54"', 'code = "⁵⁴"', "provinces[3].code"),
    ("duplicate code", 'code = "68"', 'code = "67"', "provinces[10].code"),
    ("duplicate name", 'name = "Lâm Đồng"', 'name = "Gia Lai"', "provinces[10].name"),
    ("name is another's alias", 'name = "Lâm Đồng"', 'name = "Daknong"', "provinces[10].name"),
    ("duplicate alias across provinces", '"Đăk Nông", "Daknong"]', '"Đăk Nông", "Daknong", "Daklak"]',
     "provinces[9].aliases[2]"),
    ("alias that only differs by accents", '"Đăk Nông", "Daknong"]', '"Đăk Nông", "Daknong", "Dak Lak"]',
     "provinces[9].aliases[2]"),
    ("alias that only differs by case and spaces", '"Đăk Nông", "Daknong"]', '"Đăk Nông", "DAK  LĂK"]',
     "provinces[9].aliases[1]"),
    ("alias is another's name", 'aliases = ["Khánh Hoà"]', 'aliases = ["Khánh Hoà", "Phú Yên"]',
     "provinces[4].aliases[1]"),
    ("alias is another's code", 'aliases = ["Khánh Hoà"]', 'aliases = ["52"]', "provinces[4].aliases[0]"),
    ("aliases not a list", 'aliases = ["Khánh Hoà"]', 'aliases = "Khánh Hoà"', "provinces[4].aliases"),
    ("blank alias", 'aliases = ["Khánh Hoà"]', 'aliases = ["Khánh Hoà", ""]', "provinces[4].aliases"),
    ("punctuation alias", 'aliases = ["Khánh Hoà"]', 'aliases = ["-"]', "provinces[4].aliases"),
    ("alias not text", 'aliases = ["Khánh Hoà"]', "aliases = [56]", "provinces[4].aliases"),
    ("leader not a member", 'leader = "51"', 'leader = "48"', "cluster.leader"),
    ("leader missing", 'leader = "51"\n', "", "cluster.leader"),
    ("leader is a number", 'leader = "51"', "leader = 51", "cluster.leader"),
    ("deputy not a member", 'deputy = "67"', 'deputy = "01"', "cluster.deputy"),
    ("cluster name missing", 'name = "Cụm thi đua Tây Nguyên – Duyên hải miền Trung"\n', "", "cluster.name"),
    ("year as text", "year = 2019", 'year = "2019"', "cluster.year"),
    ("year as boolean", "year = 2019", "year = true", "cluster.year"),
    ("illustrative as text", "illustrative = true", 'illustrative = "yes"', "cluster.illustrative"),
    ("overlapping award ranks", "from_rank = 2", "from_rank = 1", "awards[1]"),
    ("award rank inside another", "from_rank = 2\nto_rank = 4",
     "from_rank = 2\nto_rank = 4\n\n[[awards]]\nname = \"x\"\nfrom_rank = 3\nto_rank = 3", "awards[2]"),
    ("award ranks reversed", "from_rank = 2\nto_rank = 4", "from_rank = 4\nto_rank = 2", "awards[1].to_rank"),
    ("award rank zero", "from_rank = 2", "from_rank = 0", "awards[1].to_rank"),
    ("award rank as text", "from_rank = 2", 'from_rank = "2"', "awards[1].from_rank"),
    ("award without a name", 'name = "Bằng khen của Thủ tướng Chính phủ"\n', "", "awards[1].name"),
    ("bad source kind", 'kind = "xlsx"', 'kind = "csv"', "source.kind"),
    ("missing source kind", 'kind = "xlsx"\n', "", "source.kind"),
    ("missing source", "[source]\n", "[sources]\n", "sources"),
    ("missing source path", 'path = "demo.xlsx"\n', "", "source.path"),
    ("blank source path", 'path = "demo.xlsx"', 'path = "  "', "source.path"),
    ("interval zero", "interval_seconds = 15", "interval_seconds = 0", "refresh.interval_seconds"),
    ("interval one", "interval_seconds = 15", "interval_seconds = 1", "refresh.interval_seconds"),
    ("interval negative", "interval_seconds = 15", "interval_seconds = -5", "refresh.interval_seconds"),
    ("interval as text", "interval_seconds = 15", 'interval_seconds = "15"', "refresh.interval_seconds"),
    ("interval as float", "interval_seconds = 15", "interval_seconds = 15.0", "refresh.interval_seconds"),
    ("bonus cap not a number", "bonus_cap = 5", 'bonus_cap = "năm"', "scoring.bonus_cap"),
    ("bonus cap negative", "bonus_cap = 5", "bonus_cap = -1", "scoring.bonus_cap"),
    ("bonus cap nan", "bonus_cap = 5", "bonus_cap = nan", "scoring.bonus_cap"),
    ("bonus cap inf", "bonus_cap = 5", "bonus_cap = inf", "scoring.bonus_cap"),
    ("bonus cap boolean", "bonus_cap = 5", "bonus_cap = true", "scoring.bonus_cap"),
    ("tie-break not a list", 'tie_break_groups = ["I", "II"]', 'tie_break_groups = "I"', "scoring.tie_break_groups"),
    ("tie-break blank group", 'tie_break_groups = ["I", "II"]', 'tie_break_groups = ["I", " "]',
     "scoring.tie_break_groups"),
    ("meeting date as text", "preliminary = 2020-03-12T14:00:00", 'preliminary = "12/3/2020 14:00"',
     "meetings.preliminary"),
    ("meeting as a time", "conference = 2020-03-13T08:00:00", "conference = 08:00:00", "meetings.conference"),
]


@pytest.mark.parametrize(("old", "new", "key"), [b[1:] for b in BROKEN], ids=[b[0] for b in BROKEN])
def test_broken_copy_names_file_and_key(tmp_path: Path, old: str, new: str, key: str) -> None:
    path = write(tmp_path, edited(old, new))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    error = info.value
    assert error.file == str(path)
    assert error.key == key
    assert str(error).startswith(f"{path}: {key}: ")
    assert len(str(error)) > len(f"{path}: {key}: ")  # and says what is wrong


@pytest.mark.parametrize(
    ("section", "replacement", "key"),
    [
        ("[[awards]]", '[awards]\nname = "x"\nfrom_rank = 1\nto_rank = 1\n\n', "awards"),
        ("[meetings]", "", "meetings"),
        ("[scoring]", "", "scoring"),
    ],
)
def test_table_of_the_wrong_shape(tmp_path: Path, section: str, replacement: str, key: str) -> None:
    """A section replaced by a value of another shape: ``meetings = 1`` at the top, say."""
    start = TEXT.index(section)
    end = TEXT.index("\n[", TEXT.rindex(section)) + 1
    text = TEXT[:start] + replacement + TEXT[end:]
    if not replacement:
        text = f"{key} = 1\n" + text
    with pytest.raises(ConfigError) as info:
        load_text(tmp_path, text)
    assert info.value.key == key


def test_no_provinces(tmp_path: Path) -> None:
    text = TEXT[: TEXT.index("[[provinces]]")]
    with pytest.raises(ConfigError) as info:
        load_text(tmp_path, text)
    assert info.value.key == "provinces"


def test_duplicate_code_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="67"):
        load_text(tmp_path, edited('code = "68"', 'code = "67"'))


def test_duplicate_alias_names_the_owner(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="66"):
        load_text(tmp_path, edited('"Đăk Nông", "Daknong"]', '"Đăk Nông", "Đắk  LẮK"]'))


@pytest.mark.parametrize(
    "text",
    ["[cluster\nname = 1", "leader = ", 'x = "unterminated', "[cluster]\n[cluster]\n", "a = 1\na = 2"],
)
def test_bad_toml_syntax_names_the_file(tmp_path: Path, text: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")
    assert "TOML" in str(info.value)
    assert info.value.__cause__ is None  # raised "from None": one clear message


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")
    assert info.value.file == str(path)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert str(info.value).startswith(f"{tmp_path}: ")


def test_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes(TEXT.encode("utf-8").replace("Quảng Nam".encode(), "Qu\xe1ng Nam".encode("latin-1")))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert str(info.value).startswith(f"{path}: ")


def test_config_error_is_ours() -> None:
    assert issubclass(ConfigError, ScoreboardError)
