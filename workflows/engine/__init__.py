"""The only package that imports SpiffWorkflow: parse, deploy, start, advance and save workflows."""

from workflows.engine.branches import add_branch, close_branch
from workflows.engine.parsing import BpmnError, ParsedProcess, parse_folder
from workflows.engine.registry import configure, get_process, processes
from workflows.engine.runtime import (
    Call,
    EngineError,
    ReadyStep,
    Snapshot,
    StepConflict,
    cancel,
    complete_step,
    deploy,
    fire_timers,
    read_snapshot,
    reset_to,
    send_message,
    start,
)

__all__ = [
    "BpmnError", "Call", "EngineError", "add_branch", "close_branch",
    "ParsedProcess", "ReadyStep", "Snapshot", "StepConflict", "cancel",
    "complete_step", "configure", "deploy", "fire_timers", "get_process", "parse_folder", "processes",
    "read_snapshot", "reset_to", "send_message", "start",
]
