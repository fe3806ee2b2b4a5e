// The notifications feed (everyone): unread first; opening one that names
// an attempt goes to it. It works without push; where the deployment has
// web push, a button turns it on for this browser (push.ts).
import { useEffect, useState } from "preact/hooks";
import { api, problemText } from "../api";
import { pushAvailable, pushOn, refreshPush, turnOnPush } from "../push";
import { ErrorNote, Frame, Loading, fmtDateTime, must, useAction, useLoad } from "../ui";

function PushSwitch() {
  const [on, setOn] = useState(pushOn);
  const act = useAction();
  useEffect(() => void refreshPush(), []);
  if (on)
    return (
      <p class="ok" role="status">
        Notifications are on
      </p>
    );
  return (
    <>
      <button type="button" class="secondary" disabled={act.busy} onClick={() => void act.run(async () => (await turnOnPush(), setOn(true)))}>
        {act.busy ? "Turning on…" : "Turn on notifications"}
      </button>
      <ErrorNote error={act.error} />
    </>
  );
}

export function Notifications() {
  const feed = useLoad(async () => must(await api.get("/v1/me/notifications", { query: { order: "unread-first", limit: 50 } })).items ?? [], [], "notifications");
  const [error, setError] = useState("");

  async function readAll() {
    const r = await api.post("/v1/me/notifications/read-all");
    if (!r.ok) return setError(problemText(r.problem));
    feed.reload();
  }

  return (
    <Frame title="Notifications">
      {pushAvailable() && <PushSwitch />}
      <Loading {...feed}>
        {() => {
          const items = feed.data!;
          if (items.length === 0) return <p>Nothing yet. Results of your evaluations and requests show here.</p>;
          const unread = items.filter((n) => !n.read).length;
          return (
            <>
              {unread > 0 && (
                <button type="button" class="secondary" onClick={() => void readAll()}>
                  Mark all read ({unread} unread)
                </button>
              )}
              {error && (
                <p class="error" role="alert">
                  {error}
                </p>
              )}
              <ul class="cards">
                {items.map((n) => {
                  const attempt = (n.data as Record<string, unknown> | undefined)?.attemptId;
                  const body = (
                    <>
                      <span class="card-title">
                        {!n.read && <span class="dot" role="img" aria-label="Unread" />}
                        {n.title}
                      </span>
                      {n.body && <span class="comment">{n.body}</span>}
                      <span class="card-meta due">{fmtDateTime(n.createdAt)}</span>
                    </>
                  );
                  return (
                    <li key={n.id}>
                      {typeof attempt === "string" ? (
                        <a class="card" href={`/app/attempts/${encodeURIComponent(attempt)}`}>
                          {body}
                        </a>
                      ) : (
                        <div class="card">{body}</div>
                      )}
                    </li>
                  );
                })}
              </ul>
            </>
          );
        }}
      </Loading>
    </Frame>
  );
}
