// The roster import: a CSV (email, name, role, cohort, credential) chosen
// from the phone or pasted, checked first (a dry run: every row with what
// importing would do, rejected rows with their reason), then imported.
import { useState } from "preact/hooks";
import type { Schemas } from "../api";
import { postCSV } from "../files";
import { ErrorNote, Frame, useAction } from "../ui";

type Report = Schemas["RosterReport"];

const RESULT_WORDS: Record<string, string> = { created: "New", updated: "Updated", unchanged: "Unchanged", rejected: "Rejected" };

export function AdminRoster() {
  const [csv, setCSV] = useState("");
  const [checked, setChecked] = useState<{ csv: string; report: Report } | null>(null);
  const [done, setDone] = useState<Report | null>(null);
  const act = useAction();

  async function pick(e: Event) {
    const f = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!f) return;
    if (f.size > 1 << 20) return act.setError("The file is over 1 MB: split it.");
    setCSV(await f.text());
    setChecked(null);
    setDone(null);
  }

  function check() {
    void act.run(async () => {
      setDone(null);
      if (!csv.trim()) return act.setError("Choose a CSV file or paste the roster first.");
      setChecked({ csv, report: await postCSV<Report>("/v1/roster?dryRun=true", csv) });
    });
  }

  function apply() {
    void act.run(async () => {
      if (!checked) return;
      setDone(await postCSV<Report>("/v1/roster", checked.csv));
      setChecked(null);
    });
  }

  const report = done ?? checked?.report;
  const writable = checked ? checked.report.created + checked.report.updated : 0;
  return (
    <Frame title="Roster import" back="/app/admin">
      <p class="muted">
        A CSV with a header row naming <strong>email, name, role, cohort</strong> and optionally <strong>credential</strong>. A student has exactly one cohort;
        separate an instructor's cohorts with ";". Nothing is written until you import.
      </p>
      <label for="roster-file">Roster file</label>
      <input id="roster-file" type="file" accept=".csv,text/csv" onChange={(e) => void pick(e)} />
      <label for="roster-text">Or paste it</label>
      <textarea
        id="roster-text"
        class="mono"
        rows={6}
        spellcheck={false}
        value={csv}
        onInput={(e) => {
          setCSV(e.currentTarget.value);
          setChecked(null);
        }}
      />
      <ErrorNote error={act.error} />
      <button type="button" class="secondary" disabled={act.busy} onClick={check}>
        Check the file (dry run)
      </button>
      {report && (
        <section aria-labelledby="report">
          <h2 id="report">{report.dryRun ? "Dry run: nothing written yet" : "Imported"}</h2>
          <p class="counts" role="status">
            <span>
              <strong>{report.created}</strong> new
            </span>
            <span>
              <strong>{report.updated}</strong> updated
            </span>
            <span>
              <strong>{report.unchanged}</strong> unchanged
            </span>
            <span>
              <strong>{report.rejected}</strong> rejected
            </span>
          </p>
          <div class="table-wrap">
            <table>
              <caption class="sr-label">Rows of the file</caption>
              <thead>
                <tr>
                  <th scope="col">Line</th>
                  <th scope="col">Email</th>
                  <th scope="col">Result</th>
                </tr>
              </thead>
              <tbody>
                {(report.rows ?? []).map((r) => (
                  <tr key={r.row} class={r.result}>
                    <td>{r.row}</td>
                    <td class="mono">{r.email || "—"}</td>
                    <td>
                      {RESULT_WORDS[r.result] ?? r.result}
                      {r.reason && `: ${r.reason}`}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      )}
      {checked && (
        <button type="button" disabled={act.busy || writable === 0} onClick={apply}>
          {writable === 0 ? "Nothing to import" : `Import ${writable} ${writable === 1 ? "row" : "rows"}`}
        </button>
      )}
    </Frame>
  );
}
