// The program's audit trail, newest first, a page at a time, and the check
// of its hash chain (GET /v1/audit/verification): intact with its entry
// count and head, or the first broken link.
import { useState } from "preact/hooks";
import { api, problemText, type Schemas } from "../api";
import { ErrorNote, Frame, Loading, fmtDateTime, must, useAction, useLoad } from "../ui";

type Event = Schemas["Event"];
type Verification = Schemas["AuditVerification"];

const PAGE = 25;

export function AdminAudit() {
  const first = useLoad(async () => must(await api.get("/v1/audit", { query: { limit: PAGE } })), []);
  const [more, setMore] = useState<{ items: Event[]; next?: string } | null>(null);
  const [check, setCheck] = useState<Verification | null>(null);
  const act = useAction();

  const items = [...(first.data?.items ?? []), ...(more?.items ?? [])];
  const next = more ? more.next : first.data?.nextCursor;

  function loadMore() {
    void act.run(async () => {
      const r = await api.get("/v1/audit", { query: { limit: PAGE, cursor: next } });
      if (!r.ok) return act.setError(problemText(r.problem));
      setMore({ items: [...(more?.items ?? []), ...(r.data.items ?? [])], next: r.data.nextCursor });
    });
  }

  function verify() {
    void act.run(async () => {
      const r = await api.get("/v1/audit/verification");
      if (!r.ok) return act.setError(problemText(r.problem));
      setCheck(r.data);
    });
  }

  return (
    <Frame title="Audit trail" back="/app/admin">
      <section class="panel" aria-labelledby="chain">
        <h2 id="chain">Chain check</h2>
        <p class="muted">Every entry holds the hash of the one before it: a changed or removed entry breaks the chain.</p>
        {check &&
          (check.intact ? (
            <p class="ok" role="status">
              Intact: {check.entries} entries, head #{check.headSeq}
              {check.headHash && (
                <>
                  {" "}
                  <span class="mono">{check.headHash.slice(0, 16)}…</span>
                </>
              )}
            </p>
          ) : (
            <p class="error" role="status">
              Broken at entry #{check.break?.seq} ({check.break?.reason}): {check.break?.detail}
            </p>
          ))}
        <button type="button" class="secondary" disabled={act.busy} onClick={verify}>
          Check the chain
        </button>
      </section>
      <ErrorNote error={act.error} />
      <h2>Entries</h2>
      <Loading {...first}>
        {() => (
          <>
            <ul class="plain">
              {items.map((e) => (
                <li key={e.id} class="card">
                  <span class="card-title">{e.summary || e.type}</span>
                  <span class="card-meta muted">
                    #{e.seq} · {fmtDateTime(e.at)} · {e.actor?.name || e.actor?.role || "system"}
                  </span>
                  <span class="card-meta muted">{e.type}</span>
                </li>
              ))}
            </ul>
            {next ? (
              <button type="button" class="secondary" disabled={act.busy} onClick={loadMore}>
                Older entries
              </button>
            ) : (
              <p class="muted">The first entry of the program.</p>
            )}
          </>
        )}
      </Loading>
    </Frame>
  );
}
