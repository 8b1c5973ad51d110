"""Benchmark: SpiffWorkflow alone over the same BPMN and the same steps as bench/engine_step.py.

Per step: deserialize the whole instance (specs included, the engine's own serializer), complete the ready
task with the step's data, run the engine until people are needed, serialize. No database, no projections:
the floor a step through Duban is compared with (engine_step.py prints the ratio).

    .venv/bin/python bench/engine_alone.py [--items 100]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from SpiffWorkflow import TaskState  # noqa: E402
from SpiffWorkflow.bpmn import BpmnWorkflow  # noqa: E402
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer  # noqa: E402
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser  # noqa: E402
from SpiffWorkflow.spiff.serializer.config import SPIFF_CONFIG  # noqa: E402

import config  # noqa: E402
from models.items import ItemKind  # noqa: E402
from workflows.engine.expressions import make_script_engine  # noqa: E402

PROCESS = "instructed_item"
KIND = ItemKind.MEDIA_EXPOSURE  # the kind tests.factories.make_item registers
# The engine data each step's handler passes (workflows/items/steps.py), in the order engine_step.py runs them.
STEPS = [("assign", {"co_squads": []}), ("accept", {}), ("investigate", {}), ("draft_reply", {}),
         ("review", {"review_decision": "approve"}), ("send_reply", {})]


def _spec():
    parser = SpiffBpmnParser()
    for path in sorted(Path(config.Config.BPMN_FOLDER).glob("*.bpmn")):
        parser.add_bpmn_file(str(path))
    return parser.get_spec(PROCESS), parser.get_subprocess_specs(PROCESS)


def measure(items: int = 100, clock=time.perf_counter) -> list[float]:
    """Milliseconds per step (deserialize, complete, run, serialize) for `items` instances walked step by step;
    `clock=time.process_time` counts this process's CPU only (steadier on a busy machine)."""
    serializer = BpmnWorkflowSerializer(BpmnWorkflowSerializer.configure(SPIFF_CONFIG))
    spec, subs = _spec()
    blobs = []
    for i in range(items):
        workflow = BpmnWorkflow(spec, subs, script_engine=make_script_engine())
        workflow.get_next_task(state=TaskState.READY).data.update(
            {"item_id": i + 1, "kind": int(KIND), "needs_study": False, "needs_signoff": KIND.needs_signoff,
             "co_squads": []})
        workflow.do_engine_steps()
        blobs.append(serializer.serialize_json(workflow))
    timings = []
    for step, data in STEPS:
        for i, blob in enumerate(blobs):
            start = clock()
            workflow = serializer.deserialize_json(blob)
            workflow.script_engine = make_script_engine()
            task = next(t for t in workflow.get_tasks(state=TaskState.READY, manual=True) if t.task_spec.name == step)
            task.data.update(data)
            task.run()
            workflow.do_engine_steps()
            workflow.refresh_timers()
            workflow.do_engine_steps()
            blobs[i] = serializer.serialize_json(workflow)
            timings.append((clock() - start) * 1000)
    return timings


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=100)
    args = parser.parse_args()
    for label, clock in (("wall", time.perf_counter), ("cpu", time.process_time)):
        timings = sorted(measure(args.items, clock))
        print(f"engine alone ({PROCESS}, {label}): steps: {len(timings)}; median {statistics.median(timings):.2f} ms;"
              f" p95 {timings[int(len(timings) * 0.95)]:.2f} ms; {1000 / statistics.mean(timings):.0f} steps/s")


if __name__ == "__main__":
    main()
