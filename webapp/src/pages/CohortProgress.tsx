// Cohort progress for instructors (and admins): the cohorts they teach (an
// admin: the program's), then one cohort's students with skills competent,
// waiting, overdue and in remediation, procedure counts (met, pending) and
// practicum hours, a page of students at a time. Loaded on first use.
import { useState } from "preact/hooks";
import { api, type Schemas } from "../api";
import { Badge, Frame, Loading, areaName, fmtDateTime, must, useLoad } from "../ui";
import { useCohorts } from "./AdminParts";

type StudentProgress = Schemas["StudentProgress"];

export function CohortList() {
  const cohorts = useCohorts();
  return (
    <Frame title="Cohort progress">
      <Loading {...cohorts}>
        {() =>
          cohorts.data!.length === 0 ? (
            <p>You teach no cohort yet.</p>
          ) : (
            <ul class="cards">
              {cohorts.data!.map((c) => (
                <li key={c.id}>
                  <a class="card" href={`/app/cohort-progress/${c.id}`}>
                    <span class="card-title">{c.name}</span>
                    {c.startDate && (
                      <span class="card-meta due">
                        {c.startDate} to {c.endDate ?? "…"}
                      </span>
                    )}
                  </a>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
    </Frame>
  );
}

export function CohortProgress({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const [cursors, setCursors] = useState<string[]>([""]);
  const data = useLoad(async () => {
    const items: StudentProgress[] = [];
    let page: Schemas["CohortProgress"] | undefined;
    for (const cursor of cursors) {
      page = must(await api.get("/v1/cohorts/{id}/progress", { path: { id }, query: { cursor: cursor || undefined, limit: 25 } }));
      items.push(...(page.items ?? []));
    }
    return { name: page!.cohortName, asOf: page!.asOf, checklists: page!.checklists?.length ?? 0, items, next: page!.nextCursor };
  }, [id, cursors.length]);

  return (
    <Frame title={data.data?.name ?? "Cohort progress"} back="/app/cohort-progress">
      <Loading {...data}>
        {() => {
          const d = data.data!;
          return (
            <>
              <p class="muted">
                {d.checklists} assigned checklists · as of {fmtDateTime(d.asOf)}
              </p>
              <ul class="cards">
                {d.items.map((s) => {
                  const overdue = (s.skills ?? []).filter((k) => k.status === "overdue").length;
                  const flagged = (s.skills ?? []).filter((k) => k.status === "remediation-flagged" || k.status === "needs-remediation").length;
                  const waiting = (s.skills ?? []).filter((k) => k.status === "awaiting-evaluation").length;
                  return (
                    <li key={s.studentId} class="card">
                      <span class="card-title">{s.studentName}</span>
                      <span class="card-meta">
                        <span>
                          {s.overall.competent} of {s.overall.assigned} skills competent
                        </span>
                      </span>
                      <progress max={100} value={s.overall.percent} aria-label={`${s.studentName}: ${s.overall.percent}% competent`} />
                      <span class="card-meta">
                        {waiting > 0 && <Badge status="awaiting-evaluation" />}
                        {overdue > 0 && <span class="due overdue">{overdue} overdue</span>}
                        {flagged > 0 && <span class="due overdue">{flagged} in remediation</span>}
                        {(s.procedures ?? []).map((p) => (
                          <span key={p.kind} class="due">
                            {areaName(p.kind)} {p.successful}/{p.target}
                            {p.met ? " (met)" : ""}
                            {p.pending ? ` (${p.pending} pending)` : ""}
                          </span>
                        ))}
                        {s.practicum && s.practicum.required > 0 && (
                          <span class="due">
                            Practicum {s.practicum.confirmed}/{s.practicum.required} h{s.practicum.pending ? ` (${s.practicum.pending} pending)` : ""}
                          </span>
                        )}
                      </span>
                    </li>
                  );
                })}
              </ul>
              {d.next && (
                <button type="button" class="secondary" onClick={() => setCursors([...cursors, d.next!])}>
                  Show more students
                </button>
              )}
            </>
          );
        }}
      </Loading>
    </Frame>
  );
}
