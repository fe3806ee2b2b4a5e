// The student's open evaluation requests, each to hand to an instructor who
// signs it here, on this phone, with their signing PIN.
import { allPages, api, problemText, type Schemas } from "../api";
import { Frame, Loading, fmtDateTime, useLoad } from "../ui";

type Attempt = Schemas["Attempt"];

export function Handover() {
  const open = useLoad(async () => {
    const r = await allPages<Attempt>((cursor) => api.get("/v1/me/attempts", { query: { status: "requested", cursor, limit: 100 } }));
    if (!r.ok) throw new Error(problemText(r.problem));
    return r.items;
  }, []);
  return (
    <Frame title="Sign here">
      <p class="muted">
        Your instructor can sign an evaluation on this phone with their signing PIN: choose the request, then hand them the phone. It comes back to you when
        they are done.
      </p>
      <Loading {...open}>
        {() =>
          open.data!.length === 0 ? (
            <p>
              No request is open. Request an evaluation from a skill on <a href="/app/student">your skills</a> first.
            </p>
          ) : (
            <ul class="plain">
              {open.data!.map((a) => (
                <li key={a.id}>
                  <a class="card" href={`/app/handover/${encodeURIComponent(a.id)}`}>
                    <span class="card-title">{a.checklistTitle}</span>
                    <span class="card-meta muted">requested {fmtDateTime(a.requestedAt)}</span>
                  </a>
                </li>
              ))}
            </ul>
          )
        }
      </Loading>
    </Frame>
  );
}
