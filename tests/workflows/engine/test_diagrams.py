"""Every BPMN file keeps valid diagram interchange: each flow node and lane has a shape, each sequence flow an
edge, no shape points at nothing, and every top-level flow node sits in a lane (so standard modelers open it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
DI = "http://www.omg.org/spec/BPMN/20100524/DI"
NODES = {"userTask", "startEvent", "endEvent", "exclusiveGateway", "parallelGateway", "inclusiveGateway",
         "subProcess", "callActivity", "intermediateCatchEvent", "intermediateThrowEvent", "boundaryEvent",
         "lane", "participant", "scriptTask", "serviceTask"}
FILES = sorted(Path("bpmn").glob("*.bpmn"))


@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_diagram_interchange_is_complete(path):
    tree = etree.parse(str(path))
    nodes = {e.get("id") for e in tree.iter() if isinstance(e.tag, str) and etree.QName(e).localname in NODES}
    flows = {e.get("id") for kind in ("sequenceFlow", "messageFlow") for e in tree.iter(f"{{{BPMN}}}{kind}")}
    shapes = {e.get("bpmnElement") for e in tree.iter(f"{{{DI}}}BPMNShape")}
    edges = {e.get("bpmnElement") for e in tree.iter(f"{{{DI}}}BPMNEdge")}
    in_lanes = {r.text for r in tree.iter(f"{{{BPMN}}}flowNodeRef")}
    top = {e.get("id") for p in tree.iter(f"{{{BPMN}}}process") for e in p
           if isinstance(e.tag, str) and etree.QName(e).localname in NODES - {"lane", "participant"}}
    assert nodes - shapes == set() and flows - edges == set()
    assert (shapes | edges) - (nodes | flows) == set()
    assert top - in_lanes == set()


def test_every_squad_family_models_its_co_squads():
    from workflows import families

    for fam in families.all_families():
        if fam.co_squad_activity is not None:
            xml = Path("bpmn", f"{fam.process_id}.bpmn").read_text(encoding="utf-8")
            assert f'<bpmn:subProcess id="{fam.co_squad_activity}"' in xml
            assert "<bpmn:loopDataInputRef>co_squads</bpmn:loopDataInputRef>" in xml
    assert {f.name for f in families.all_families() if f.co_squad_activity} == {
        "instructed_item", "petition", "major_case", "study_action"}
