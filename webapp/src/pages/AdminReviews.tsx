// The instructor's reviews: logged procedures and practicum hours waiting
// for confirmation, of the students they teach (an admin sees the
// program's). Confirm, or reject saying why (the student sees it); each
// with If-Match, so a change made meanwhile is not confirmed unseen.
import { useState } from "preact/hooks";
import { allPages, api, problemText, type Schemas } from "../api";
import { ErrorNote, Frame, Loading, areaName, fmtDate, useAction, useLoad } from "../ui";

type Procedure = Schemas["Procedure"];
type Hours = Schemas["PracticumEntry"];

/** The version the item was read at: the server answers 412 if someone changed it since. */
const ifMatch = (version: number) => ({ "If-Match": `"${version}"` });

export function AdminReviews() {
  const data = useLoad(async () => {
    const [p, h] = await Promise.all([
      allPages<Procedure>((cursor) => api.get("/v1/procedures", { query: { status: "pending", cursor, limit: 200 } })),
      allPages<Hours>((cursor) => api.get("/v1/practicum-hours", { query: { status: "pending", cursor, limit: 200 } })),
    ]);
    if (!p.ok) throw new Error(problemText(p.problem));
    if (!h.ok) throw new Error(problemText(h.problem));
    return { procedures: p.items, hours: h.items };
  }, []);
  const [done, setDone] = useState("");
  return (
    <Frame title="Reviews">
      <p class="muted">
        <a href="/app/cohort-progress">Cohort progress</a> · <a href="/app/signing-pin">Your signing PIN</a>
      </p>
      {done && (
        <p class="ok" role="status">
          {done}
        </p>
      )}
      <Loading {...data}>
        {() => (
          <>
            <h2>Procedures ({data.data!.procedures.length})</h2>
            {data.data!.procedures.length === 0 ? (
              <p class="muted">No procedures are waiting.</p>
            ) : (
              <ul class="plain">
                {data.data!.procedures.map((p) => (
                  <Review
                    key={p.id}
                    title={`${p.studentName}: ${areaName(p.kind)}`}
                    meta={`${fmtDate(p.performedAt)}${p.site ? ` · ${p.site}` : ""}${p.successful === false ? " · not successful" : ""}`}
                    note={p.note}
                    confirm={async () => api.post("/v1/procedures/{id}/confirm", { path: { id: p.id }, headers: ifMatch(p.version) })}
                    reject={async (why) => api.post("/v1/procedures/{id}/reject", { path: { id: p.id }, headers: ifMatch(p.version), body: { reason: why } })}
                    after={(what) => {
                      setDone(`${what}: ${p.studentName}'s ${areaName(p.kind)}.`);
                      data.reload();
                    }}
                  />
                ))}
              </ul>
            )}
            <h2>Practicum hours ({data.data!.hours.length})</h2>
            {data.data!.hours.length === 0 ? (
              <p class="muted">No hours are waiting.</p>
            ) : (
              <ul class="plain">
                {data.data!.hours.map((h) => (
                  <Review
                    key={h.id}
                    title={`${h.studentName}: ${h.hours} h`}
                    meta={`${fmtDate(h.date)} · ${h.site} · preceptor ${h.preceptor}${h.preceptorCredential ? `, ${h.preceptorCredential}` : ""}`}
                    note={h.note}
                    confirm={async () => api.post("/v1/practicum-hours/{id}/confirm", { path: { id: h.id }, headers: ifMatch(h.version), body: {} })}
                    reject={async (why) => api.post("/v1/practicum-hours/{id}/reject", { path: { id: h.id }, headers: ifMatch(h.version), body: { comment: why } })}
                    after={(what) => {
                      setDone(`${what}: ${h.studentName}'s ${h.hours} hours.`);
                      data.reload();
                    }}
                  />
                ))}
              </ul>
            )}
          </>
        )}
      </Loading>
    </Frame>
  );
}

type Answer = { ok: true } | { ok: false; problem: Schemas["Problem"] };

function Review(props: { title: string; meta: string; note?: string; confirm: () => Promise<Answer>; reject: (why: string) => Promise<Answer>; after: (what: string) => void }) {
  const [rejecting, setRejecting] = useState(false);
  const [why, setWhy] = useState("");
  const act = useAction();
  const id = props.title.replace(/\W+/g, "-") + props.meta.length;

  function confirm() {
    void act.run(async () => {
      const r = await props.confirm();
      if (!r.ok) return act.setError(problemText(r.problem));
      props.after("Confirmed");
    });
  }
  function reject() {
    void act.run(async () => {
      if (!why.trim()) return act.setError("Say why: the student sees it.");
      const r = await props.reject(why.trim());
      if (!r.ok) return act.setError(problemText(r.problem));
      props.after("Rejected");
    });
  }

  return (
    <li class="card">
      <span class="card-title">{props.title}</span>
      <span class="card-meta muted">{props.meta}</span>
      {props.note && <span class="comment">{props.note}</span>}
      {rejecting && (
        <>
          <label for={`why-${id}`} class="small-label">
            Why it is not confirmed
          </label>
          <textarea id={`why-${id}`} rows={2} value={why} onInput={(e) => setWhy(e.currentTarget.value)} />
        </>
      )}
      <ErrorNote error={act.error} />
      <div class="actions">
        {rejecting ? (
          <>
            <button type="button" class="secondary small" onClick={() => setRejecting(false)}>
              Cancel
            </button>
            <button type="button" class="small" disabled={act.busy} onClick={reject}>
              Reject
            </button>
          </>
        ) : (
          <>
            <button type="button" class="small" disabled={act.busy} onClick={confirm}>
              Confirm
            </button>
            <button type="button" class="secondary small" onClick={() => setRejecting(true)}>
              Reject…
            </button>
          </>
        )}
      </div>
    </li>
  );
}
