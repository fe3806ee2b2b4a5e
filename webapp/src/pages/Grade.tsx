// Grading an evaluation request step by step: pass, fail or N/A (only on a
// step the checklist marks as possibly not applying, never a critical one),
// a comment on every failed or N/A step; then attest and sign, or return it
// ungraded with a comment. Both are queued on the phone and sent when there
// is signal.
import { useState } from "preact/hooks";
import { api, uuidv7 } from "../api";
import { navigate } from "../router";
import { enqueue } from "../outbox";
import { Badge, Frame, Loading, fmtDateTime, must, useLoad } from "../ui";

type Result = "pass" | "fail" | "na";

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
  const [results, setResults] = useState<Record<string, Result>>({});
  const [comments, setComments] = useState<Record<string, string>>({});
  const [setting, setSetting] = useState<"skills-lab" | "clinical-site">("skills-lab");
  const [comment, setComment] = useState("");
  const [attest, setAttest] = useState(false);
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
    const missing = steps.filter((s) => !results[s.id]);
    if (missing.length) return setError(`Grade every step: ${missing.length} left.`);
    const noComment = steps.filter((s) => results[s.id] !== "pass" && !comments[s.id]?.trim());
    if (noComment.length) return setError("Write a comment on every failed or not applicable step.");
    if (!attest) return setError("Attest that you observed the student perform the skill before signing.");
    await enqueue({
      key: uuidv7(),
      kind: "sign-off",
      path: `/v1/attempts/${encodeURIComponent(a.id)}/evaluations`,
      body: {
        decision: "grade",
        attest: true,
        setting,
        comment: comment.trim() || undefined,
        steps: steps.map((s) => ({ stepId: s.id, result: results[s.id], comment: comments[s.id]?.trim() || undefined })),
      },
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
          const graded = steps.filter((s) => results[s.id]).length;
          const failedCritical = steps.some((s) => s.critical && results[s.id] === "fail");
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
              <div class="row">
                <span class="muted" role="status">
                  {graded} of {steps.length} graded
                </span>
                <button
                  type="button"
                  class="secondary small"
                  onClick={() => setResults(Object.fromEntries(steps.map((s) => [s.id, results[s.id] ?? "pass"])))}
                >
                  Pass the rest
                </button>
              </div>
              <ol class="steps grading">
                {steps.map((s, i) => {
                  const r = results[s.id];
                  const naAllowed = !!s.mayNotApply && !s.critical;
                  return (
                    <li key={s.id} class={s.critical ? "critical" : ""}>
                      <fieldset>
                        <legend>
                          <span class="step-no">Step {i + 1}</span>
                          {s.critical && <span class="crit">Critical</span>}
                          {s.text}
                        </legend>
                        <div class="choices">
                          {(["pass", "fail", ...(naAllowed ? ["na"] : [])] as Result[]).map((v) => (
                            <label key={v} class={`choice choice-${v}${r === v ? " on" : ""}`}>
                              <input
                                type="radio"
                                name={`step-${s.id}`}
                                value={v}
                                checked={r === v}
                                onChange={() => setResults({ ...results, [s.id]: v })}
                              />
                              {v === "pass" ? "Pass" : v === "fail" ? "Fail" : "N/A"}
                            </label>
                          ))}
                        </div>
                        {r && r !== "pass" && (
                          <>
                            <label for={`c-${s.id}`} class="small-label">
                              Comment ({r === "fail" ? "what to work on" : "why it does not apply"})
                            </label>
                            <textarea
                              id={`c-${s.id}`}
                              rows={2}
                              required
                              value={comments[s.id] ?? ""}
                              onInput={(e) => setComments({ ...comments, [s.id]: e.currentTarget.value })}
                            />
                          </>
                        )}
                      </fieldset>
                    </li>
                  );
                })}
              </ol>
              {failedCritical && (
                <p class="warn" role="status">
                  A critical step failed: this evaluation will be recorded as failed.
                </p>
              )}
              <fieldset class="panel">
                <legend>Setting</legend>
                <div class="choices">
                  {(["skills-lab", "clinical-site"] as const).map((v) => (
                    <label key={v} class={`choice${setting === v ? " on" : ""}`}>
                      <input type="radio" name="setting" value={v} checked={setting === v} onChange={() => setSetting(v)} />
                      {v === "skills-lab" ? "Skills lab" : "Clinical site"}
                    </label>
                  ))}
                </div>
              </fieldset>
              <label for="comment">Comment for the student</label>
              <textarea id="comment" rows={3} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
              <label class="check">
                <input type="checkbox" checked={attest} onChange={(e) => setAttest(e.currentTarget.checked)} />I observed {a.studentName} perform this
                skill and graded each step myself.
              </label>
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
