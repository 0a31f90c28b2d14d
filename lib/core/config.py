"""The cluster configuration: one TOML file per cluster and year, checked at load.

Every mistake is a ``ConfigError`` naming the file and the key (``provinces[3].code``),
so a bad file stops the app at start-up with a message an organiser can act on.
"""

from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from lib.core.errors import ConfigError
from lib.core.model import Province, ProvinceCode
from lib.core.text import fold
from lib.core.votes import MAJORITIES

DEFAULT_MAX_SESSIONS = 200
"""Streamlit sessions per process before read-only visitors are sent to /live (measured with 1,500
arriving on a 2-core machine: at 200 the projector's p95 was 1.4 s and the delegates' 2.0 s; at
300 and 500 the projector reached 3.7 and 2.6 s, the delegates 4.8 and 4.2 s)."""
DEFAULT_MAX_STREAMS = 10_000
"""``/api/events`` streams per process (measured on a 2-core machine: 10,000 streams took an edit to
every one with p95 1.66 s and 412 MiB; the process also keeps this under its open-file limit less
the Streamlit sessions and a reserve, ``web.limits.stream_limit``)."""
DEFAULT_MAX_STREAMS_PER_ADDRESS = 500
"""``/api/events`` streams of one client address: a hall whose phones reach the server through one
NAT address fits (a phone holds one stream per open page), one client cannot take them all."""
REDIS_SCHEMES = ("redis://", "rediss://", "unix://")
"""How ``[server] redis_url`` may begin (redis-py's URL forms: TCP, TLS, a Unix socket)."""
DEFAULT_CONFIG = Path(__file__).resolve().parents[2] / "config" / "tn-dhmt-2019.toml"
CONFIG_ENV = "THIDUA_CONFIG"


@dataclass(frozen=True)
class Award:
    """An award proposed for the provinces ranked ``from_rank`` to ``to_rank``."""

    name: str
    from_rank: int
    to_rank: int
    name_en: str = ""  # the English form, shown beside the Vietnamese name on English screens


@dataclass(frozen=True)
class AgendaItem:
    """One item of the official session's programme: when it starts and what it is."""

    time: dt.time
    title: str
    title_en: str = ""

    def heading(self, lang: str = "vi") -> str:
        """The item's title in ``lang`` (the Vietnamese one when there is no English)."""
        return self.title_en if lang == "en" and self.title_en else self.title


@dataclass(frozen=True)
class SourceSettings:
    """Where the workbook lives: a local .xlsx path or a Google Sheet key."""

    kind: str  # "xlsx" or "gsheet"
    path: Path | None = None
    key: str | None = None


@dataclass(frozen=True)
class HistorySettings:
    """Last year's workbook (``[history]``): a local .xlsx path (relative to the TOML) or a Google Sheet key."""

    path: Path | None = None
    key: str | None = None


@dataclass(frozen=True)
class ClusterConfig:
    """Everything that varies between clusters and years."""

    file: Path
    name: str
    year: int
    leader: ProvinceCode
    deputy: ProvinceCode | None
    illustrative: bool
    provinces: tuple[Province, ...]
    awards: tuple[Award, ...]
    tie_break_groups: tuple[str, ...]
    bonus_cap: Decimal | None
    refresh_seconds: int
    source: SourceSettings
    self_scores_due: dt.date | None = None
    supplement_days_before: int = 0
    vote_majority: str = "more_than_half_present"
    screen_seconds: float = 2.0
    preliminary: dt.datetime | None = None
    preliminary_place: str = ""
    conference: dt.datetime | None = None
    conference_place: str = ""
    target_share: Decimal = Decimal("0.5")
    max_sessions: int = DEFAULT_MAX_SESSIONS
    public_url: str = ""  # the address phones use, e.g. https://thidua.example.vn (for /live's QR code)
    agenda: tuple[AgendaItem, ...] = ()  # the official session's programme, in order
    max_streams: int = DEFAULT_MAX_STREAMS
    max_streams_per_address: int = DEFAULT_MAX_STREAMS_PER_ADDRESS
    history: HistorySettings | None = None  # last year's results, to show each province's rise
    redis_url: str = ""  # the shared engine of several processes or hosts (lib.edge.shared); "" = none

    def province(self, code: str) -> Province:
        """The member with this statistics-office code (KeyError when absent)."""
        for province in self.provinces:
            if province.code == code:
                return province
        raise KeyError(code)


_SCHEMA: dict[str, set[str]] = {
    "": {"cluster", "meetings", "scoring", "awards", "refresh", "source", "provinces", "deadlines", "voting",
         "server", "agenda", "history"},
    "history": {"workbook", "key"},
    "agenda": {"time", "title", "title_en"},
    "server": {"max_sessions", "public_url", "max_streams", "max_streams_per_address", "redis_url"},
    "deadlines": {"self_scores", "supplement_days_before"},
    "voting": {"majority"},
    "cluster": {"name", "year", "leader", "deputy", "illustrative"},
    "meetings": {"preliminary", "preliminary_place", "conference", "conference_place"},
    "scoring": {"bonus_cap", "tie_break_groups", "target_share"},
    "awards": {"name", "name_en", "from_rank", "to_rank"},
    "refresh": {"interval_seconds", "screen_seconds"},
    "source": {"kind", "path", "key"},
    "provinces": {"code", "name", "aliases"},
}


def config_path(explicit: str | os.PathLike[str] | None = None) -> Path:
    """The config file to use: the explicit one, else $THIDUA_CONFIG, else the shipped default."""
    if explicit:
        return Path(explicit)
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: str | os.PathLike[str] | None = None) -> ClusterConfig:
    """Read and check a cluster TOML file."""
    file = config_path(path)
    name = str(file)
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(name, "", "không tìm thấy tệp cấu hình") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(name, "", f"không đọc được tệp: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(name, "", f"sai cú pháp TOML: {exc}") from None
    return _build(file, _Checker(name), data)


class _Checker:
    """Typed access to TOML values, raising ConfigError with the key path."""

    def __init__(self, file: str) -> None:
        self.file = file

    def fail(self, key: str, message: str) -> ConfigError:
        return ConfigError(self.file, key, message)

    def known_keys(self, table: dict, section: str, where: str) -> None:
        for key in table:
            if key not in _SCHEMA[section]:
                raise self.fail(f"{where}.{key}" if where else key, "khóa không được hỗ trợ (gõ nhầm?)")

    def tables(self, rows: object, section: str) -> list[tuple[str, dict]]:
        """An ``[[section]]`` array as (where, table) pairs, each table's keys checked; none when absent."""
        if rows is None:
            return []
        if not isinstance(rows, list):
            raise self.fail(section, f"phải là [[{section}]]")
        found = []
        for i, row in enumerate(rows):
            where = f"{section}[{i}]"
            if not isinstance(row, dict):
                raise self.fail(where, "phải là một bảng")
            self.known_keys(row, section, where)
            found.append((where, row))
        return found

    def table(self, data: dict, key: str, required: bool = True) -> dict:
        value = data.get(key)
        if value is None and not required:
            return {}
        if not isinstance(value, dict):
            raise self.fail(key, "thiếu mục [" + key + "]" if value is None else "phải là một bảng")
        self.known_keys(value, key, key)
        return value

    def value(self, table: dict, key: str, where: str, kind: type | tuple[type, ...], required: bool = True):
        value = table.get(key)
        if value is None:
            if required:
                raise self.fail(f"{where}.{key}", "thiếu giá trị bắt buộc")
            return None
        if isinstance(value, bool) and kind is not bool or not isinstance(value, kind):
            raise self.fail(f"{where}.{key}", f"kiểu không đúng: {value!r}")
        return value


def _build(file: Path, check: _Checker, data: dict) -> ClusterConfig:
    check.known_keys(data, "", "")
    cluster = check.table(data, "cluster")
    provinces = _provinces(check, data.get("provinces"))
    codes = {p.code for p in provinces}

    def member(key: str, required: bool) -> ProvinceCode | None:
        code = check.value(cluster, key, "cluster", str, required)
        if code is not None and code not in codes:
            raise check.fail(f"cluster.{key}", f"mã tỉnh {code!r} không có trong [[provinces]]")
        return ProvinceCode(code) if code is not None else None

    meetings = check.table(data, "meetings", required=False)
    scoring = check.table(data, "scoring", required=False)
    refresh = check.table(data, "refresh", required=False)
    interval = check.value(refresh, "interval_seconds", "refresh", int, required=False)
    interval = 15 if interval is None else interval
    if interval < 2:
        raise check.fail("refresh.interval_seconds", "phải từ 2 giây trở lên")
    screen = check.value(refresh, "screen_seconds", "refresh", (int, float), required=False) or min(2, interval)
    if not 0.5 <= screen <= interval:
        raise check.fail("refresh.screen_seconds", "phải từ 0,5 giây đến interval_seconds")
    cap = check.value(scoring, "bonus_cap", "scoring", (int, float, str), required=False)
    share = _decimal(check, check.value(scoring, "target_share", "scoring", (int, float, str), required=False),
                     "scoring.target_share")
    if share is not None and not 0 < share <= 1:
        raise check.fail("scoring.target_share", "phải lớn hơn 0 và không quá 1 (ví dụ 0.5)")
    groups = check.value(scoring, "tie_break_groups", "scoring", list, required=False) or []
    if not all(isinstance(g, str) and g.strip() for g in groups):
        raise check.fail("scoring.tie_break_groups", "phải là danh sách tên nhóm")
    leader = member("leader", True)
    assert leader is not None
    deadlines = check.table(data, "deadlines", required=False)
    voting = check.table(data, "voting", required=False)
    majority = check.value(voting, "majority", "voting", str, required=False) or "more_than_half_present"
    if majority not in MAJORITIES:
        raise check.fail("voting.majority", f"{majority!r}: chỉ nhận {', '.join(MAJORITIES)}")
    due = deadlines.get("self_scores")
    if due is not None and not isinstance(due, dt.date):
        raise check.fail("deadlines.self_scores", "phải là ngày TOML, ví dụ 2020-02-05")
    days = check.value(deadlines, "supplement_days_before", "deadlines", int, required=False) or 0
    if days < 0:
        raise check.fail("deadlines.supplement_days_before", "không được âm")
    server = check.table(data, "server", required=False)
    max_sessions = check.value(server, "max_sessions", "server", int, required=False)
    max_sessions = DEFAULT_MAX_SESSIONS if max_sessions is None else max_sessions
    if max_sessions < 1:
        raise check.fail("server.max_sessions", "phải từ 1 trở lên")
    streams = _count(check, server, "max_streams", DEFAULT_MAX_STREAMS)
    per_address = _count(check, server, "max_streams_per_address", DEFAULT_MAX_STREAMS_PER_ADDRESS)
    public_url = (check.value(server, "public_url", "server", str, required=False) or "").strip().rstrip("/")
    if public_url and not public_url.startswith(("http://", "https://")):
        raise check.fail("server.public_url", f"{public_url!r}: phải bắt đầu bằng http:// hoặc https://")
    redis_url = (check.value(server, "redis_url", "server", str, required=False) or "").strip()
    if redis_url and not redis_url.startswith(REDIS_SCHEMES):
        raise check.fail("server.redis_url", f"{redis_url!r}: phải bắt đầu bằng {', '.join(REDIS_SCHEMES)}")
    return ClusterConfig(
        file=file,
        name=check.value(cluster, "name", "cluster", str),
        year=check.value(cluster, "year", "cluster", int),
        leader=leader,
        deputy=member("deputy", False),
        illustrative=bool(check.value(cluster, "illustrative", "cluster", bool, required=False)),
        provinces=provinces,
        awards=_awards(check, data.get("awards")),
        tie_break_groups=tuple(g.strip() for g in groups),
        bonus_cap=_decimal(check, cap, "scoring.bonus_cap"),
        refresh_seconds=interval,
        screen_seconds=float(screen),
        source=_source(check, file, check.table(data, "source")),
        self_scores_due=due.date() if isinstance(due, dt.datetime) else due,
        supplement_days_before=days,
        vote_majority=majority,
        preliminary=_when(check, meetings, "preliminary"),
        preliminary_place=check.value(meetings, "preliminary_place", "meetings", str, False) or "",
        conference=_when(check, meetings, "conference"),
        conference_place=check.value(meetings, "conference_place", "meetings", str, False) or "",
        target_share=Decimal("0.5") if share is None else share,
        max_sessions=max_sessions,
        max_streams=streams,
        max_streams_per_address=per_address,
        public_url=public_url,
        redis_url=redis_url,
        agenda=_agenda(check, data.get("agenda")),
        history=_history(check, file, check.table(data, "history", required=False)),
    )


def _count(check: _Checker, server: dict, key: str, default: int) -> int:
    value = check.value(server, key, "server", int, required=False)
    if value is not None and value < 1:
        raise check.fail(f"server.{key}", "phải từ 1 trở lên")
    return default if value is None else value
def _history(check: _Checker, file: Path, table: dict) -> HistorySettings | None:
    """``[history]``: ``workbook`` (a path, relative to the TOML) or ``key`` (a Google Sheet), not both."""
    if not table:
        return None
    text = check.value(table, "workbook", "history", str, required=False)
    key = check.value(table, "key", "history", str, required=False)
    if (text is None or not text.strip()) == (key is None or not key.strip()):
        raise check.fail("history", "cần đúng một trong hai: workbook (tệp .xlsx năm trước) hoặc key (Google Sheet)")
    if key is not None:
        return HistorySettings(key=key.strip())
    path = Path(text.strip())
    return HistorySettings(path=path if path.is_absolute() else file.parent / path)


def _provinces(check: _Checker, rows: object) -> tuple[Province, ...]:
    if not isinstance(rows, list) or not rows:
        raise check.fail("provinces", "cần ít nhất một [[provinces]]")
    seen: dict[str, str] = {}
    result = []
    for i, row in enumerate(rows):
        where = f"provinces[{i}]"
        if not isinstance(row, dict):
            raise check.fail(where, "phải là một bảng")
        check.known_keys(row, "provinces", where)
        code = check.value(row, "code", where, str)
        if not (code.strip().isascii() and code.strip().isdigit()):
            raise check.fail(f"{where}.code", f"mã tỉnh {code!r} phải là chữ số 0–9 (mã Tổng cục Thống kê)")
        name = check.value(row, "name", where, str)
        if not fold(name):
            raise check.fail(f"{where}.name", f"tên tỉnh {name!r} không được để trống")
        aliases = check.value(row, "aliases", where, list, required=False) or []
        if not all(isinstance(a, str) and fold(a) for a in aliases):
            raise check.fail(f"{where}.aliases", "phải là danh sách tên (mỗi tên có ít nhất một chữ hoặc số)")
        for j, spelling in enumerate([code, name, *aliases]):
            key = fold(spelling)
            owner = seen.get(key)
            if owner is not None and owner != code:
                field = "code" if j == 0 else "name" if j == 1 else f"aliases[{j - 2}]"
                raise check.fail(f"{where}.{field}", f"{spelling!r} trùng với tỉnh mã {owner}")
            if owner == code and j == 0:
                raise check.fail(f"{where}.code", f"mã tỉnh {code!r} bị lặp")
            seen[key] = code
        result.append(Province(ProvinceCode(code.strip()), name.strip(), tuple(a.strip() for a in aliases)))
    return tuple(result)


def _awards(check: _Checker, rows: object) -> tuple[Award, ...]:
    awards: list[Award] = []
    for where, row in check.tables(rows, "awards"):
        first = check.value(row, "from_rank", where, int)
        last = check.value(row, "to_rank", where, int)
        if not 1 <= first <= last:
            raise check.fail(f"{where}.to_rank", "cần 1 ≤ from_rank ≤ to_rank")
        if any(a.from_rank <= last and first <= a.to_rank for a in awards):
            raise check.fail(where, "khoảng hạng chồng lên một giải khác")
        english = check.value(row, "name_en", where, str, required=False) or ""
        awards.append(Award(check.value(row, "name", where, str), first, last, english))
    return tuple(awards)


def _agenda(check: _Checker, rows: object) -> tuple[AgendaItem, ...]:
    items: list[AgendaItem] = []
    for where, row in check.tables(rows, "agenda"):
        text = check.value(row, "time", where, str)
        try:
            hours, minutes = text.strip().split(":")
            if len(hours) != 2 or len(minutes) != 2 or not (hours + minutes).isdigit():
                raise ValueError(text)
            when = dt.time(int(hours), int(minutes))
        except ValueError:
            raise check.fail(f"{where}.time", f"{text!r}: phải là giờ \"HH:MM\", ví dụ \"08:30\"") from None
        if items and when < items[-1].time:
            raise check.fail(f"{where}.time", f"{text}: sớm hơn mục trước ({items[-1].time:%H:%M})")
        title = check.value(row, "title", where, str).strip()
        if not title:
            raise check.fail(f"{where}.title", "tên mục không được để trống")
        title_en = (check.value(row, "title_en", where, str, required=False) or "").strip()
        items.append(AgendaItem(when, title, title_en))
    return tuple(items)


def _source(check: _Checker, file: Path, table: dict) -> SourceSettings:
    kind = check.value(table, "kind", "source", str)
    if kind == "xlsx":
        text = check.value(table, "path", "source", str)
        if not text.strip():
            raise check.fail("source.path", "đường dẫn tệp .xlsx không được để trống")
        path = Path(text)
        return SourceSettings("xlsx", path=path if path.is_absolute() else file.parent / path)
    if kind == "gsheet":
        return SourceSettings("gsheet", key=check.value(table, "key", "source", str, required=False))
    raise check.fail("source.kind", f"{kind!r}: chỉ nhận 'xlsx' hoặc 'gsheet'")


def _decimal(check: _Checker, value: object, key: str) -> Decimal | None:
    if value is None:
        return None
    try:
        number = Decimal(str(value).replace(",", "."))
    except ArithmeticError:
        raise check.fail(key, f"{value!r} không phải là số") from None
    if not number.is_finite() or number < 0:
        raise check.fail(key, "phải là số không âm")
    return number


def _when(check: _Checker, table: dict, key: str) -> dt.datetime | None:
    value = table.get(key)
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    raise check.fail(f"meetings.{key}", "phải là ngày giờ TOML, ví dụ 2020-03-12T14:00:00")
