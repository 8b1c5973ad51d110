"""领导驾驶舱: the figures of the leaders' dashboard, each with the query of the list behind every number, so that
a drill-down shows exactly the rows that were counted. Every figure is one grouped query over an index of the
cross-family projections (subject, work_item), the ledger or the findings — never a family's own table. Closed
subjects are read from their rollup (`closed_rollup`: family × squad × month, kept by triggers on `subject` in the
same statement as each change), so the year's on-time and closed-late figures cost units × months rows at any size.

Charts (each returns categories, series of cells; a cell carries its number and the drill-down filter):
- on_time: per squad and month of a year, subjects closed and closed on time (rate = on_time / closed);
- overdue: per family, subjects open past their deadline now, and subjects of the year closed late;
- levels: open subjects per colour level (蓝/黄/橙/红) and family;
- findings: confirmed findings of the year per category (when the inspections area is installed);
- ranking: squads' score totals of a month with the movement against the month before;
- ages: open steps (work_item) per age since they opened, by family.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, false, func, literal, or_, select
from sqlalchemy.orm import Session

from models.engine import WorkItem
from models.org import Squad
from models.scores import ScoreEntry
from models.subjects import LEVEL_LABELS, LEVELS, ClosedRollup, Subject
from workflows import families
from workflows.errors import InvalidInput
from workflows.petitions import months
from workflows.scoring import findings, periods

AGES = [("0-3", "3天内", 0, 3), ("4-7", "4–7天", 3, 7), ("8-15", "8–15天", 7, 15), ("16-30", "16–30天", 15, 30),
        ("31-60", "31–60天", 30, 60), ("60+", "60天以上", 60, None)]
CHARTS = {"on_time": "各中队按期办结率（按月）", "overdue": "各类督办事项超期情况", "levels": "在办事项颜色等级分布",
          "findings": "督察发现问题（按类别）", "ranking": "中队考核得分排名", "ages": "在办环节时长分布"}


@dataclass
class Cell:
    value: float | int
    count: int  # the rows the drill-down lists
    drill: dict[str, str]
    extra: str = ""  # shown beside the number (e.g. "12/15")


@dataclass
class Chart:
    name: str
    title: str
    kind: str  # line | bar | pie
    categories: list[str]
    series: list[tuple[str, list[Cell]]] = field(default_factory=list)
    unit: str = ""
    note: str = ""


def family_labels() -> dict[str, str]:
    return {f.name: f.label for f in families.all_families()}


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    return months.bounds(f"{year}-01")[0], months.bounds(f"{year}-12")[1]


def _on_time():
    return or_(Subject.deadline_at.is_(None), Subject.closed_at <= Subject.deadline_at)


# --- the charts --------------------------------------------------------------------------------------------


def _in_year(year: int):
    return and_(ClosedRollup.month >= f"{year}-01", ClosedRollup.month <= f"{year}-12")


def on_time(session: Session, year: int) -> Chart:
    """Read from the closed-subject rollup (squads × months rows); the drill-down lists the same subjects."""
    rows = session.execute(
        select(ClosedRollup.squad_id, ClosedRollup.month, func.sum(ClosedRollup.closed), func.sum(ClosedRollup.on_time))
        .where(_in_year(year), ClosedRollup.squad_id != 0)
        .group_by(ClosedRollup.squad_id, ClosedRollup.month))
    counts = {(squad, int(m[5:])): (int(n or 0), int(k or 0)) for squad, m, n, k in rows}
    chart = Chart("on_time", CHARTS["on_time"], "line", [f"{m}月" for m in range(1, 13)], unit="%",
                  note="按办结时间统计；办结时间不晚于期限（含已批准的延期）为按期。")
    for squad in session.scalars(select(Squad).order_by(Squad.id)):
        cells = []
        for m in range(1, 13):
            n, k = counts.get((squad.id, m), (0, 0))
            rate = round(100 * k / n, 1) if n else 0
            cells.append(Cell(rate, n, {"squad_id": str(squad.id), "month": f"{year}-{m:02d}"}, f"{k}/{n}"))
        chart.series.append((squad.name, cells))
    return chart


def overdue(session: Session, year: int, now: datetime) -> Chart:
    labels = family_labels()
    open_rows = dict(session.execute(select(Subject.family, func.count()).where(
        Subject.status == "open", Subject.deadline_at < now).group_by(Subject.family)).all())
    late_rows = {f: int(n or 0) for f, n in session.execute(select(ClosedRollup.family, func.sum(ClosedRollup.late))
                                                            .where(_in_year(year)).group_by(ClosedRollup.family))}
    names = list(labels)
    chart = Chart("overdue", CHARTS["overdue"], "bar", [labels[n] for n in names],
                  note=f"超期未办结为当前仍在办且已过期限；超期办结为{year}年内办结晚于期限。")
    chart.series.append(("超期未办结", [Cell(open_rows.get(n, 0), open_rows.get(n, 0),
                                         {"family": n, "state": "open"}) for n in names]))
    chart.series.append(("超期办结", [Cell(late_rows.get(n, 0), late_rows.get(n, 0),
                                        {"family": n, "state": "late"}) for n in names]))
    return chart


def levels(session: Session) -> Chart:
    labels = family_labels()
    rows = {(f, lv): n for f, lv, n in session.execute(select(Subject.family, Subject.level, func.count()).where(
        Subject.status == "open").group_by(Subject.family, Subject.level))}
    chart = Chart("levels", CHARTS["levels"], "bar", [LEVEL_LABELS[lv] for lv in LEVELS],
                  note="在办事项当前的督办颜色等级：蓝（正常）、黄（临期）、橙（超期）、红（红色督办）。")
    for name, label in labels.items():
        chart.series.append((label, [Cell(rows.get((name, lv), 0), rows.get((name, lv), 0),
                                          {"family": name, "level": lv}) for lv in LEVELS]))
    return chart


def findings_chart(session: Session, year: int) -> Chart:
    chart = Chart("findings", CHARTS["findings"], "bar", [], note="已确认（未被撤销）的督察发现问题，按确认时间。")
    if not findings.present(session):
        chart.note = "督察模块尚未启用：暂无发现问题数据。"
        chart.series.append(("发现问题", []))
        return chart
    start, end = _year_bounds(year)
    f = findings.FINDING.c
    rows = session.execute(select(f.category, func.count()).where(
        findings.COUNTED, f.confirmed_at >= start, f.confirmed_at < end).group_by(f.category).order_by(f.category))
    cells = []
    for category, n in rows:
        chart.categories.append(category)
        cells.append(Cell(n, n, {"category": category}))  # the page adds the year to every link
    chart.series.append(("发现问题", cells))
    return chart


def ranking(session: Session, month: str) -> Chart:
    period = periods.parse("month", month)
    report = periods.report(session, period)
    chart = Chart("ranking", CHARTS["ranking"], "bar", [], unit="分",
                  note=f"{period.label}各中队得分（扣分为负），括号内为与上月相比的名次变化。")
    counts = dict(session.execute(select(ScoreEntry.squad_id, func.count()).where(
        ScoreEntry.month == month, ScoreEntry.status == "counted").group_by(ScoreEntry.squad_id)).all())
    cells = []
    for row in report["squads"]:
        move = row.get("movement")
        arrow = "" if not move else (f"↑{move}" if move > 0 else f"↓{-move}")
        chart.categories.append(row["name"] + (f"（{arrow}）" if arrow else ""))
        n = counts.get(row["id"], 0)
        cells.append(Cell(float(Decimal(row["total"])), n, {"squad_id": str(row["id"]), "month": month},
                          f"第{row['rank']}名"))
    chart.series.append(("得分", cells))
    return chart


def _age_bucket(now: datetime):
    whens = [(WorkItem.started_at > now - timedelta(days=low if high is None else high), key)
             for key, _, low, high in AGES if high is not None]
    return case(*whens, else_=literal(AGES[-1][0]))


def ages(session: Session, now: datetime) -> Chart:
    labels = family_labels()
    bucket = _age_bucket(now)
    rows = {(f, b): n for f, b, n in session.execute(
        select(WorkItem.family, bucket.label("b"), func.count()).group_by(WorkItem.family, bucket))}
    chart = Chart("ages", CHARTS["ages"], "bar", [label for _, label, _, _ in AGES],
                  note="当前在办环节自开始至今的时长（自然日）。")
    for name, label in labels.items():
        chart.series.append((label, [Cell(rows.get((name, key), 0), rows.get((name, key), 0),
                                          {"family": name, "age": key}) for key, _, _, _ in AGES]))
    return chart


def all_charts(session: Session, *, year: int, month: str, now: datetime) -> list[Chart]:
    return [on_time(session, year), overdue(session, year, now), levels(session), findings_chart(session, year),
            ranking(session, month), ages(session, now)]


# --- the lists behind the numbers ----------------------------------------------------------------------------


def _entry_filter(squad_id: int, month: str) -> list:
    return [ScoreEntry.squad_id == squad_id, ScoreEntry.month == month, ScoreEntry.status == "counted"]


def _number(value: str | None, field: str) -> int:
    if not value or not value.isascii() or not value.isdigit() or len(value) > 9:
        raise InvalidInput("参数有误", field)
    return int(value)


def _subjects_on_time(args: dict) -> tuple:
    month = args.get("month", "")
    start, end = months.bounds(month)
    where = [Subject.squad_id == _number(args.get("squad_id"), "squad_id"), Subject.closed_at >= start,
             Subject.closed_at < end]
    if args.get("on_time") == "1":
        where.append(_on_time())
    elif args.get("on_time") == "0":
        where.append(~_on_time())
    return Subject, where


def _family(args: dict) -> str:
    name = args.get("family", "")
    if name not in family_labels():
        raise InvalidInput("未知的督办类别", "family")
    return name


def _subjects_overdue(args: dict, now: datetime, year: int) -> tuple:
    family = _family(args)
    if args.get("state") == "open":
        return Subject, [Subject.family == family, Subject.status == "open", Subject.deadline_at < now]
    start, end = _year_bounds(year)
    return Subject, [Subject.family == family, Subject.closed_at >= start, Subject.closed_at < end,
                     Subject.closed_at > Subject.deadline_at]


def _subjects_level(args: dict) -> tuple:
    if args.get("level") not in LEVELS:
        raise InvalidInput("未知的颜色等级", "level")
    return Subject, [Subject.family == _family(args), Subject.status == "open", Subject.level == args["level"]]


def _work_age(args: dict, now: datetime) -> tuple:
    found = next((a for a in AGES if a[0] == args.get("age")), None)
    if found is None:
        raise InvalidInput("未知的时长区间", "age")
    _, _, low, high = found
    where = [WorkItem.family == _family(args)]
    if low:
        where.append(WorkItem.started_at <= now - timedelta(days=low))
    if high is not None:
        where.append(WorkItem.started_at > now - timedelta(days=high))
    return WorkItem, where


def _findings(session: Session, args: dict, year: int) -> tuple:
    if not findings.present(session):
        return findings.FINDING, [false()]
    start, end = _year_bounds(year)
    f = findings.FINDING.c
    return findings.FINDING, [findings.COUNTED, f.category == args.get("category", ""), f.confirmed_at >= start,
                              f.confirmed_at < end]


def drill(session: Session, chart: str, args: dict, *, now: datetime, year: int) -> tuple:
    """(table, WHERE clauses) of the rows behind one number of a chart; InvalidInput for a bad filter."""
    if chart == "on_time":
        return _subjects_on_time(args)
    if chart == "overdue":
        return _subjects_overdue(args, now, year)
    if chart == "levels":
        return _subjects_level(args)
    if chart == "ages":
        return _work_age(args, now)
    if chart == "findings":
        return _findings(session, args, year)
    if chart == "ranking":
        months.parse(args.get("month", ""))
        return ScoreEntry, _entry_filter(_number(args.get("squad_id"), "squad_id"), args["month"])
    raise InvalidInput("未知的图表", "chart")


def drill_count(session: Session, chart: str, args: dict, *, now: datetime, year: int) -> int:
    table, where = drill(session, chart, args, now=now, year=year)
    return session.scalar(select(func.count()).select_from(table).where(and_(*where))) or 0
