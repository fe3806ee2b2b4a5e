// Invitations: invite a person (a student into one cohort, an instructor
// into those they teach, or an admin) and see who has not signed in yet.
// An invited person becomes a user on their first sign-in with a verified
// email.
import { useState } from "preact/hooks";
import { allPages, api, problemText, type Schemas } from "../api";
import { ErrorNote, Frame, Loading, fmtDate, useAction, useLoad } from "../ui";
import { useCohorts } from "./AdminParts";

type User = Schemas["User"];
type Role = "student" | "instructor" | "admin";

export function AdminPeople() {
  const cohorts = useCohorts();
  const pending = useLoad(async () => {
    const r = await allPages<User>((cursor) => api.get("/v1/users", { query: { cursor, limit: 200, active: "true" } }));
    if (!r.ok) throw new Error(problemText(r.problem));
    return r.items.filter((u) => !u.bound);
  }, []);
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("student");
  const [picked, setPicked] = useState<string[]>([]);
  const [sent, setSent] = useState("");
  const act = useAction();
  const names = new Map((cohorts.data ?? []).map((c) => [c.id, c.name]));

  function invite(e: Event) {
    e.preventDefault();
    void act.run(async () => {
      setSent("");
      // A student is in the one cohort shown (the first until another is chosen); an admin in none.
      const shown = picked[0] ?? cohorts.data?.[0]?.id;
      const ids = role === "admin" ? [] : role === "student" ? (shown ? [shown] : []) : picked;
      if (!email.trim() || !name.trim()) return act.setError("Give the person's email and name.");
      if (role === "student" && ids.length !== 1) return act.setError("Choose the student's cohort.");
      const r = await api.post("/v1/users", { body: { email: email.trim(), name: name.trim(), role, cohortIds: ids } });
      if (!r.ok) return act.setError(problemText(r.problem));
      setSent(`Invited ${r.data.name}: they sign up with ${r.data.email}.`);
      setEmail("");
      setName("");
      pending.reload();
    });
  }

  return (
    <Frame title="Invitations" back="/app/admin">
      <form onSubmit={invite} class="panel">
        <label for="inv-email">Email</label>
        <input id="inv-email" type="email" autoComplete="off" value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        <label for="inv-name">Name</label>
        <input id="inv-name" type="text" value={name} onInput={(e) => setName(e.currentTarget.value)} />
        <label for="inv-role">Role</label>
        <select
          id="inv-role"
          value={role}
          onChange={(e) => {
            setRole(e.currentTarget.value as Role);
            setPicked([]);
          }}
        >
          <option value="student">Student</option>
          <option value="instructor">Instructor</option>
          <option value="admin">Admin</option>
        </select>
        <Loading {...cohorts}>
          {() =>
            role === "student" ? (
              <>
                <label for="inv-cohort">Cohort</label>
                <select id="inv-cohort" value={picked[0] ?? cohorts.data![0]?.id} onChange={(e) => setPicked([e.currentTarget.value])}>
                  {cohorts.data!.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.name}
                    </option>
                  ))}
                </select>
              </>
            ) : role === "instructor" ? (
              <fieldset>
                <legend class="small-label">Cohorts taught</legend>
                {cohorts.data!.map((c) => (
                  <label key={c.id} class="check">
                    <input
                      type="checkbox"
                      checked={picked.includes(c.id)}
                      onChange={(e) => setPicked(e.currentTarget.checked ? [...picked, c.id] : picked.filter((x) => x !== c.id))}
                    />
                    {c.name}
                  </label>
                ))}
              </fieldset>
            ) : null
          }
        </Loading>
        <ErrorNote error={act.error} />
        {sent && (
          <p class="ok" role="status">
            {sent}
          </p>
        )}
        <button type="submit" disabled={act.busy}>
          Send invitation
        </button>
      </form>
      <h2>Pending</h2>
      <Loading {...pending}>
        {() =>
          pending.data!.length === 0 ? (
            <p class="muted">Everyone invited has signed in.</p>
          ) : (
            <ul class="plain">
              {pending.data!.map((u) => (
                <li key={u.id} class="card">
                  <span class="card-title">{u.name}</span>
                  <span class="mono">{u.email}</span>
                  <span class="card-meta muted">
                    {u.role}
                    {(u.cohortIds ?? []).length > 0 && ` · ${(u.cohortIds ?? []).map((id) => names.get(id) ?? id).join(", ")}`} · invited {fmtDate(u.createdAt)}
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
