// The student's progress toward graduation: skills competent by area,
// procedure counts against the program's targets (NHA), practicum hours,
// and logging a live procedure (queued like other work made offline).
import { useState } from "preact/hooks";
import { api, uuidv7 } from "../api";
import { enqueue, useOutbox } from "../outbox";
import { Badge, Frame, Loading, areaName, fmtDate, must, useDelivered, useLoad } from "../ui";

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function Progress() {
  const progress = useLoad(async () => must(await api.get("/v1/me/progress")), [], "progress");
  const logged = useLoad(async () => must(await api.get("/v1/procedures", { query: { limit: 20 } })).items ?? [], [], "procedures");
  useDelivered(progress.reload);
  useDelivered(logged.reload);
  const pending = useOutbox().filter((i) => i.kind === "procedure");
  const [kind, setKind] = useState("");
  const [date, setDate] = useState(today());
  const [site, setSite] = useState("");
  const [ok, setOk] = useState(true);
  const [note, setNote] = useState("");

  async function log(e: Event) {
    e.preventDefault();
    const k = kind || progress.data?.procedures?.[0]?.kind;
    if (!k) return;
    const id = uuidv7();
    await enqueue({
      key: id,
      kind: "procedure",
      path: "/v1/procedures",
      body: { id, kind: k, performedAt: date, site: site.trim() || undefined, successful: ok },
      label: `Procedure: ${k.replace(/-/g, " ")} on ${fmtDate(date)}`,
      attemptId: id,
      checklistId: "",
    });
    setSite("");
    setNote("Logged: an instructor confirms it.");
  }

  return (
    <Frame title="My progress">
      <Loading {...progress}>
        {() => {
          const p = progress.data!;
          return (
            <>
              <p class="summary">
                <strong>{p.overall.percent}%</strong> of assigned skills competent ({p.overall.competent} of {p.overall.assigned})
              </p>
              <progress max={100} value={p.overall.percent} aria-label="Skills competent" />
              <h2>By area</h2>
              <ul class="plain bars">
                {(p.areas ?? []).map((a) => (
                  <li key={a.area}>
                    <span>
                      {areaName(a.area)} <span class="muted">{a.competent}/{a.assigned}</span>
                    </span>
                    <progress max={100} value={a.percent} aria-label={`${areaName(a.area)}: ${a.percent}%`} />
                  </li>
                ))}
              </ul>
              {(p.procedures ?? []).length > 0 && (
                <>
                  <h2>Procedures</h2>
                  <ul class="plain bars">
                    {p.procedures!.map((x) => (
                      <li key={x.kind}>
                        <span>
                          {areaName(x.kind)}{" "}
                          <span class="muted">
                            {x.successful} of {x.target}
                            {x.pending > 0 && `, ${x.pending} to confirm`}
                          </span>
                          {x.met && <Badge status="competent" />}
                        </span>
                        <progress max={x.target} value={Math.min(x.successful, x.target)} aria-label={`${areaName(x.kind)}: ${x.successful} of ${x.target}`} />
                      </li>
                    ))}
                  </ul>
                  <form class="panel" onSubmit={log}>
                    <h3>Log a procedure</h3>
                    <label for="kind">Procedure</label>
                    <select id="kind" value={kind || p.procedures![0].kind} onChange={(e) => setKind(e.currentTarget.value)}>
                      {p.procedures!.map((x) => (
                        <option key={x.kind} value={x.kind}>
                          {areaName(x.kind)}
                        </option>
                      ))}
                    </select>
                    <label for="date">Date performed</label>
                    <input id="date" type="date" required max={today()} value={date} onInput={(e) => setDate(e.currentTarget.value)} />
                    <label for="site">Where (optional)</label>
                    <input id="site" type="text" maxLength={200} value={site} onInput={(e) => setSite(e.currentTarget.value)} />
                    <label class="check">
                      <input type="checkbox" checked={ok} onChange={(e) => setOk(e.currentTarget.checked)} />
                      It was successful
                    </label>
                    <button type="submit">Log it</button>
                    {note && <p role="status">{note}</p>}
                  </form>
                </>
              )}
              {p.practicum && p.practicum.required > 0 && (
                <>
                  <h2>Practicum hours</h2>
                  <p>
                    {p.practicum.confirmed} of {p.practicum.required} hours confirmed
                    {p.practicum.pending > 0 && `, ${p.practicum.pending} waiting for the preceptor`}
                  </p>
                  <progress max={p.practicum.required} value={Math.min(p.practicum.confirmed, p.practicum.required)} aria-label="Practicum hours confirmed" />
                </>
              )}
            </>
          );
        }}
      </Loading>
      <h2>Logged procedures</h2>
      {pending.length > 0 && (
        <ul class="cards">
          {pending.map((i) => (
            <li key={i.key} class="card">
              <span class="card-title">{i.label}</span>
              <span class="card-meta">
                <Badge status={i.state === "pending" ? "pending" : "refused"} />
                {i.error && <span class="comment">{i.error}</span>}
              </span>
            </li>
          ))}
        </ul>
      )}
      <Loading {...logged}>
        {() =>
          logged.data!.length === 0 ? (
            <p class="muted">None yet.</p>
          ) : (
            <ul class="cards">
              {logged.data!.map((x) => (
                <li key={x.id} class="card">
                  <span class="card-title">
                    {areaName(x.kind)} · {fmtDate(x.performedAt)}
                  </span>
                  <span class="card-meta">
                    <Badge status={x.status === "pending" ? "to-confirm" : x.status} />
                    {!x.successful && <span class="due">Unsuccessful</span>}
                    {x.review?.reason && <span class="comment">{x.review.reason}</span>}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
    </Frame>
  );
}
