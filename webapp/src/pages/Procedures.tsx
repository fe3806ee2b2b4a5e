// The instructor's procedures to confirm: live procedures their students
// logged, confirmed (they then count toward the targets) or rejected with a
// reason.
import { useState } from "preact/hooks";
import { api, problemText, type Schemas } from "../api";
import { Frame, Loading, areaName, fmtDate, must, useLoad } from "../ui";

type Procedure = Schemas["Procedure"];

export function Procedures() {
  const list = useLoad(async () => must(await api.get("/v1/procedures", { query: { status: "pending", limit: 50 } })).items ?? [], []);
  return (
    <Frame title="Procedures to confirm">
      <Loading {...list}>
        {() =>
          list.data!.length === 0 ? (
            <p>No procedures are waiting for you.</p>
          ) : (
            <ul class="cards">
              {list.data!.map((p) => (
                <Item key={p.id} p={p} done={list.reload} />
              ))}
            </ul>
          )
        }
      </Loading>
    </Frame>
  );
}

function Item({ p, done }: { p: Procedure; done: () => void }) {
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState("");
  const [error, setError] = useState("");
  const [busy, setBusy] = useState(false);
  const ifMatch = { "If-Match": `"${p.version}"` };

  async function act(f: () => Promise<{ ok: boolean; problem?: { detail?: string; title?: string } }>) {
    setBusy(true);
    setError("");
    try {
      const r = await f();
      if (!r.ok) setError(problemText(r.problem as Schemas["Problem"]));
      else done();
    } catch {
      setError("No connection. Check your signal and try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <li class="card">
      <span class="card-title">
        {p.studentName}: {areaName(p.kind)}
      </span>
      <span class="card-meta">
        <span class="due">
          {fmtDate(p.performedAt)}
          {p.site && ` · ${p.site}`}
          {!p.successful && " · unsuccessful"}
        </span>
        {p.note && <span class="comment">{p.note}</span>}
      </span>
      {rejecting ? (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void act(() => api.post("/v1/procedures/{id}/reject", { path: { id: p.id }, headers: ifMatch, body: { reason: reason.trim() } }));
          }}
        >
          <label for={`r-${p.id}`}>Why it is not confirmed</label>
          <textarea id={`r-${p.id}`} required rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          <button type="submit" disabled={busy}>
            Reject
          </button>
        </form>
      ) : (
        <div class="choices">
          <button type="button" disabled={busy} onClick={() => void act(() => api.post("/v1/procedures/{id}/confirm", { path: { id: p.id }, headers: ifMatch }))}>
            Confirm
          </button>
          <button type="button" class="secondary" disabled={busy} onClick={() => setRejecting(true)}>
            Reject…
          </button>
        </div>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </li>
  );
}
