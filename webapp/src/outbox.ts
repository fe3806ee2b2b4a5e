// Work made with no signal: practice logs, procedures, evaluation requests and sign-offs are written
// to IndexedDB first, each with its client id and Idempotency-Key, shown as
// pending, and sent in order when the device is online. A retry of a POST
// that did reach the server gets the first answer back (the server keeps
// idempotency keys), so nothing is recorded twice.
import { useEffect, useState } from "preact/hooks";
import { idToken, currentUid } from "./auth";
import type { Problem } from "./api";

export type OutboxKind = "practice" | "evaluation-request" | "sign-off" | "return" | "procedure";

export interface OutboxItem {
  /** The Idempotency-Key, also the record's key here. */
  key: string;
  kind: OutboxKind;
  /** The Firebase user who made it: only their session sends it. */
  uid: string;
  path: string;
  body: unknown;
  /** What it is, in words ("Request: Measure blood pressure"). */
  label: string;
  /** The record it concerns (a request's or procedure's own id, or the attempt graded). */
  attemptId: string;
  checklistId: string;
  createdAt: number;
  /** failed: the server refused it (the reason is in error); it is not retried. */
  state: "pending" | "failed";
  error?: string;
}

const DB = "skillbook";
const STORE = "outbox";

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE, { keyPath: "key" });
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

async function tx<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((resolve, reject) => {
      const t = db.transaction(STORE, mode);
      const req = f(t.objectStore(STORE));
      t.oncomplete = () => resolve(req.result);
      t.onerror = () => reject(t.error);
    });
  } finally {
    db.close();
  }
}

const listeners = new Set<() => void>();
function changed(): void {
  listeners.forEach((l) => l());
}

/** The signed-in user's queued items, oldest first. */
export async function listOutbox(): Promise<OutboxItem[]> {
  const uid = currentUid();
  const all = await tx<OutboxItem[]>("readonly", (s) => s.getAll() as IDBRequest<OutboxItem[]>);
  return all.filter((i) => i.uid === uid).sort((a, b) => a.createdAt - b.createdAt);
}

/** Queues an item, then tries to send everything queued. */
export async function enqueue(item: Omit<OutboxItem, "uid" | "createdAt" | "state">): Promise<void> {
  const uid = currentUid();
  if (!uid) throw new Error("not signed in");
  await tx("readwrite", (s) => s.put({ ...item, uid, createdAt: Date.now(), state: "pending" }));
  changed();
  void flush();
}

export async function dismiss(key: string): Promise<void> {
  await tx("readwrite", (s) => s.delete(key));
  changed();
}

let flushing: Promise<void> | undefined;

/** Sends pending items in order; stops at the first that cannot reach the server. */
export function flush(): Promise<void> {
  if (!flushing) {
    const run = async () => {
      // One tab at a time sends, so two tabs never race on one item.
      if (navigator.locks) await navigator.locks.request("skillbook-outbox", () => send());
      else await send();
    };
    flushing = run().finally(() => (flushing = undefined));
  }
  return flushing;
}

async function send(): Promise<void> {
  for (const item of await listOutbox()) {
    if (item.state !== "pending") continue;
    let r: Response;
    try {
      const token = await idToken();
      r = await fetch(item.path, {
        method: "POST",
        headers: {
          Accept: "application/json, application/problem+json",
          "Content-Type": "application/json",
          "Idempotency-Key": item.key,
          ...(token ? { Authorization: `Bearer ${token}` } : {}),
        },
        body: JSON.stringify(item.body),
      });
    } catch {
      return; // no signal: try again when online
    }
    if (r.ok) {
      await tx("readwrite", (s) => s.delete(item.key));
      changed();
      window.dispatchEvent(new CustomEvent("skillbook:delivered", { detail: item }));
      continue;
    }
    if (r.status === 401 || r.status === 408 || r.status === 429 || r.status >= 500) return; // later
    const p = (await r.json().catch(() => ({}))) as Problem;
    await tx("readwrite", (s) => s.put({ ...item, state: "failed", error: p.detail || p.title || `refused (${r.status})` }));
    changed();
  }
}

/** The queued items, kept current. */
export function useOutbox(): OutboxItem[] {
  const [items, setItems] = useState<OutboxItem[]>([]);
  useEffect(() => {
    let live = true;
    const l = () => void listOutbox().then((i) => live && setItems(i), () => {});
    listeners.add(l);
    l();
    return () => {
      live = false;
      listeners.delete(l);
    };
  }, []);
  return items;
}

/** Sends whatever waits when the device comes back online, and at start. */
export function startOutbox(): void {
  window.addEventListener("online", () => void flush());
  window.addEventListener("focus", () => void flush());
  void flush();
}
