// The instructor's queue: open evaluation requests, oldest first, and the
// sign-offs this phone still has to send.
import { useState } from "preact/hooks";
import { api, type Schemas } from "../api";
import { dismiss, useOutbox } from "../outbox";
import { Badge, Frame, Loading, fmtDateTime, must, useDelivered, useLoad } from "../ui";

type Entry = Schemas["QueueEntry"];

export function Queue() {
  const [pages, setPages] = useState<string[]>([""]);
  const queue = useLoad(async () => {
    const items: Entry[] = [];
    let next: string | undefined;
    for (const cursor of pages) {
      const page = must(await api.get("/v1/queue", { query: { cursor: cursor || undefined, limit: 25 } }));
      items.push(...(page.items ?? []));
      next = page.nextCursor;
    }
    return { items, next };
  }, [pages.length], pages.length === 1 ? "queue" : undefined);
  useDelivered(queue.reload);
  const outbox = useOutbox().filter((i) => i.kind === "sign-off" || i.kind === "return");
  const queued = new Set(outbox.map((i) => i.attemptId));

  return (
    <Frame title="Evaluation queue">
      {outbox.length > 0 && (
        <section aria-labelledby="outbox">
          <h2 id="outbox">On this phone</h2>
          <ul class="cards">
            {outbox.map((i) => (
              <li key={i.key} class="card static">
                <span class="card-title">{i.label}</span>
                <span class="card-meta">
                  <Badge status={i.state === "pending" ? "pending" : "refused"} />
                  {i.error && <span class="comment">{i.error}</span>}
                  {i.state === "failed" && (
                    <button type="button" class="secondary small" onClick={() => void dismiss(i.key)}>
                      Dismiss
                    </button>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <Loading {...queue}>
        {() => {
          const items = queue.data!.items.filter((e) => !queued.has(e.attempt.id));
          if (items.length === 0) return <p>No evaluation requests are waiting.</p>;
          return (
            <>
              <ul class="cards">
                {items.map((e) => {
                  const failed = (e.history ?? []).filter((h) => h.status === "failed").length;
                  return (
                    <li key={e.attempt.id}>
                      <a class="card" href={`/app/grade/${e.attempt.id}`}>
                        <span class="card-title">{e.attempt.checklistTitle}</span>
                        <span class="card-meta">
                          <strong>{e.attempt.studentName}</strong>
                          <span class="due">Requested {fmtDateTime(e.attempt.requestedAt)}</span>
                          {failed > 0 && <span class="due">{failed} failed before</span>}
                        </span>
                      </a>
                    </li>
                  );
                })}
              </ul>
              {queue.data!.next && (
                <button type="button" class="secondary" onClick={() => setPages([...pages, queue.data!.next!])}>
                  Show more
                </button>
              )}
            </>
          );
        }}
      </Loading>
    </Frame>
  );
}
