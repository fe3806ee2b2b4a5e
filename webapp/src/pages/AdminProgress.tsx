// Cohort progress: the cohorts the caller teaches (an admin: the
// program's), and for one of them each student's completion, procedures
// and practicum hours, a page of students at a time.
import { useEffect, useState } from "preact/hooks";
import { api, problemText, type Schemas } from "../api";
import { Frame, Loading, fmtDate, must, useLoad } from "../ui";
import { CohortSelect, ErrorNote, KIND_WORDS, useAction, useCohorts } from "./AdminParts";

type Student = Schemas["StudentProgress"];

export function AdminProgress() {
  const cohorts = useCohorts();
  const [cohort, setCohort] = useState("");
  useEffect(() => {
    if (!cohort && cohorts.data?.[0]) setCohort(cohorts.data[0].id);
  }, [cohorts.data]);
  const first = useLoad(async () => (cohort ? must(await api.get("/v1/cohorts/{id}/progress", { path: { id: cohort }, query: { limit: 50 } })) : null), [cohort]);
  const [more, setMore] = useState<{ cohort: string; items: Student[]; next?: string } | null>(null);
  const act = useAction();
  const extra = more?.cohort === cohort ? more : null;
  const students = [...(first.data?.items ?? []), ...(extra?.items ?? [])];
  const next = extra ? extra.next : first.data?.nextCursor;

  function loadMore() {
    void act.run(async () => {
      const r = await api.get("/v1/cohorts/{id}/progress", { path: { id: cohort }, query: { limit: 50, cursor: next } });
      if (!r.ok) return act.setError(problemText(r.problem));
      setMore({ cohort, items: [...(extra?.items ?? []), ...(r.data.items ?? [])], next: r.data.nextCursor });
    });
  }

  return (
    <Frame title="Cohort progress">
      <Loading {...cohorts}>
        {() => (cohorts.data!.length === 0 ? <p>You have no cohorts.</p> : <CohortSelect id="prog-cohort" cohorts={cohorts.data!} value={cohort} onChange={setCohort} />)}
      </Loading>
      {cohort && (
        <Loading data={first.data === undefined ? undefined : first.data} error={first.error} reload={first.reload}>
          {() => (
            <>
              <p class="muted" role="status">
                {first.data?.checklists?.length ?? 0} assigned checklists · as of {fmtDate(first.data?.asOf)}
              </p>
              <ul class="plain">
                {students.map((s) => (
                  <li key={s.studentId} class="card">
                    <span class="card-title">{s.studentName}</span>
                    <progress max={100} value={s.overall?.percent ?? 0} aria-label={`${s.studentName}: skills competent`} />
                    <span class="card-meta">
                      <span>
                        <strong>{s.overall?.competent ?? 0}</strong> of {s.overall?.assigned ?? 0} skills ({s.overall?.percent ?? 0}%)
                      </span>
                      {(s.procedures ?? []).map((p) => (
                        <span key={p.kind} class="muted">
                          {KIND_WORDS[p.kind] ?? p.kind}: {p.successful} of {p.target}
                          {p.met ? " (met)" : ""}
                          {p.pending ? ` (${p.pending} pending)` : ""}
                        </span>
                      ))}
                      {s.practicum && s.practicum.required > 0 && (
                        <span class="muted">
                          Practicum: {s.practicum.confirmed} of {s.practicum.required} h{s.practicum.pending ? ` (${s.practicum.pending} pending)` : ""}
                        </span>
                      )}
                    </span>
                  </li>
                ))}
              </ul>
              <ErrorNote error={act.error} />
              {next && (
                <button type="button" class="secondary" disabled={act.busy} onClick={loadMore}>
                  More students
                </button>
              )}
            </>
          )}
        </Loading>
      )}
    </Frame>
  );
}
