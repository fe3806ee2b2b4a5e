// Grading a checklist step by step, the same on the instructor's phone
// (pages/Grade.tsx, queued) and on the student's phone in the hand-over
// (pages/HandoverSign.tsx, signed with the PIN): pass, fail or N/A (only on
// a step the checklist marks as possibly not applying, never a critical
// one), a comment on every failed or N/A step, the setting, a comment for
// the student and the attestation.
import type { Schemas } from "./api";

export type Result = "pass" | "fail" | "na";
type Step = Schemas["Step"];

export interface Marks {
  results: Record<string, Result>;
  comments: Record<string, string>;
  setting: "skills-lab" | "clinical-site";
  comment: string;
  attest: boolean;
}

export const noMarks: Marks = { results: {}, comments: {}, setting: "skills-lab", comment: "", attest: false };

/** What is missing before the evaluation can be signed, in words; "" when nothing is. */
export function marksProblem(steps: Step[], m: Marks, student: string): string {
  const missing = steps.filter((s) => !m.results[s.id]);
  if (missing.length) return `Grade every step: ${missing.length} left.`;
  if (steps.some((s) => m.results[s.id] !== "pass" && !m.comments[s.id]?.trim())) return "Write a comment on every failed or not applicable step.";
  if (!m.attest) return `Attest that you observed ${student} perform the skill before signing.`;
  return "";
}

/** The graded evaluation's body (POST /v1/attempts/{id}/evaluations), without a signer. */
export function gradedBody(steps: Step[], m: Marks) {
  return {
    decision: "grade" as const,
    attest: true,
    setting: m.setting,
    comment: m.comment.trim() || undefined,
    steps: steps.map((s) => ({ stepId: s.id, result: m.results[s.id], comment: m.comments[s.id]?.trim() || undefined })),
  };
}

/** The grading form's fields; id prefixes the form controls' ids and names. */
export function GradingFields({ id, steps, student, marks, set }: { id: string; steps: Step[]; student: string; marks: Marks; set: (m: Marks) => void }) {
  const { results, comments, setting } = marks;
  const graded = steps.filter((s) => results[s.id]).length;
  const failedCritical = steps.some((s) => s.critical && results[s.id] === "fail");
  return (
    <>
      <div class="row">
        <span class="muted" role="status">
          {graded} of {steps.length} graded
        </span>
        <button
          type="button"
          class="secondary small"
          onClick={() => set({ ...marks, results: Object.fromEntries(steps.map((s) => [s.id, results[s.id] ?? "pass"])) })}
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
                        name={`${id}-step-${s.id}`}
                        value={v}
                        checked={r === v}
                        onChange={() => set({ ...marks, results: { ...results, [s.id]: v } })}
                      />
                      {v === "pass" ? "Pass" : v === "fail" ? "Fail" : "N/A"}
                    </label>
                  ))}
                </div>
                {r && r !== "pass" && (
                  <>
                    <label for={`${id}-c-${s.id}`} class="small-label">
                      Comment ({r === "fail" ? "what to work on" : "why it does not apply"})
                    </label>
                    <textarea
                      id={`${id}-c-${s.id}`}
                      rows={2}
                      aria-required="true"
                      value={comments[s.id] ?? ""}
                      onInput={(e) => set({ ...marks, comments: { ...comments, [s.id]: e.currentTarget.value } })}
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
              <input type="radio" name={`${id}-setting`} value={v} checked={setting === v} onChange={() => set({ ...marks, setting: v })} />
              {v === "skills-lab" ? "Skills lab" : "Clinical site"}
            </label>
          ))}
        </div>
      </fieldset>
      <label for={`${id}-comment`}>Comment for the student</label>
      <textarea id={`${id}-comment`} rows={3} value={marks.comment} onInput={(e) => set({ ...marks, comment: e.currentTarget.value })} />
      <label class="check">
        <input type="checkbox" checked={marks.attest} onChange={(e) => set({ ...marks, attest: e.currentTarget.checked })} />I observed {student} perform this skill
        and graded each step myself.
      </label>
    </>
  );
}
