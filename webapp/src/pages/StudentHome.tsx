// The student's assigned skills, by area, with status and due dates.
import { allPages, api, problemText, type Schemas } from "../api";
import { save } from "../files";
import { getSession } from "../session";
import { useOutbox } from "../outbox";
import { Badge, ErrorNote, Frame, Loading, areaName, fmtDate, useAction, useDelivered, useLoad } from "../ui";

type Skill = Schemas["SkillProgress"];

export function StudentHome() {
  const skills = useLoad(async () => {
    const r = await allPages<Skill>((cursor) => api.get("/v1/me/skills", { query: { cursor, limit: 100 } }));
    if (!r.ok) throw new Error(r.problem.detail || r.problem.title);
    return r.items;
  }, [], "skills");
  const outbox = useOutbox();
  const waiting = new Set(outbox.filter((i) => i.kind === "evaluation-request" && i.state === "pending").map((i) => i.checklistId));
  useDelivered(skills.reload);
  const act = useAction();

  /** Downloads the student's own skills transcript (PDF, signed records). */
  function transcript() {
    const me = getSession().me;
    if (!me) return;
    void act.run(async () => {
      const r = await api.get("/v1/students/{id}/transcript.pdf", { path: { id: me.id } });
      if (!r.ok) return act.setError(problemText(r.problem));
      save(r.data as Blob, "skillbook-transcript.pdf");
    });
  }

  return (
    <Frame title="My skills">
      <Loading {...skills}>
        {() => {
          const items = skills.data!;
          if (items.length === 0) return <p>No skills are assigned to you yet.</p>;
          const areas = new Map<string, Skill[]>();
          for (const s of items) areas.set(s.area, [...(areas.get(s.area) ?? []), s]);
          const done = items.filter((s) => s.status === "competent").length;
          return (
            <>
              <p class="summary">
                <strong>{done}</strong> of {items.length} skills competent
              </p>
              <progress max={items.length} value={done} aria-label="Skills competent" />
              {[...areas].map(([area, list]) => (
                <section key={area} aria-labelledby={`area-${area}`}>
                  <h2 id={`area-${area}`}>
                    {areaName(area)}{" "}
                    <span class="muted">
                      {list.filter((s) => s.status === "competent").length}/{list.length}
                    </span>
                  </h2>
                  <ul class="cards">
                    {list.map((s) => (
                      <li key={s.checklistId}>
                        <a class="card" href={`/app/skills/${encodeURIComponent(s.checklistId)}`}>
                          <span class="card-title">{s.title}</span>
                          <span class="card-meta">
                            <Badge status={waiting.has(s.checklistId) ? "pending" : s.status} />
                            {s.dueDate && s.status !== "competent" && <span class={s.status === "overdue" ? "due overdue" : "due"}>Due {fmtDate(s.dueDate)}</span>}
                            {s.status === "competent" && s.competentAt && <span class="due">Signed {fmtDate(s.competentAt)}</span>}
                          </span>
                        </a>
                      </li>
                    ))}
                  </ul>
                </section>
              ))}
              <button type="button" class="secondary" disabled={act.busy} onClick={transcript}>
                {act.busy ? "Preparing…" : "Download my transcript (PDF)"}
              </button>
              <ErrorNote error={act.error} />
            </>
          );
        }}
      </Loading>
    </Frame>
  );
}
