// The checklist library: the program's current checklists (the shipped
// library and the program's own versions), each with every version
// (drafts, published, retired). An admin drafts the next version of a
// checklist (a copy of the current one, to edit through the API), publishes
// a draft, or retires a published version of the program's own.
import { useState } from "preact/hooks";
import { allPages, api, problemText, type Schemas } from "../api";
import { ErrorNote, Frame, Loading, areaName, fmtDate, must, useAction, useLoad } from "../ui";
import { VersionBadge } from "./AdminParts";

type Summary = Schemas["ChecklistSummary"];

export function AdminChecklists() {
  const [q, setQ] = useState("");
  const library = useLoad(async () => {
    const r = await allPages<Summary>((cursor) => api.get("/v1/checklists", { query: { cursor, limit: 200 } }));
    if (!r.ok) throw new Error(problemText(r.problem));
    return r.items;
  }, []);
  const words = q.trim().toLowerCase();
  return (
    <Frame title="Checklists" back="/app/admin">
      <label for="cl-q">Find</label>
      <input id="cl-q" type="text" placeholder="Title or id" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
      <Loading {...library}>
        {() => {
          const shown = library.data!.filter((c) => !words || c.title.toLowerCase().includes(words) || c.id.includes(words));
          return (
            <>
              <p class="muted" role="status">
                {shown.length} of {library.data!.length} checklists
              </p>
              <ul class="plain">
                {shown.map((c) => (
                  <ChecklistItem key={c.id} c={c} changed={library.reload} />
                ))}
              </ul>
            </>
          );
        }}
      </Loading>
    </Frame>
  );
}

function ChecklistItem({ c, changed }: { c: Summary; changed: () => void }) {
  const [open, setOpen] = useState(false);
  const [n, setN] = useState(0);
  const versions = useLoad(async () => (open ? must(await api.get("/v1/checklists/{id}/versions", { path: { id: c.id } })).items ?? [] : []), [open, n]);
  const act = useAction();

  function draftNext() {
    void act.run(async () => {
      const cur = await api.get("/v1/checklists/{id}", { path: { id: c.id } });
      if (!cur.ok) return act.setError(problemText(cur.problem));
      const x = cur.data;
      const r = await api.post("/v1/checklists", {
        body: {
          id: x.id,
          area: x.area as Schemas["CreateChecklistInputBody"]["area"],
          title: x.title,
          purpose: x.purpose ?? "",
          competencies: x.competencies ?? [],
          equipment: x.equipment ?? [],
          sources: x.sources ?? [],
          steps: (x.steps ?? []).map((s) => ({ id: s.id, text: s.text, critical: s.critical, mayNotApply: s.mayNotApply })),
        },
      });
      if (!r.ok) return act.setError(problemText(r.problem));
      setN(n + 1);
    });
  }

  function publish(v: number) {
    void act.run(async () => {
      const r = await api.post("/v1/checklists/{id}/versions/{version}/publish", { path: { id: c.id, version: v } });
      if (!r.ok) return act.setError(problemText(r.problem));
      setN(n + 1);
      changed();
    });
  }

  function retire(v: number) {
    void act.run(async () => {
      const r = await api.post("/v1/checklists/{id}/versions/{version}/retire", { path: { id: c.id, version: v } });
      if (!r.ok) return act.setError(problemText(r.problem));
      setN(n + 1);
      changed();
    });
  }

  return (
    <li class="card">
      <span class="card-title">{c.title}</span>
      <span class="card-meta muted">
        {areaName(c.area)} · v{c.version} · {c.steps} steps ({c.criticalSteps} critical) · {c.programId ? "program's own" : "shipped"}
      </span>
      <div class="actions">
        <button type="button" class="secondary small" aria-expanded={open} onClick={() => setOpen(!open)}>
          {open ? "Hide versions" : "Versions"}
        </button>
        <button type="button" class="secondary small" disabled={act.busy} onClick={draftNext}>
          Draft next version
        </button>
      </div>
      <ErrorNote error={act.error} />
      {open && (
        <Loading {...versions}>
          {() => (
            <ul class="plain" aria-label={`Versions of ${c.title}`}>
              {versions.data!.map((v) => (
                <li key={v.version} class="panel">
                  <span class="result-line">
                    v{v.version} <VersionBadge status={v.status} />
                  </span>
                  <span class="muted">
                    {v.programId ? "program's own" : "shipped"}
                    {v.publishedAt && ` · published ${fmtDate(v.publishedAt)}`} · {v.steps} steps
                  </span>
                  {v.status === "draft" && (
                    <div class="actions">
                      <a class="button secondary" href={`/app/admin/checklists/${encodeURIComponent(c.id)}/${v.version}`}>
                        Edit v{v.version}
                      </a>
                      <button type="button" class="small" disabled={act.busy} onClick={() => publish(v.version)}>
                        Publish v{v.version}
                      </button>
                    </div>
                  )}
                  {v.status === "published" && v.programId && (
                    <button type="button" class="secondary small" disabled={act.busy} onClick={() => retire(v.version)}>
                      Retire v{v.version}
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </Loading>
      )}
    </li>
  );
}

