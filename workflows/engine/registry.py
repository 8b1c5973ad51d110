"""The processes parsed at start-up, by process id."""

from __future__ import annotations

from pathlib import Path

from workflows.engine.parsing import ParsedProcess, parse_folder

_PROCESSES: dict[str, ParsedProcess] = {}
_FOLDER: list[str] = []


def configure(folder: str | Path) -> dict[str, ParsedProcess]:
    """Parse and validate every BPMN file in the folder (once per folder); raises BpmnError."""
    key = str(Path(folder).resolve())
    if [key] != _FOLDER:
        parsed = parse_folder(folder)
        _PROCESSES.clear()
        _PROCESSES.update(parsed)
        _FOLDER[:] = [key]
    return dict(_PROCESSES)


def processes() -> dict[str, ParsedProcess]:
    return dict(_PROCESSES)


def get_process(process_id: str) -> ParsedProcess:
    try:
        return _PROCESSES[process_id]
    except KeyError:
        raise LookupError(f"process {process_id!r} is not loaded; call workflows.engine.configure first") from None
