// The hand-over: in the student's session, the instructor signs the
// student's evaluation request on the student's phone. They choose
// themselves (listed when they signed for this student or on this phone
// before, or by their instructor code), grade every step, attest, and
// sign with their signing PIN (POST /v1/attempts/{id}/evaluations with a
// signer and this installation's Skillbook-Device header). Nothing is
// queued: a PIN is checked in front of the instructor, never stored. Then
// the phone goes back to the student, on the signed result.
import { useState } from "preact/hooks";
import { allPages, api, problemText, type Schemas } from "../api";
import { deviceId } from "../device";
import { navigate } from "../router";
import { useSession } from "../session";
import { Badge, Frame, Loading, must, useLoad } from "../ui";
import { ErrorNote, useAction } from "./AdminParts";

type Attempt = Schemas["Attempt"];
type Result = "pass" | "fail" | "na";
type Signer = { id: string; name: string; credential?: string };

const KNOWN = "skillbook:handover-instructors";

function remembered(): Signer[] {
  try {
    return JSON.parse(localStorage.getItem(KNOWN) ?? "[]") as Signer[];
  } catch {
    return [];
  }
}

function remember(s: Signer): void {
  localStorage.setItem(KNOWN, JSON.stringify([s, ...remembered().filter((x) => x.id !== s.id)].slice(0, 8)));
}

export function HandoverSign({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const session = useSession();
  const data = useLoad(async () => {
    const attempt = must(await api.get("/v1/attempts/{id}", { path: { id } }));
    const checklist = must(
      await api.get("/v1/checklists/{id}/versions/{version}", { path: { id: attempt.checklistId, version: attempt.checklistVersion } }),
    );
    // The instructors who signed this student's evaluations, and those who signed on this phone.
    const signers = new Map<string, Signer>(remembered().map((s) => [s.id, s]));
    const past = await allPages<Attempt>((cursor) => api.get("/v1/me/attempts", { query: { status: "passed", cursor, limit: 100 } }));
    for (const a of past.ok ? past.items : []) {
      const sig = a.evaluation?.signature;
      if (sig?.signerId && !signers.has(sig.signerId)) signers.set(sig.signerId, { id: sig.signerId, name: sig.signerName, credential: sig.signerCredential });
    }
    return { attempt, checklist, signers: [...signers.values()] };
  }, [id]);
  const [step, setStep] = useState<"start" | "who" | "grade" | "pin" | "done">("start");
  const [signer, setSigner] = useState<Signer | null>(null);
  const [code, setCode] = useState("");
  const [results, setResults] = useState<Record<string, Result>>({});
  const [comments, setComments] = useState<Record<string, string>>({});
  const [setting, setSetting] = useState<"skills-lab" | "clinical-site">("skills-lab");
  const [comment, setComment] = useState("");
  const [attest, setAttest] = useState(false);
  const [pin, setPin] = useState("");
  const [signed, setSigned] = useState<Attempt | null>(null);
  const act = useAction();
  const student = session.me?.name ?? "the student";

  function handBack() {
    setPin("");
    navigate(signed ? `/app/attempts/${encodeURIComponent(id)}` : "/app/handover", true);
  }

  function toPin(e: Event) {
    e.preventDefault();
    const steps = data.data!.checklist.steps ?? [];
    act.setError("");
    const missing = steps.filter((s) => !results[s.id]);
    if (missing.length) return act.setError(`Grade every step: ${missing.length} left.`);
    if (steps.some((s) => results[s.id] !== "pass" && !comments[s.id]?.trim())) return act.setError("Write a comment on every failed or not applicable step.");
    if (!attest) return act.setError(`Attest that you observed ${student} perform the skill before signing.`);
    setStep("pin");
    window.scrollTo(0, 0);
  }

  function sign(e: Event) {
    e.preventDefault();
    void act.run(async () => {
      const { attempt: a, checklist: c } = data.data!;
      if (!pin) return act.setError("Enter your signing PIN.");
      const r = await api.post("/v1/attempts/{id}/evaluations", {
        path: { id: a.id },
        headers: { "Skillbook-Device": deviceId() },
        body: {
          decision: "grade",
          attest: true,
          setting,
          comment: comment.trim() || undefined,
          steps: (c.steps ?? []).map((s) => ({ stepId: s.id, result: results[s.id], comment: comments[s.id]?.trim() || undefined })),
          signer: { instructorId: signer!.id, pin },
        },
      });
      setPin("");
      if (!r.ok) return act.setError(problemText(r.problem));
      const sig = r.data.evaluation?.signature;
      remember({ id: signer!.id, name: sig?.signerName || signer!.name, credential: sig?.signerCredential || signer!.credential });
      setSigned(r.data);
      setStep("done");
      window.scrollTo(0, 0);
    });
  }

  return (
    <Frame title={step === "start" || step === "done" ? "Hand-over" : "Instructor signing"} back={step === "start" ? "/app/handover" : undefined}>
      <Loading {...data}>
        {() => {
          const { attempt: a, checklist: c, signers } = data.data!;
          const steps = c.steps ?? [];
          if (step === "done" && signed)
            return (
              <section class="handover" aria-label="Signed">
                <p class="result-line">
                  <Badge status={signed.status} /> <span>{signed.evaluation?.score}%</span>
                </p>
                <p>
                  Signed by <strong>{signed.evaluation?.signature?.signerName ?? signer?.name}</strong> with their PIN. They will get a notice of it on their own
                  phone.
                </p>
                <p class="ok" role="status">
                  Hand the phone back to {student}.
                </p>
                <button type="button" onClick={handBack}>
                  Back to {student}
                </button>
              </section>
            );
          if (a.status !== "requested")
            return (
              <p>
                This request is no longer open (<Badge status={a.status} />). <a href={`/app/attempts/${encodeURIComponent(a.id)}`}>See the record</a>.
              </p>
            );
          return (
            <>
              <section class="panel" aria-label="Request">
                <p class="card-title">{a.checklistTitle}</p>
                <p>
                  <strong>{a.studentName}</strong> · {steps.length} steps
                </p>
              </section>
              {step === "start" && (
                <section class="handover" aria-label="Hand to instructor">
                  <p>
                    <strong>Hand this phone to your instructor.</strong> They grade each step and sign with their own signing PIN; then the phone comes back to you.
                  </p>
                  <button type="button" onClick={() => setStep("who")}>
                    I am the instructor
                  </button>
                </section>
              )}
              {step !== "start" && (
                <p class="warn" role="status">
                  Instructor mode: {student}, do not watch the PIN being entered.
                </p>
              )}
              {step === "who" && (
                <section aria-labelledby="who">
                  <h2 id="who">Who is signing?</h2>
                  <ul class="plain">
                    {signers.map((s) => (
                      <li key={s.id}>
                        <button
                          type="button"
                          class="secondary"
                          onClick={() => {
                            setSigner(s);
                            setStep("grade");
                          }}
                        >
                          {s.name}
                          {s.credential ? `, ${s.credential}` : ""}
                        </button>
                      </li>
                    ))}
                  </ul>
                  <form
                    onSubmit={(e) => {
                      e.preventDefault();
                      if (!code.trim()) return act.setError("Enter your instructor code (on your Signing PIN page).");
                      act.setError("");
                      setSigner({ id: code.trim(), name: `code ${code.trim().slice(0, 8)}…` });
                      setStep("grade");
                    }}
                  >
                    <label for="ho-code">{signers.length ? "Someone else? Your instructor code" : "Your instructor code"}</label>
                    <input id="ho-code" type="text" autoComplete="off" autoCapitalize="off" spellcheck={false} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
                    <ErrorNote error={act.error} />
                    <button type="submit" class="secondary">
                      Continue with the code
                    </button>
                  </form>
                </section>
              )}
              {step === "grade" && (
                <form onSubmit={toPin}>
                  <div class="row">
                    <span class="muted" role="status">
                      {steps.filter((s) => results[s.id]).length} of {steps.length} graded
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
                      return (
                        <li key={s.id} class={s.critical ? "critical" : ""}>
                          <fieldset>
                            <legend>
                              <span class="step-no">Step {i + 1}</span>
                              {s.critical && <span class="crit">Critical</span>}
                              {s.text}
                            </legend>
                            <div class="choices">
                              {(["pass", "fail", ...(s.mayNotApply && !s.critical ? ["na"] : [])] as Result[]).map((v) => (
                                <label key={v} class={`choice choice-${v}${r === v ? " on" : ""}`}>
                                  <input type="radio" name={`ho-step-${s.id}`} value={v} checked={r === v} onChange={() => setResults({ ...results, [s.id]: v })} />
                                  {v === "pass" ? "Pass" : v === "fail" ? "Fail" : "N/A"}
                                </label>
                              ))}
                            </div>
                            {r && r !== "pass" && (
                              <>
                                <label for={`ho-c-${s.id}`} class="small-label">
                                  Comment ({r === "fail" ? "what to work on" : "why it does not apply"})
                                </label>
                                <textarea
                                  id={`ho-c-${s.id}`}
                                  rows={2}
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
                  <fieldset class="panel">
                    <legend>Setting</legend>
                    <div class="choices">
                      {(["skills-lab", "clinical-site"] as const).map((v) => (
                        <label key={v} class={`choice${setting === v ? " on" : ""}`}>
                          <input type="radio" name="ho-setting" value={v} checked={setting === v} onChange={() => setSetting(v)} />
                          {v === "skills-lab" ? "Skills lab" : "Clinical site"}
                        </label>
                      ))}
                    </div>
                  </fieldset>
                  <label for="ho-comment">Comment for the student</label>
                  <textarea id="ho-comment" rows={3} value={comment} onInput={(e) => setComment(e.currentTarget.value)} />
                  <label class="check">
                    <input type="checkbox" checked={attest} onChange={(e) => setAttest(e.currentTarget.checked)} />I observed {a.studentName} perform this skill
                    and graded each step myself.
                  </label>
                  <ErrorNote error={act.error} />
                  <button type="submit">Continue to sign</button>
                </form>
              )}
              {step === "pin" && (
                <form onSubmit={sign} class="handover">
                  <p>
                    Signing as <strong>{signer!.name}</strong> for {a.studentName}: {steps.filter((s) => results[s.id] === "pass").length} of {steps.length} steps passed.
                  </p>
                  <label for="ho-pin">Your signing PIN</label>
                  <input
                    id="ho-pin"
                    type="password"
                    autoFocus
                    inputMode="numeric"
                    autoComplete="off"
                    maxLength={12}
                    value={pin}
                    onInput={(e) => setPin(e.currentTarget.value)}
                  />
                  <ErrorNote error={act.error} />
                  <button type="submit" disabled={act.busy}>
                    Sign the evaluation
                  </button>
                  <button type="button" class="secondary" onClick={() => setStep("grade")}>
                    Back to the steps
                  </button>
                </form>
              )}
              {step !== "start" && (
                <button type="button" class="secondary" onClick={handBack}>
                  Cancel and hand back
                </button>
              )}
            </>
          );
        }}
      </Loading>
    </Frame>
  );
}
