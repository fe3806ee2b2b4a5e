// One attempt: its status, and once evaluated the outcome, score, each
// step's result with the evaluator's comments, and any amendments.
import { api } from "../api";
import { getSession } from "../session";
import { Badge, Frame, Loading, fmtDateTime, must, useLoad } from "../ui";

export function AttemptPage({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const data = useLoad(async () => {
    const attempt = must(await api.get("/v1/attempts/{id}", { path: { id } }));
    const checklist = must(
      await api.get("/v1/checklists/{id}/versions/{version}", { path: { id: attempt.checklistId, version: attempt.checklistVersion } }),
    );
    return { attempt, checklist };
  }, [id], `attempt.${id}`);
  const student = getSession().me?.role === "student";
  const back = student ? `/app/skills/${encodeURIComponent(data.data?.attempt.checklistId ?? "")}` : "/app/queue";

  return (
    <Frame title={data.data?.attempt.checklistTitle ?? "Attempt"} back={data.data ? back : "/app/"}>
      <Loading {...data}>
        {() => {
          const { attempt: a, checklist: c } = data.data!;
          const ev = a.evaluation;
          const grades = new Map((ev?.steps ?? a.steps ?? []).map((g) => [g.stepId, g]));
          return (
            <>
              <section class="panel" aria-label="Result">
                <p class="result-line">
                  <Badge status={a.status} />
                  <span>
                    {a.kind === "practice" ? "Practice" : "Evaluation"}
                    {!student && ` of ${a.studentName}`}
                  </span>
                </p>
                <p class="muted">Requested {fmtDateTime(a.requestedAt)}</p>
                {ev && (
                  <>
                    {a.status !== "returned" && (
                      <p>
                        Score <strong>{ev.score}%</strong> · {ev.setting === "clinical-site" ? "Clinical site" : "Skills lab"} · {fmtDateTime(ev.evaluatedAt)}
                      </p>
                    )}
                    {ev.signature && <p class="muted">Signed by the evaluator; the signature can be verified against the program's published keys.</p>}
                    {ev.comment && (
                      <blockquote>
                        <span class="sr-label">Evaluator's comment: </span>
                        {ev.comment}
                      </blockquote>
                    )}
                  </>
                )}
                {a.status === "requested" && <p>Waiting for an instructor.</p>}
                {a.status === "requested" && student && <a class="button" href={`/app/handover/${encodeURIComponent(a.id)}`}>Hand to instructor to sign here</a>}
              </section>
              {(a.amendments ?? []).length > 0 && (
                <section aria-labelledby="amend">
                  <h2 id="amend">Amendments</h2>
                  <ul class="plain">
                    {a.amendments!.map((m) => (
                      <li key={m.id} class="panel">
                        <strong>{m.kind === "void" ? "Voided" : "Correction"}</strong>: {m.correction || m.reason}
                        {m.correction && m.reason && <p class="muted">Reason: {m.reason}</p>}
                      </li>
                    ))}
                  </ul>
                </section>
              )}
              <h2>Steps</h2>
              <ol class="steps">
                {(c.steps ?? []).map((s) => {
                  const g = grades.get(s.id);
                  return (
                    <li key={s.id} class={s.critical ? "critical" : ""}>
                      {s.critical && <span class="crit">Critical</span>}
                      {s.text}
                      {g && (
                        <div class="grade">
                          <Badge status={g.result} />
                          {g.comment && <span class="comment">{g.comment}</span>}
                        </div>
                      )}
                    </li>
                  );
                })}
              </ol>
            </>
          );
        }}
      </Loading>
    </Frame>
  );
}
