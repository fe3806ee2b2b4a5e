// The hand-over: in the student's session, the instructor signs the
// student's evaluation request on the student's phone. They choose
// themselves among the instructors of the student's cohorts
// (GET /v1/me/instructors; those who signed on this phone first; by their
// instructor code only when none is listed), grade every step, attest, and
// sign with their signing PIN (POST /v1/attempts/{id}/evaluations with a
// signer and this installation's Skillbook-Device header). Nothing is
// queued: a PIN is checked in front of the instructor, never stored. Then
// the phone goes back to the student, on the signed result.
import { useState } from "preact/hooks";
import { allPages, api, problemText, type Schemas } from "../api";
import { deviceId } from "../device";
import { navigate } from "../router";
import { useSession } from "../session";
import { Badge, ErrorNote, Frame, Loading, must, useAction, useLoad } from "../ui";
import { GradingFields, gradedBody, marksProblem, noMarks, type Marks } from "../grading";

type Attempt = Schemas["Attempt"];
type Signer = Schemas["Instructor"];

const KNOWN = "skillbook:handover-instructors";

// The ids of the instructors who signed on this phone, the latest first.
function remembered(): string[] {
  try {
    const ids = JSON.parse(localStorage.getItem(KNOWN) ?? "[]") as unknown[];
    return ids.map((x) => (typeof x === "string" ? x : (x as Signer)?.id)).filter((x): x is string => !!x);
  } catch {
    return [];
  }
}

function remember(id: string): void {
  localStorage.setItem(KNOWN, JSON.stringify([id, ...remembered().filter((x) => x !== id)].slice(0, 8)));
}

export function HandoverSign({ params }: { params: Record<string, string> }) {
  const id = params.id;
  const session = useSession();
  const data = useLoad(async () => {
    const attempt = must(await api.get("/v1/attempts/{id}", { path: { id } }));
    const checklist = must(
      await api.get("/v1/checklists/{id}/versions/{version}", { path: { id: attempt.checklistId, version: attempt.checklistVersion } }),
    );
    // The instructors of the student's cohorts, those who signed on this phone first.
    const list = await allPages<Signer>((cursor) => api.get("/v1/me/instructors", { query: { cursor, limit: 200 } }));
    const recent = remembered();
    const rank = (s: Signer) => (recent.includes(s.id) ? recent.indexOf(s.id) : recent.length);
    const signers = (list.ok ? list.items : []).map((s, i) => ({ s, i })).sort((a, b) => rank(a.s) - rank(b.s) || a.i - b.i).map((x) => x.s);
    return { attempt, checklist, signers };
  }, [id]);
  const [step, setStep] = useState<"start" | "who" | "grade" | "pin" | "done">("start");
  const [signer, setSigner] = useState<Signer | null>(null);
  const [code, setCode] = useState("");
  const [marks, setMarks] = useState<Marks>(noMarks);
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
    const problem = marksProblem(steps, marks, student);
    act.setError(problem);
    if (problem) return;
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
        body: { ...gradedBody(c.steps ?? [], marks), signer: { instructorId: signer!.id, pin } },
      });
      setPin("");
      if (!r.ok) return act.setError(problemText(r.problem));
      remember(signer!.id);
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
                  {signers.length > 0 && (
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
                  )}
                  {signers.length === 0 && (
                    <form
                      onSubmit={(e) => {
                        e.preventDefault();
                        if (!code.trim()) return act.setError("Enter your instructor code (on your Signing PIN page).");
                        act.setError("");
                        setSigner({ id: code.trim(), name: `code ${code.trim().slice(0, 8)}…` });
                        setStep("grade");
                      }}
                    >
                      <p class="muted">No instructor of your cohort is listed here: the instructor types their instructor code (on their Signing PIN page).</p>
                      <label for="ho-code">Your instructor code</label>
                      <input id="ho-code" type="text" autoComplete="off" autoCapitalize="off" spellcheck={false} value={code} onInput={(e) => setCode(e.currentTarget.value)} />
                      <ErrorNote error={act.error} />
                      <button type="submit" class="secondary">
                        Continue with the code
                      </button>
                    </form>
                  )}
                </section>
              )}
              {step === "grade" && (
                <form onSubmit={toPin}>
                  <GradingFields id="ho" steps={steps} student={a.studentName} marks={marks} set={setMarks} />
                  <ErrorNote error={act.error} />
                  <button type="submit">Continue to sign</button>
                </form>
              )}
              {step === "pin" && (
                <form onSubmit={sign} class="handover">
                  <p>
                    Signing as <strong>{signer!.name}</strong> for {a.studentName}: {steps.filter((s) => marks.results[s.id] === "pass").length} of {steps.length} steps passed.
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
