// Process diagrams drawn with the bpmn-js viewer (window.BpmnJS, served from npm). Everything comes from data
// attributes and JSON fetched from the app: no inline code (Content-Security-Policy).
(() => {
  "use strict";

  const local = (iso) => {
    if (!iso) return "";
    const d = new Date(iso);
    const parts = new Intl.DateTimeFormat("zh-CN", {
      timeZone: "Asia/Shanghai", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit",
      minute: "2-digit", hour12: false,
    }).formatToParts(d).reduce((acc, p) => ({ ...acc, [p.type]: p.value }), {});
    return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
  };

  const tag = (cls, text) => {
    const el = document.createElement("div");
    el.className = cls;
    el.textContent = text;
    return el;
  };

  const getJson = (url) => fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => { if (!r.ok) throw new Error(`${url}: ${r.status}`); return r.json(); });
  const getText = (url) => fetch(url, { credentials: "same-origin" })
    .then((r) => { if (!r.ok) throw new Error(`${url}: ${r.status}`); return r.text(); });

  const open = async (container, xmlUrl) => {
    const viewer = new window.BpmnJS({ container });
    await viewer.importXML(await getText(xmlUrl));
    viewer.get("canvas").zoom("fit-viewport");
    return viewer;
  };

  const markSubject = (viewer, marks) => {
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    const registry = viewer.get("elementRegistry");
    const has = (id) => registry.get(id) !== undefined;
    const late = new Set(marks.late);
    Object.entries(marks.visits).forEach(([id, times]) => {
      if (!has(id)) return;
      canvas.addMarker(id, late.has(id) ? "d-late" : "d-done");
      if (times > 1) overlays.add(id, { position: { top: -8, right: 8 }, html: tag("d-badge", `×${times}`) });
    });
    marks.active.forEach((id) => { if (has(id)) canvas.addMarker(id, "d-current"); });
    marks.current.forEach((step) => {
      if (!has(step.step)) return;
      ["d-done", "d-late"].forEach((m) => canvas.removeMarker(step.step, m));
      canvas.addMarker(step.step, step.overdue ? "d-overdue" : "d-current");
      const who = step.holder ? step.holder : "未签收";
      const due = step.due_at ? ` · ${step.overdue ? "已超期 " : "期限 "}${local(step.due_at)}` : "";
      overlays.add(step.step, { position: { bottom: -4, left: 0 },
        html: tag(step.overdue ? "d-note d-note-overdue" : "d-note", who + due) });
    });
    const taken = new Set(marks.flows.map(([s, t]) => `${s}>${t}`));
    registry.filter((el) => el.type === "bpmn:SequenceFlow").forEach((flow) => {
      const bo = flow.businessObject;
      if (taken.has(`${bo.sourceRef.id}>${bo.targetRef.id}`)) canvas.addMarker(flow.id, "d-taken");
    });
    markResponsibility(viewer, marks);
    container(viewer).dataset.diagramReady = "1";
  };

  // 退单 and 改派 are decisions outside the engine's path: drawn at the step that names the lead squad (交办), or
  // at the start event of a family that names it at registration, with one line per return and reassignment.
  const markResponsibility = (viewer, marks) => {
    const returns = marks.returns || [];
    const moves = marks.reassignments || [];
    if (!returns.length && !moves.length) return;
    const registry = viewer.get("elementRegistry");
    const anchor = (marks.anchor && registry.get(marks.anchor))
      || registry.filter((el) => el.type === "bpmn:StartEvent")[0];
    if (!anchor) return;
    viewer.get("canvas").addMarker(anchor.id, "d-returned");
    const note = document.createElement("div");
    note.className = "d-note d-note-returned";
    returns.forEach((r) => {
      const to = r.to_squad && r.to_squad !== r.squad ? ` → ${r.to_squad}` : "";
      note.appendChild(tag("d-line", `退单 ${local(r.at)} ${r.squad}（${r.reason}）：${r.status_label}${to}`));
    });
    moves.forEach((m) => note.appendChild(tag("d-line", `${m.label} ${local(m.at)} ${m.from_squad} → ${m.to_squad}`)));
    viewer.get("overlays").add(anchor.id, { position: { top: -8 - 16 * (returns.length + moves.length), left: 0 },
      html: note });
  };

  const container = (viewer) => viewer.get("canvas").getContainer().closest("[data-diagram]");

  const markHeat = (viewer, heat) => {
    const canvas = viewer.get("canvas");
    const overlays = viewer.get("overlays");
    const registry = viewer.get("elementRegistry");
    const counts = Object.entries(heat.counts).filter(([id]) => registry.get(id));
    const most = Math.max(1, ...counts.map(([, n]) => n));
    counts.forEach(([id, n]) => {
      canvas.addMarker(id, `d-heat-${Math.max(1, Math.ceil((n / most) * 5))}`);
      canvas.addMarker(id, "d-clickable");
      overlays.add(id, { position: { top: -10, right: 10 }, html: tag("d-heat-count", String(n)) });
    });
    const clickable = new Set(counts.map(([id]) => id));
    viewer.on("element.click", (event) => {
      if (clickable.has(event.element.id)) {
        window.location.href = heat.step_url.replace("__STEP__", encodeURIComponent(event.element.id));
      }
    });
    container(viewer).dataset.diagramReady = "1";
  };

  const fail = (el, error) => {
    el.dataset.diagramReady = "error";
    const note = el.parentElement.querySelector(".diagram-error");
    if (note) note.hidden = false;
    console.error(error); // eslint-disable-line no-console
  };

  const draw = async (el) => {
    if (el.dataset.diagram === "subject") {
      const marks = await getJson(el.dataset.marksUrl);
      markSubject(await open(el, marks.xml_url), marks);
    } else if (el.dataset.diagram === "heat") {
      const heat = await getJson(el.dataset.heatUrl);
      markHeat(await open(el, heat.xml_url), heat);
    }
  };

  document.addEventListener("DOMContentLoaded", () => {
    document.querySelectorAll("[data-diagram]").forEach((el) => {
      if (!window.BpmnJS) fail(el, new Error("bpmn-js not loaded"));
      else draw(el).catch((error) => fail(el, error));
    });
  });
})();
