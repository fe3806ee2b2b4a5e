// Pieces the admin pages share: the program's cohorts, a cohort picker,
// a checklist version's badge.
import { allPages, api, type Schemas } from "../api";
import { useLoad } from "../ui";

export type Cohort = Schemas["Cohort"];

/** The program's active cohorts (every page of them). */
export function useCohorts() {
  return useLoad(async () => {
    const r = await allPages<Cohort>((cursor) => api.get("/v1/cohorts", { query: { cursor, limit: 200 } }));
    if (!r.ok) throw new Error(r.problem.detail || r.problem.title);
    return r.items;
  }, []);
}

export function CohortSelect({ id, cohorts, value, onChange, label = "Cohort" }: { id: string; cohorts: Cohort[]; value: string; onChange: (v: string) => void; label?: string }) {
  return (
    <>
      <label for={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        {cohorts.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name}
          </option>
        ))}
      </select>
    </>
  );
}

/** A checklist version's status as a badge: draft, published or retired. */
export function VersionBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status.charAt(0).toUpperCase() + status.slice(1)}</span>;
}
