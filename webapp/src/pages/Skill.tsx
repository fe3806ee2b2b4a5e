// One assigned skill: the checklist's steps (critical ones marked), the
// student's attempts, and the evaluation request.
import { useState } from "preact/hooks";
import { api, uuidv7 } from "../api";
import { dismiss, enqueue, useOutbox } from "../outbox";
import { getSession } from "../session";
import { Badge, Frame, Loading, fmtDate, fmtDateTime, must, useDelivered, useLoad } from "../ui";

export function Skill({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const checklist = useLoad(async () => must(await api.get("/v1/checklists/{id}", { path: { id } })), [id], `checklist.${id}`);
  const attempts = useLoad(async () => must(await api.get("/v1/me/attempts", { query: { checklistId: id, limit: 50 } })).items ?? [], [id], `attempts.${id}`);
  useDelivered(attempts.reload);
  const plans = useLoad(
    async () => {
      const me = getSession().me;
      if (!me) return [];
      const r = await api.get("/v1/students/{id}/remediations", { path: { id: me.id } });
      return r.ok ? (r.data.items ?? []).filter((p) => p.checklistId === id) : [];
    },
    [id],
    `remediations.${id}`,
  );
  const mine = useOutbox().filter((i) => i.checklistId === id);
  const outbox = mine.filter((i) => i.kind === "evaluation-request");
  const open = attempts.data?.find((a) => a.status === "requested");
  const pending = outbox.find((i) => i.state === "pending");
  const passed = attempts.data?.find((a) => a.status === "passed");

  const practising = mine.filter((i) => i.kind === "practice" && i.state === "pending").length;

  const [selfCheck, setSelfCheck] = useState(false);
  const [marks, setMarks] = useState<Record<string, boolean>>({});

  /**
   * Queues a practice log (a self-check that never counts, with the
   * student's own step marks when they checked themselves) or an
   * evaluation request.
   */
  async function log(kind: "practice" | "evaluation") {
    const attemptId = uuidv7();
    const steps =
      kind === "practice" && selfCheck
        ? (checklist.data?.steps ?? []).map((st) => ({ stepId: st.id, result: marks[st.id] ? "pass" : "fail" }))
        : undefined;
    await enqueue({
      key: attemptId,
      kind: kind === "practice" ? "practice" : "evaluation-request",
      path: "/v1/attempts",
      body: { id: attemptId, checklistId: id, kind, steps },
      label: `${kind === "practice" ? "Practice" : "Evaluation request"}: ${checklist.data?.title ?? id}`,
      attemptId,
      checklistId: id,
    });
  }

  return (
    <Frame title={checklist.data?.title ?? "Skill"} back="/app/student">
      <Loading {...checklist}>
        {() => {
          const c = checklist.data!;
          const critical = (c.steps ?? []).filter((s) => s.critical).length;
          return (
            <>
              <section class="panel" aria-label="Evaluation">
                {pending ? (
                  <p role="status">
                    <Badge status="pending" /> Your evaluation request is saved on this phone and will be sent when you have signal.
                  </p>
                ) : open ? (
                  <p role="status">
                    <Badge status="requested" /> Requested {fmtDateTime(open.requestedAt)}: an instructor will evaluate you.
                  </p>
                ) : passed ? (
                  <p role="status">
                    <Badge status="passed" /> Passed and signed {fmtDateTime(passed.evaluation?.evaluatedAt)}.
                  </p>
                ) : (
                  <button type="button" onClick={() => void log("evaluation")} disabled={!attempts.data}>
                    Request an evaluation
                  </button>
                )}
                <button type="button" class="secondary" onClick={() => void log("practice")}>
                  I practised this skill
                </button>
                {practising > 0 && (
                  <p role="status">
                    <Badge status="pending" /> {practising === 1 ? "1 practice log" : `${practising} practice logs`} saved on this phone, sent when you have signal.
                  </p>
                )}
                {mine
                  .filter((i) => i.state === "failed")
                  .map((i) => (
                    <div key={i.key} class="error" role="alert">
                      <p>
                        {i.kind === "practice" ? "The practice log" : "The request"} was not accepted: {i.error}
                      </p>
                      <button type="button" class="secondary small" onClick={() => void dismiss(i.key)}>
                        Dismiss
                      </button>
                    </div>
                  ))}
              </section>
              {(plans.data ?? []).length > 0 && (
                <section aria-labelledby="plans">
                  <h2 id="plans">Remediation plan</h2>
                  {plans.data!.map((p) => (
                    <div key={p.id} class="panel warn-panel">
                      <p>{p.plan}</p>
                      <p class="muted">
                        Recorded {fmtDate(p.createdAt)}
                        {p.dueDate && `, complete by ${fmtDate(p.dueDate)}`}
                      </p>
                    </div>
                  ))}
                </section>
              )}
              <h2>Attempts</h2>
              <Loading {...attempts}>
                {() =>
                  attempts.data!.length === 0 ? (
                    <p class="muted">No attempts yet.</p>
                  ) : (
                    <ul class="cards">
                      {attempts.data!.map((a) => (
                        <li key={a.id}>
                          <a class="card" href={`/app/attempts/${a.id}`}>
                            <span class="card-title">
                              {a.kind === "practice" ? "Practice" : "Evaluation"} · {fmtDateTime(a.evaluation?.evaluatedAt ?? a.requestedAt)}
                            </span>
                            <span class="card-meta">
                              <Badge status={a.status} />
                              {a.evaluation && a.status !== "returned" && <span class="due">Score {a.evaluation.score}%</span>}
                            </span>
                          </a>
                        </li>
                      ))}
                    </ul>
                  )
                }
              </Loading>
              <h2>Steps</h2>
              <p class="muted">
                {c.steps?.length ?? 0} steps, {critical} critical: failing a critical step fails the evaluation.
              </p>
              <button type="button" class="secondary" aria-pressed={selfCheck} onClick={() => (setSelfCheck(!selfCheck), setMarks({}))}>
                {selfCheck ? "Stop checking myself" : "Check myself against the steps"}
              </button>
              <ol class="steps">
                {(c.steps ?? []).map((s) => (
                  <li key={s.id} class={s.critical ? "critical" : ""}>
                    {s.critical && <span class="crit">Critical</span>}
                    {s.text}
                    {selfCheck && (
                      <label class="check self">
                        <input type="checkbox" checked={!!marks[s.id]} onChange={(e) => setMarks({ ...marks, [s.id]: e.currentTarget.checked })} />I
                        did this step right
                      </label>
                    )}
                  </li>
                ))}
              </ol>
              {selfCheck && (
                <button
                  type="button"
                  onClick={() =>
                    void log("practice").then(() => {
                      setSelfCheck(false);
                      setMarks({});
                    })
                  }
                >
                  Log this practice ({Object.values(marks).filter(Boolean).length} of {c.steps?.length ?? 0} steps right)
                </button>
              )}
              {c.purpose && (
                <>
                  <h2>Purpose</h2>
                  <p>{c.purpose}</p>
                </>
              )}
            </>
          );
        }}
      </Loading>
    </Frame>
  );
}
