// Pieces the admin pages share: the program's cohorts, a cohort picker,
// and a busy/error state for a form's action.
import { useState } from "preact/hooks";
import { allPages, api, type Schemas } from "../api";
import { useLoad } from "../ui";
import "../admin.css";

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

/** Runs one action at a time, keeping its error (the problem's words) for the screen. */
export function useAction(): { busy: boolean; error: string; setError: (e: string) => void; run: (f: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  async function run(f: () => Promise<void>) {
    setBusy(true);
    setError("");
    try {
      await f();
    } catch (e) {
      setError(e instanceof TypeError ? "No connection. Check your signal and try again." : (e as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}

export function ErrorNote({ error }: { error: string }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** A checklist version's status as a badge: draft, published or retired. */
export function VersionBadge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{status.charAt(0).toUpperCase() + status.slice(1)}</span>;
}
