// Exports of a cohort: the skills matrix (CSV or XLSX), the transcripts
// (one PDF each, in a ZIP), the accreditation report and the Master
// Competency Checklist (of the cohort or one student), downloaded now
// (small enough files) or written by an export job, shown with its progress
// and a download once done. The jobs started here are remembered on this
// device for the session.
import { useEffect, useState } from "preact/hooks";
import { allPages, api, problemText, type Schemas } from "../api";
import { download } from "../files";
import { ErrorNote, Frame, Loading, fmtDateTime, useAction, useLoad } from "../ui";
import { CohortSelect, useCohorts } from "./AdminParts";

type Job = Schemas["ExportView"];
type Kind = "matrix" | "transcript" | "transcripts" | "accreditation" | "competency-checklist";
type User = Schemas["User"];
type Format = "csv" | "xlsx" | "zip" | "pdf";

// student: the export is of one student of the cohort (picked below).
const CHOICES: { key: string; label: string; kind: Kind; format: Format; direct: string; student?: boolean }[] = [
  { key: "matrix-csv", label: "Skills matrix (CSV)", kind: "matrix", format: "csv", direct: "matrix.csv" },
  { key: "matrix-xlsx", label: "Skills matrix (XLSX)", kind: "matrix", format: "xlsx", direct: "matrix.xlsx" },
  { key: "transcripts-zip", label: "Transcripts (ZIP of PDFs)", kind: "transcripts", format: "zip", direct: "transcripts.zip" },
  { key: "transcript-pdf", label: "One student's transcript (PDF)", kind: "transcript", format: "pdf", direct: "transcript.pdf", student: true },
  { key: "accreditation-csv", label: "Accreditation (CSV)", kind: "accreditation", format: "csv", direct: "accreditation.csv" },
  { key: "accreditation-pdf", label: "Accreditation (PDF)", kind: "accreditation", format: "pdf", direct: "accreditation.pdf" },
  { key: "mcc-pdf", label: "Master Competency Checklist (PDF)", kind: "competency-checklist", format: "pdf", direct: "competency-checklist.pdf" },
  { key: "mcc-xlsx", label: "Master Competency Checklist (XLSX)", kind: "competency-checklist", format: "xlsx", direct: "competency-checklist.xlsx" },
  { key: "student-mcc-pdf", label: "One student's Master Competency Checklist (PDF)", kind: "competency-checklist", format: "pdf", direct: "competency-checklist.pdf", student: true },
];

const STORE = "skillbook:export-jobs";
const FINISHED = new Set(["done", "failed", "expired"]);

function remembered(): string[] {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) ?? "[]") as string[];
  } catch {
    return [];
  }
}

export function AdminExports() {
  const cohorts = useCohorts();
  const [cohort, setCohort] = useState("");
  const [choice, setChoice] = useState(CHOICES[0].key);
  const [jobs, setJobs] = useState<Job[]>([]);
  const [saved, setSaved] = useState("");
  const act = useAction();
  useEffect(() => {
    if (!cohort && cohorts.data?.[0]) setCohort(cohorts.data[0].id);
  }, [cohorts.data]);

  // The jobs of this session, then every second while one is unfinished.
  useEffect(() => {
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    async function refresh(ids: string[]) {
      const views: Job[] = [];
      for (const id of ids) {
        const r = await api.get("/v1/exports/{id}", { path: { id } }).catch(() => null);
        if (r?.ok) views.push(r.data);
      }
      if (!live) return;
      setJobs(views);
      if (views.some((j) => !FINISHED.has(j.status))) timer = setTimeout(() => void refresh(ids), 1000);
    }
    void refresh(remembered());
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [jobs.length === 0 ? 0 : jobs.map((j) => j.id).join()]);

  const picked = CHOICES.find((c) => c.key === choice)!;
  const one = !!picked.student;
  // The cohort's students, for one student's transcript.
  const students = useLoad(async () => {
    if (!one || !cohort) return [] as User[];
    const r = await allPages<User>((cursor) => api.get("/v1/users", { query: { role: "student", cohortId: cohort, cursor, limit: 200 } }));
    if (!r.ok) throw new Error(problemText(r.problem));
    return r.items;
  }, [one, cohort]);
  const [student, setStudent] = useState("");
  const studentId = students.data?.some((s) => s.id === student) ? student : students.data?.[0]?.id ?? "";
  const ready = !!cohort && (!one || !!studentId);

  function now() {
    void act.run(async () => {
      setSaved("");
      const path = one ? `/v1/students/${encodeURIComponent(studentId)}/${picked.direct}` : `/v1/cohorts/${encodeURIComponent(cohort)}/${picked.direct}`;
      const name = await download(path, `${picked.kind}.${picked.format}`);
      setSaved(`Saved ${name}.`);
    });
  }

  function start() {
    void act.run(async () => {
      setSaved("");
      const r = await api.post("/v1/exports", { body: one ? { kind: picked.kind, format: picked.format, studentId } : { kind: picked.kind, format: picked.format, cohortId: cohort } });
      if (!r.ok) return act.setError(problemText(r.problem));
      const ids = [r.data.id, ...remembered().filter((x) => x !== r.data.id)].slice(0, 10);
      sessionStorage.setItem(STORE, JSON.stringify(ids));
      setJobs([r.data, ...jobs.filter((j) => j.id !== r.data.id)]);
    });
  }

  function fetchJob(j: Job) {
    void act.run(async () => {
      setSaved("");
      const name = await download(j.downloadUrl!, j.fileName || `export-${j.id}`);
      setSaved(`Saved ${name}.`);
    });
  }

  return (
    <Frame title="Exports" back="/app/admin">
      <Loading {...cohorts}>
        {() =>
          cohorts.data!.length === 0 ? (
            <p>No cohorts to export yet.</p>
          ) : (
            <>
              <CohortSelect id="exp-cohort" cohorts={cohorts.data!} value={cohort} onChange={setCohort} />
              <label for="exp-what">What</label>
              <select id="exp-what" value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
                {CHOICES.map((c) => (
                  <option key={c.key} value={c.key}>
                    {c.label}
                  </option>
                ))}
              </select>
              {one && (
                <Loading {...students}>
                  {() =>
                    students.data!.length === 0 ? (
                      <p class="muted">This cohort has no students.</p>
                    ) : (
                      <>
                        <label for="exp-student">Student</label>
                        <select id="exp-student" value={studentId} onChange={(e) => setStudent(e.currentTarget.value)}>
                          {students.data!.map((s) => (
                            <option key={s.id} value={s.id}>
                              {s.name}
                            </option>
                          ))}
                        </select>
                      </>
                    )
                  }
                </Loading>
              )}
              <ErrorNote error={act.error} />
              {saved && (
                <p class="ok" role="status">
                  {saved}
                </p>
              )}
              <button type="button" disabled={act.busy || !ready} onClick={now}>
                Download now
              </button>
              <button type="button" class="secondary" disabled={act.busy || !ready} onClick={start}>
                Start an export job
              </button>
              <p class="muted">
                Too big to download at once? Start an export job: the server writes the file while you wait or come back later, then you download it
                here. Every export is recorded in the audit trail.
              </p>
            </>
          )
        }
      </Loading>
      {jobs.length > 0 && (
        <section aria-labelledby="jobs">
          <h2 id="jobs">Export jobs</h2>
          <ul class="plain">
            {jobs.map((j) => {
              const label = CHOICES.find((c) => c.kind === j.request.kind && c.format === j.request.format)?.label ?? j.request.kind;
              return (
                <li key={j.id} class="card job" aria-label={`${label}: ${j.status}`}>
                  <span class="card-title">{label}</span>
                  <span class="card-meta muted">
                    {j.subject} · started {fmtDateTime(j.createdAt)}
                  </span>
                  <progress max={100} value={j.percent} aria-label={`${label} progress`} />
                  <span class="card-meta">
                    <span class="pct" role="status">
                      {j.status === "done" ? "Done" : j.status === "failed" ? "Failed" : j.status === "expired" ? "Expired" : `${j.percent}%`}
                    </span>
                    {j.total > 0 && (
                      <span class="muted">
                        {j.done} of {j.total}
                      </span>
                    )}
                    {j.size ? <span class="muted">{Math.max(1, Math.round(j.size / 1024))} KB</span> : null}
                    {j.expiresAt && j.status === "done" && <span class="muted">kept until {fmtDateTime(j.expiresAt)}</span>}
                  </span>
                  {j.error && <p class="error">{j.error}</p>}
                  {j.fileName && <span class="mono">{j.fileName}</span>}
                  {j.downloadUrl && (
                    <button type="button" class="secondary" disabled={act.busy} onClick={() => fetchJob(j)}>
                      Download the file
                    </button>
                  )}
                </li>
              );
            })}
          </ul>
        </section>
      )}
    </Frame>
  );
}
