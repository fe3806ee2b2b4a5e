// Grading an evaluation request step by step (the fields are grading.tsx's,
// shared with the PIN hand-over), then attest and sign, or return it
// ungraded with a comment. Both are queued on the phone and sent when there
// is signal.
import { useState } from "preact/hooks";
import { api, uuidv7 } from "../api";
import { navigate } from "../router";
import { enqueue } from "../outbox";
import { Badge, Frame, Loading, fmtDateTime, must, useLoad } from "../ui";
import { GradingFields, gradedBody, marksProblem, noMarks, type Marks } from "../grading";

export function Grade({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const data = useLoad(async () => {
    const attempt = must(await api.get("/v1/attempts/{id}", { path: { id } }));
    const checklist = must(
      await api.get("/v1/checklists/{id}/versions/{version}", { path: { id: attempt.checklistId, version: attempt.checklistVersion } }),
    );
    const earlier = await api.get("/v1/students/{id}/attempts", {
      path: { id: attempt.studentId },
      query: { checklistId: attempt.checklistId, limit: 10 },
    });
    const history = earlier.ok ? (earlier.data.items ?? []).filter((x) => x.id !== attempt.id) : [];
    return { attempt, checklist, history };
  }, [id], `grade.${id}`);
  const [marks, setMarks] = useState<Marks>(noMarks);
  const comment = marks.comment;
  const [error, setError] = useState("");

  async function submit(decision: "grade" | "return") {
    const { attempt: a, checklist: c } = data.data!;
    const steps = c.steps ?? [];
    setError("");
    if (decision === "return") {
      if (!comment.trim()) return setError("Say why you return the request: write it in the comment for the student.");
      await enqueue({
        key: uuidv7(),
        kind: "return",
        path: `/v1/attempts/${encodeURIComponent(a.id)}/evaluations`,
        body: { decision: "return", comment: comment.trim() },
        label: `Returned: ${a.checklistTitle} (${a.studentName})`,
        attemptId: a.id,
        checklistId: a.checklistId,
      });
      return navigate("/app/queue");
    }
    const problem = marksProblem(steps, marks, a.studentName);
    if (problem) return setError(problem);
    await enqueue({
      key: uuidv7(),
      kind: "sign-off",
      path: `/v1/attempts/${encodeURIComponent(a.id)}/evaluations`,
      body: gradedBody(steps, marks),
      label: `Signed: ${a.checklistTitle} (${a.studentName})`,
      attemptId: a.id,
      checklistId: a.checklistId,
    });
    navigate("/app/queue");
  }

  return (
    <Frame title="Grade" back="/app/queue">
      <Loading {...data}>
        {() => {
          const { attempt: a, checklist: c } = data.data!;
          const steps = c.steps ?? [];
          if (a.status !== "requested")
            return (
              <p>
                This request is no longer open (<Badge status={a.status} />). <a href={`/app/attempts/${a.id}`}>See the record</a>.
              </p>
            );
          return (
            <form
              onSubmit={(e) => {
                e.preventDefault();
                void submit("grade");
              }}
            >
              <section class="panel" aria-label="Request">
                <p class="card-title">{a.checklistTitle}</p>
                <p>
                  <strong>{a.studentName}</strong> · requested {fmtDateTime(a.requestedAt)}
                </p>
                {a.note && <p class="muted">Note: {a.note}</p>}
              </section>
              {data.data!.history.length > 0 && (
                <details class="panel">
                  <summary>Earlier attempts ({data.data!.history.length})</summary>
                  <ul class="plain">
                    {data.data!.history.map((h) => (
                      <li key={h.id} class="history">
                        <span class="card-meta">
                          <Badge status={h.status} />
                          <span>{h.kind === "practice" ? "Practice" : "Evaluation"}</span>
                          <span class="due">{fmtDateTime(h.evaluation?.evaluatedAt ?? h.requestedAt)}</span>
                          {h.evaluation && h.status !== "returned" && <span class="due">Score {h.evaluation.score}%</span>}
                        </span>
                        {h.evaluation?.comment && <span class="comment">{h.evaluation.comment}</span>}
                      </li>
                    ))}
                  </ul>
                </details>
              )}
              <GradingFields id="g" steps={steps} student={a.studentName} marks={marks} set={setMarks} />
              {error && (
                <p class="error" role="alert">
                  {error}
                </p>
              )}
              <button type="submit">Sign the evaluation</button>
              <button type="button" class="secondary" onClick={() => void submit("return")}>
                Return without grading
              </button>
            </form>
          );
        }}
      </Loading>
    </Frame>
  );
}
