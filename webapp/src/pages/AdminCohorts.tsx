// The program's cohorts: the active ones with their dates, and a form to
// create one (names are unique in the program, in any case).
import { useState } from "preact/hooks";
import { api, problemText } from "../api";
import { ErrorNote, Frame, Loading, fmtDate, useAction } from "../ui";
import { useCohorts } from "./AdminParts";

export function AdminCohorts() {
  const cohorts = useCohorts();
  const [name, setName] = useState("");
  const [start, setStart] = useState("");
  const [end, setEnd] = useState("");
  const [made, setMade] = useState("");
  const act = useAction();

  function create(e: Event) {
    e.preventDefault();
    void act.run(async () => {
      setMade("");
      if (!name.trim() || !start) return act.setError("Give the cohort a name and a start date.");
      const r = await api.post("/v1/cohorts", { body: { name: name.trim(), startDate: start, endDate: end || undefined } });
      if (!r.ok) return act.setError(problemText(r.problem));
      setMade(`Created ${r.data.name}.`);
      setName("");
      setStart("");
      setEnd("");
      cohorts.reload();
    });
  }

  return (
    <Frame title="Cohorts" back="/app/admin">
      <Loading {...cohorts}>
        {() =>
          cohorts.data!.length === 0 ? (
            <p>No cohorts yet.</p>
          ) : (
            <ul class="plain">
              {cohorts.data!.map((c) => (
                <li key={c.id} class="card">
                  <span class="card-title">{c.name}</span>
                  <span class="card-meta muted">
                    {fmtDate(c.startDate)}
                    {c.endDate ? ` – ${fmtDate(c.endDate)}` : ""}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
      <h2>New cohort</h2>
      <form onSubmit={create} class="panel">
        <label for="cohort-name">Name</label>
        <input id="cohort-name" type="text" maxLength={100} value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <div class="pair">
          <div>
            <label for="cohort-start">Starts</label>
            <input id="cohort-start" type="date" value={start} onInput={(e) => setStart(e.currentTarget.value)} />
          </div>
          <div>
            <label for="cohort-end">Ends (optional)</label>
            <input id="cohort-end" type="date" value={end} onInput={(e) => setEnd(e.currentTarget.value)} />
          </div>
        </div>
        <ErrorNote error={act.error} />
        {made && (
          <p class="ok" role="status">
            {made}
          </p>
        )}
        <button type="submit" disabled={act.busy}>
          Create cohort
        </button>
      </form>
    </Frame>
  );
}
