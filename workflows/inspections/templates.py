"""Inspection templates as data. Editing a template writes a new version (items given as lines), so a round that
froze an older version keeps scoring by it.

An item line: `描述 | 方式 | 分值 | 每项扣分 | 封顶 | 类别1、类别2` where 方式 is 扣分 (deduction per finding with a
cap), 合格 (pass/fail; 每项扣分 and 封顶 empty) or 等级N (a scale of 0..N)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from sqlalchemy import select
from sqlalchemy.orm import Session

from models.inspections import AREAS, TARGET_KINDS, InspectionTask, InspectionTemplate, TemplateItem, TemplateVersion
from models.org import Role, User
from workflows import audit
from workflows.errors import InvalidInput, PermissionDenied
from workflows.inspections.access import may_edit_templates

FAMILY = "inspection_template"  # audit trail of template edits
MAX_ITEMS = 60
METHOD_WORDS = {"扣分": "deduct", "合格": "pass_fail"}


@dataclass(frozen=True)
class ItemSpec:
    description: str
    method: str
    points: Decimal
    deduction: Decimal | None = None
    cap: Decimal | None = None
    scale_max: int | None = None
    categories: tuple[str, ...] = ()

    def line(self) -> str:
        word = {"deduct": "扣分", "pass_fail": "合格"}.get(self.method, f"等级{self.scale_max}")
        return " | ".join([self.description, word, str(self.points), str(self.deduction or ""),
                           str(self.cap or ""), "、".join(self.categories)])


def _number(text: str, n: int, label: str, required: bool = True) -> Decimal | None:
    text = text.strip()
    if not text and not required:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise InvalidInput(f"第{n}行的{label}不是数字", "items") from None
    if not value.is_finite() or value <= 0 or value > 1000:
        raise InvalidInput(f"第{n}行的{label}须在 0–1000 之间", "items")
    return value.quantize(Decimal("0.01"))


def _method(word: str, n: int) -> tuple[str, int | None]:
    word = word.strip()
    if word in METHOD_WORDS:
        return METHOD_WORDS[word], None
    if word.startswith("等级") and word[2:].isdigit() and 2 <= int(word[2:]) <= 10:
        return "scale", int(word[2:])
    raise InvalidInput(f"第{n}行的评分方式应为“扣分”“合格”或“等级N”（N 为 2–10）", "items")


def parse_line(line: str, n: int) -> ItemSpec:
    parts = [p.strip() for p in line.split("|")]
    if len(parts) != 6:
        raise InvalidInput(f"第{n}行应有 6 栏（描述 | 方式 | 分值 | 每项扣分 | 封顶 | 类别）", "items")
    description, word, points, deduction, cap, categories = parts
    if not description or len(description) > 300:
        raise InvalidInput(f"第{n}行的描述为空或超过 300 字", "items")
    method, scale_max = _method(word, n)
    points_value = _number(points, n, "分值")
    cats = tuple(dict.fromkeys(c.strip() for c in categories.replace(",", "、").split("、") if c.strip()))
    if not cats or any(len(c) > 64 for c in cats):
        raise InvalidInput(f"第{n}行请填写问题类别（以“、”分隔，每个 64 字以内）", "items")
    if method != "deduct":
        return ItemSpec(description, method, points_value, None, None, scale_max, cats)
    per, top = _number(deduction, n, "每项扣分"), _number(cap, n, "封顶")
    if top > points_value:
        raise InvalidInput(f"第{n}行的封顶分不能超过该项分值", "items")
    return ItemSpec(description, method, points_value, per, top, None, cats)


def parse_items(text: str) -> list[ItemSpec]:
    lines = [(n, line) for n, line in enumerate((text or "").splitlines(), start=1) if line.strip()]
    if not lines or len(lines) > MAX_ITEMS:
        raise InvalidInput(f"检查表须有 1–{MAX_ITEMS} 个检查项", "items")
    return [parse_line(line, n) for n, line in lines]


def _check(actor: User) -> None:
    if not may_edit_templates(actor):
        raise PermissionDenied("只有系统管理员和责任科室可以编辑检查表")


def owner_sections(session: Session, template: InspectionTemplate) -> set[int]:
    """The sections that own a task of the annual list using the template (any year)."""
    return set(session.scalars(select(InspectionTask.owner_section_id).where(
        InspectionTask.template_id == template.id)))


def may_edit(session: Session, actor: User, template: InspectionTemplate) -> bool:
    """The system administrator edits every template; a section only the templates of its own tasks (or a
    template no task uses yet)."""
    if not may_edit_templates(actor):
        return False
    if actor.has(Role.SYSTEM_ADMIN):
        return True
    owners = owner_sections(session, template)
    return not owners or actor.section_id in owners


def create_template(session: Session, *, actor: User | None, now: datetime, code: str, name: str, area: str,
                    target_kind: str, items: list[ItemSpec]) -> InspectionTemplate:
    if actor is not None:
        _check(actor)
    if area not in AREAS:
        raise InvalidInput("请选择监督领域", "area")
    if target_kind not in TARGET_KINDS:
        raise InvalidInput("请选择检查对象类型", "target_kind")
    name, code = name.strip(), code.strip()
    if not name or session.scalar(select(InspectionTemplate.id).where(InspectionTemplate.name == name)):
        raise InvalidInput("检查表名称为空或已存在", "name")
    if not code or session.scalar(select(InspectionTemplate.id).where(InspectionTemplate.code == code)):
        raise InvalidInput("检查表代码为空或已存在", "code")
    template = InspectionTemplate(code=code, name=name, area=area, target_kind=target_kind, current_version=0)
    session.add(template)
    session.flush()
    new_version(session, actor=actor, now=now, template=template, items=items, note="初版")
    return template


def new_version(session: Session, *, actor: User | None, now: datetime, template: InspectionTemplate,
                items: list[ItemSpec], note: str = "") -> TemplateVersion:
    """The template's next version; rounds that froze an earlier one are untouched."""
    if actor is not None:
        _check(actor)
        if not may_edit(session, actor, template):
            raise PermissionDenied("该检查表由其他责任科室负责，只有该科室和系统管理员可以修改")
    version = TemplateVersion(template_id=template.id, version=template.current_version + 1, note=note.strip()[:200],
                              created_by_id=actor.id if actor else None, created_at=now)
    version.items = [TemplateItem(seq=n, description=i.description, method=i.method, points=i.points,
                                  deduction=i.deduction, cap=i.cap, scale_max=i.scale_max,
                                  categories=list(i.categories)) for n, i in enumerate(items, start=1)]
    session.add(version)
    template.current_version = version.version
    session.flush()
    audit.record(session, actor=actor, now=now, family=FAMILY, subject_id=template.id, action="template_version",
                 summary=f"检查表《{template.name}》第 {version.version} 版（{len(items)} 项）",
                 details={"version": version.version, "note": version.note})
    return version


def specs_of(version: TemplateVersion) -> list[ItemSpec]:
    return [ItemSpec(i.description, i.method, i.points, i.deduction, i.cap, i.scale_max, tuple(i.categories))
            for i in version.items]


def current(session: Session, template: InspectionTemplate) -> TemplateVersion | None:
    return session.scalar(select(TemplateVersion).where(TemplateVersion.template_id == template.id,
                                                        TemplateVersion.version == template.current_version))
