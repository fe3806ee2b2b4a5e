// Shared pieces of every page: the frame, loading and error states, status
// badges, dates, an action's busy and error state.
import type { ComponentChildren } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import type { Result } from "../../clients/typescript/client";
import { OFFLINE, problemText } from "./api";
import { signOut } from "./auth";
import { useOutbox } from "./outbox";
import { nav } from "./routes";
import { usePath } from "./router";
import { getSession, useSession, type Role } from "./session";

/** The data of an answer, or an Error with the problem's words. */
export function must<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(problemText(r.problem));
  return r.data;
}

/** Where pages keep their last answers (session.ts clears them at sign-out). */
const CACHE_PREFIX = "skillbook.cache.";

/**
 * Loads data for a page; reload() loads it again. With a cache key, the
 * last answer is kept on the phone and shown (stale: true) when there is no
 * signal.
 */
export function useLoad<T>(
  load: () => Promise<T>,
  deps: unknown[],
  cacheKey?: string,
): { data?: T; error?: string; stale?: boolean; reload: () => void } {
  const [state, setState] = useState<{ data?: T; error?: string; stale?: boolean }>({});
  const [n, setN] = useState(0);
  const key = cacheKey && `${CACHE_PREFIX}${getSession().user?.uid ?? ""}.${cacheKey}`;
  useEffect(() => {
    let live = true;
    load().then(
      (data) => {
        if (!live) return;
        setState({ data });
        if (key) {
          try {
            localStorage.setItem(key, JSON.stringify(data));
          } catch {
            // full: the page still works, only not offline
          }
        }
      },
      (e: unknown) => {
        if (!live) return;
        if (e instanceof TypeError) {
          const saved = key ? localStorage.getItem(key) : null;
          if (saved) return setState({ data: JSON.parse(saved) as T, stale: true });
          return setState({ error: OFFLINE });
        }
        setState({ error: (e as Error).message });
      },
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, n, key]);
  return { ...state, reload: useCallback(() => setN((x) => x + 1), []) };
}

export function Loading({
  data,
  error,
  stale,
  reload,
  children,
}: {
  data?: unknown;
  error?: string;
  stale?: boolean;
  reload?: () => void;
  children: () => ComponentChildren;
}) {
  if (error)
    return (
      <div class="error" role="alert">
        <p>{error}</p>
        {reload && (
          <button type="button" class="secondary" onClick={reload}>
            Try again
          </button>
        )}
      </div>
    );
  if (data === undefined)
    return (
      <p class="muted" role="status">
        Loading…
      </p>
    );
  return (
    <>
      {stale && <p class="muted stale">Showing what this phone last saw.</p>}
      {children()}
    </>
  );
}

const STATUS_WORDS: Record<string, string> = {
  "not-started": "Not started",
  practising: "Practising",
  "awaiting-evaluation": "Awaiting evaluation",
  "needs-remediation": "Needs remediation",
  "remediation-flagged": "Flagged",
  competent: "Competent",
  overdue: "Overdue",
  practiced: "Practised",
  requested: "Requested",
  passed: "Passed",
  failed: "Failed",
  returned: "Returned",
  voided: "Voided",
  pending: "Waiting for signal",
  refused: "Not sent",
  pass: "Pass",
  fail: "Fail",
  na: "N/A",
  confirmed: "Confirmed",
  "to-confirm": "To confirm",
  rejected: "Rejected",
};

export function Badge({ status }: { status: string }) {
  return <span class={`badge badge-${status}`}>{STATUS_WORDS[status] ?? status.replace(/-/g, " ")}</span>;
}

export function fmtDate(iso?: string): string {
  if (!iso) return "";
  const d = iso.length === 10 ? new Date(iso + "T12:00:00") : new Date(iso);
  return d.toLocaleDateString("en-US", { month: "short", day: "numeric", year: "numeric" });
}

export function fmtDateTime(iso?: string): string {
  if (!iso) return "";
  if (iso.length === 10) return fmtDate(iso);
  return new Date(iso).toLocaleString("en-US", { month: "short", day: "numeric", hour: "numeric", minute: "2-digit" });
}

export function areaName(area: string): string {
  return area.replace(/-/g, " ").replace(/^./, (c) => c.toUpperCase());
}

/** The frame around every signed-in page: header, the offline queue, the page. */
export function Frame({ title, back, children }: { title: string; back?: string; children: ComponentChildren }) {
  const s = useSession();
  const outbox = useOutbox();
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const on = () => setOnline(true);
    const off = () => setOnline(false);
    window.addEventListener("online", on);
    window.addEventListener("offline", off);
    return () => {
      window.removeEventListener("online", on);
      window.removeEventListener("offline", off);
    };
  }, []);
  useEffect(() => {
    document.title = `${title} · Skillbook`;
  }, [title]);
  const pending = outbox.filter((i) => i.state === "pending").length;
  const path = usePath();
  const tabs = nav[s.me?.role as Role] ?? [];
  return (
    <>
      <header class="top">
        {back ? (
          <a class="back" href={back} aria-label="Back">
            ‹
          </a>
        ) : (
          <a class="brand" href="/app/">
            Skillbook
          </a>
        )}
        <span class="who">{s.me?.name}</span>
        <button
          type="button"
          class="link"
          onClick={() => {
            if (pending === 0 || confirm(`${pending === 1 ? "1 item has" : `${pending} items have`} not been sent yet. They stay on this phone and are sent when you sign in again. Sign out?`))
              void signOut();
          }}
        >
          Sign out
        </button>
      </header>
      {tabs.length > 1 && (
        <nav class="tabs" aria-label="Sections">
          {tabs.map((t) => (
            <a key={t.href} href={t.href} aria-current={path === t.href || path.startsWith(t.href + "/") ? "page" : undefined}>
              {t.label}
            </a>
          ))}
        </nav>
      )}
      {!online && (
        <p class="offline" role="status">
          Offline: what you do is kept on this phone and sent when you have signal.
        </p>
      )}
      {pending > 0 && (
        <p class="pending-note" role="status">
          {pending === 1 ? "1 item is" : `${pending} items are`} waiting to be sent.
        </p>
      )}
      <main id="main">
        <h1>{title}</h1>
        {children}
      </main>
    </>
  );
}

/** Reloads a page's data when queued work reaches the server. */
export function useDelivered(reload: () => void): void {
  useEffect(() => {
    window.addEventListener("skillbook:delivered", reload);
    return () => window.removeEventListener("skillbook:delivered", reload);
  }, [reload]);
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
      setError(e instanceof TypeError ? OFFLINE : (e as Error).message);
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
