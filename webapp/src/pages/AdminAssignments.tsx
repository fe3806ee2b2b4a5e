// A cohort's assignments (checklists with due dates), and a form to assign
// one more checklist, or every current checklist of an area, with a due date.
import { useEffect, useState } from "preact/hooks";
import { allPages, api, problemText, type Schemas } from "../api";
import { ErrorNote, Frame, Loading, areaName, fmtDate, useAction, useLoad } from "../ui";
import { CohortSelect, useCohorts } from "./AdminParts";

type Assignment = Schemas["Assignment"];
type Summary = Schemas["ChecklistSummary"];

export function AdminAssignments() {
  const cohorts = useCohorts();
  const [cohort, setCohort] = useState("");
  useEffect(() => {
    if (!cohort && cohorts.data?.[0]) setCohort(cohorts.data[0].id);
  }, [cohorts.data]);
  const library = useLoad(async () => {
    const r = await allPages<Summary>((cursor) => api.get("/v1/checklists", { query: { cursor, limit: 200 } }));
    if (!r.ok) throw new Error(problemText(r.problem));
    return r.items;
  }, []);
  const list = useLoad(async () => {
    if (!cohort) return [] as Assignment[];
    const r = await allPages<Assignment>((cursor) => api.get("/v1/assignments", { query: { cohortId: cohort, cursor, limit: 200 } }));
    if (!r.ok) throw new Error(problemText(r.problem));
    return r.items.sort((a, b) => (a.dueDate ?? "9").localeCompare(b.dueDate ?? "9"));
  }, [cohort]);
  const [what, setWhat] = useState("");
  const [due, setDue] = useState("");
  const [note, setNote] = useState("");
  const act = useAction();
  const titles = new Map((library.data ?? []).map((c) => [c.id, c.title]));

  function assign(e: Event) {
    e.preventDefault();
    void act.run(async () => {
      setNote("");
      if (!what) return act.setError("Choose a checklist or an area.");
      const [kind, value] = what.split(":");
      const body =
        kind === "area"
          ? { cohortId: cohort, area: value as Schemas["AssignInputBody"]["area"], dueDate: due || undefined }
          : { cohortId: cohort, checklistId: value, dueDate: due || undefined };
      const r = await api.post("/v1/assignments", { body });
      if (!r.ok) return act.setError(problemText(r.problem));
      const made = (r.data.items ?? []).filter((x) => x.created).length;
      const total = (r.data.items ?? []).length;
      setNote(made === total ? `Assigned ${made}.` : `Assigned ${made}; ${total - made} already were.`);
      list.reload();
    });
  }

  const areas = [...new Set((library.data ?? []).map((c) => c.area))];
  return (
    <Frame title="Assignments" back="/app/admin">
      <Loading {...cohorts}>
        {() => (cohorts.data!.length === 0 ? <p>Create a cohort first.</p> : <CohortSelect id="asg-cohort" cohorts={cohorts.data!} value={cohort} onChange={setCohort} />)}
      </Loading>
      <form onSubmit={assign} class="panel">
        <label for="asg-what">Assign</label>
        <select id="asg-what" value={what} onChange={(e) => setWhat(e.currentTarget.value)}>
          <option value="">Choose…</option>
          <optgroup label="Every current checklist of an area">
            {areas.map((a) => (
              <option key={a} value={`area:${a}`}>
                {areaName(a)} (all)
              </option>
            ))}
          </optgroup>
          <optgroup label="One checklist">
            {(library.data ?? []).map((c) => (
              <option key={c.id} value={`checklist:${c.id}`}>
                {c.title}
              </option>
            ))}
          </optgroup>
        </select>
        <label for="asg-due">Due date</label>
        <input id="asg-due" type="date" value={due} onInput={(e) => setDue(e.currentTarget.value)} />
        <ErrorNote error={act.error} />
        {note && (
          <p class="ok" role="status">
            {note}
          </p>
        )}
        <button type="submit" disabled={act.busy || !cohort}>
          Assign to the cohort
        </button>
      </form>
      <h2>Assigned</h2>
      <Loading {...list}>
        {() =>
          list.data!.length === 0 ? (
            <p class="muted">Nothing assigned to this cohort yet.</p>
          ) : (
            <ul class="plain">
              {list.data!.map((a) => (
                <li key={a.id} class="card">
                  <span class="card-title">{titles.get(a.checklistId) ?? a.checklistId}</span>
                  <span class="card-meta muted">
                    {areaName(a.area)} · v{a.checklistVersion}
                    {a.dueDate ? ` · due ${fmtDate(a.dueDate)}` : " · no due date"}
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
