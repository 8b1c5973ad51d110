"""What every family's step handlers share: the outcome they return and reading the submitted values."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workflows.errors import InvalidInput


@dataclass
class StepOutcome:
    """What completing a step means: the timeline summary and opinion, engine data, audit details."""

    summary: str
    opinion: str = ""
    engine_data: dict[str, Any] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


class StepValues:
    """Mixin for a family's step context (a dataclass with a `values` dict of the submitted form)."""

    values: dict[str, Any]

    def text(self, key: str, label: str, required: bool = True) -> str:
        value = (self.values.get(key) or "").strip()
        if required and not value:
            raise InvalidInput(f"请填写{label}", key)
        return value
