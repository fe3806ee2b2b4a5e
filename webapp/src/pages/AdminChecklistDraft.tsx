// A draft checklist version: its title, purpose and steps (text, critical,
// may not apply) edited and saved (PUT with the ETag read as If-Match, so
// two admins never overwrite each other), then published. Published,
// retired and shipped versions are read-only.
import { useState } from "preact/hooks";
import { api, problemText, type Schemas } from "../api";
import { navigate } from "../router";
import { ErrorNote, Frame, Loading, must, useAction, useLoad } from "../ui";
import { VersionBadge } from "./AdminParts";

type Step = Schemas["StepInput"];

/** A new step id, unique in the checklist (ids are kebab-case). */
function newStepId(steps: Step[]): string {
  for (let n = steps.length + 1; ; n++) if (!steps.some((s) => s.id === `step-${n}`)) return `step-${n}`;
}

export function AdminChecklistDraft({ params }: { params: Record<string, string> }) {
  const { id, version } = params;
  const v = Number(version);
  const data = useLoad(async () => {
    const r = await api.get("/v1/checklists/{id}/versions/{version}", { path: { id, version: v } });
    const c = must(r);
    return { c, etag: r.response.headers.get("ETag") ?? "" };
  }, [id, v]);
  const [edit, setEdit] = useState<{ title: string; purpose: string; steps: Step[] } | null>(null);
  const [saved, setSaved] = useState("");
  const act = useAction();
  const c = data.data?.c;
  const form = edit ?? (c ? { title: c.title, purpose: c.purpose ?? "", steps: (c.steps ?? []).map((s) => ({ ...s })) } : null);

  function change(f: Partial<NonNullable<typeof form>>) {
    setSaved("");
    setEdit({ ...form!, ...f });
  }
  function setStep(i: number, s: Partial<Step>) {
    change({ steps: form!.steps.map((x, j) => (j === i ? { ...x, ...s, mayNotApply: s.critical ? false : (s.mayNotApply ?? x.mayNotApply) } : x)) });
  }

  async function save(): Promise<string | null> {
    const { c, etag } = data.data!;
    const r = await api.put("/v1/checklists/{id}/versions/{version}", {
      path: { id, version: v },
      headers: { "If-Match": etag },
      body: {
        area: c.area as Schemas["ChecklistContent"]["area"],
        title: form!.title.trim(),
        purpose: form!.purpose.trim(),
        competencies: c.competencies ?? [],
        equipment: c.equipment ?? [],
        sources: c.sources ?? [],
        grading: c.grading,
        steps: form!.steps.map((s) => ({ id: s.id, text: s.text.trim(), critical: !!s.critical, mayNotApply: !!s.mayNotApply })),
      },
    });
    if (!r.ok) {
      act.setError(r.status === 412 ? "Someone else changed this draft since you opened it: reload it to see their changes." : problemText(r.problem));
      return null;
    }
    return r.response.headers.get("ETag") ?? "";
  }

  function saveOnly(e: Event) {
    e.preventDefault();
    void act.run(async () => {
      const etag = await save();
      if (etag === null) return;
      setEdit(null);
      setSaved("Draft saved.");
      data.reload();
    });
  }

  function publish() {
    void act.run(async () => {
      let etag: string | null = data.data!.etag;
      if (edit) etag = await save();
      if (etag === null) return;
      const r = await api.post("/v1/checklists/{id}/versions/{version}/publish", { path: { id, version: v }, headers: etag ? { "If-Match": etag } : {} });
      if (!r.ok) return act.setError(problemText(r.problem));
      navigate("/app/admin/checklists");
    });
  }

  return (
    <Frame title={c ? `${c.title} v${c.version}` : "Checklist version"} back="/app/admin/checklists">
      <Loading {...data}>
        {() => {
          if (c!.status !== "draft")
            return (
              <p>
                <VersionBadge status={c!.status} /> This version is {c!.status}: it never changes. Draft the next version from the library to edit it.
              </p>
            );
          const f = form!;
          return (
            <form onSubmit={saveOnly}>
              <p class="result-line">
                <VersionBadge status="draft" /> <span class="muted">Students see it once published.</span>
              </p>
              <label for="d-title">Title</label>
              <input id="d-title" type="text" maxLength={200} value={f.title} onInput={(e) => change({ title: e.currentTarget.value })} />
              <label for="d-purpose">Purpose</label>
              <textarea id="d-purpose" rows={3} value={f.purpose} onInput={(e) => change({ purpose: e.currentTarget.value })} />
              <h2>Steps ({f.steps.length})</h2>
              <ol class="plain">
                {f.steps.map((s, i) => (
                  <li key={s.id} class="panel">
                    <label for={`d-step-${s.id}`} class="small-label">
                      Step {i + 1}
                    </label>
                    <textarea id={`d-step-${s.id}`} rows={2} value={s.text} onInput={(e) => setStep(i, { text: e.currentTarget.value })} />
                    <label class="check">
                      <input type="checkbox" checked={!!s.critical} onChange={(e) => setStep(i, { critical: e.currentTarget.checked })} />
                      Critical (missing it fails the attempt)
                    </label>
                    {!s.critical && (
                      <label class="check">
                        <input type="checkbox" checked={!!s.mayNotApply} onChange={(e) => setStep(i, { mayNotApply: e.currentTarget.checked })} />
                        May not apply to every patient
                      </label>
                    )}
                    <button type="button" class="secondary small" onClick={() => change({ steps: f.steps.filter((_, j) => j !== i) })}>
                      Remove step {i + 1}
                    </button>
                  </li>
                ))}
              </ol>
              <button type="button" class="secondary" onClick={() => change({ steps: [...f.steps, { id: newStepId(f.steps), text: "", critical: false }] })}>
                Add a step
              </button>
              <ErrorNote error={act.error} />
              {saved && (
                <p class="ok" role="status">
                  {saved}
                </p>
              )}
              <button type="submit" class="secondary" disabled={act.busy || !edit}>
                Save the draft
              </button>
              <button type="button" disabled={act.busy} onClick={publish}>
                {edit ? "Save and publish" : "Publish"}
              </button>
            </form>
          );
        }}
      </Loading>
    </Frame>
  );
}
