// Who is signed in: the Firebase user and their Skillbook profile (GET /v1/me).
import { useEffect, useState } from "preact/hooks";
import type { User } from "firebase/auth";
import { OFFLINE, api, problemText, type Schemas } from "./api";

export type Me = Schemas["MeBody"];
export type Role = "student" | "instructor" | "admin";

export interface Session {
  /** starting: the SDK has not said yet; out: nobody signed in. */
  state: "starting" | "out" | "in" | "unverified" | "refused";
  user?: User;
  me?: Me;
  /** Why the API refused the signed-in account (not invited, deactivated, …). */
  message?: string;
}

let session: Session = { state: "starting" };
const listeners = new Set<(s: Session) => void>();

function set(s: Session): void {
  session = s;
  listeners.forEach((l) => l(s));
}

const ME_KEY = "skillbook.me";

/** Called by the SDK whenever the signed-in user changes. */
export async function userChanged(user: User | null): Promise<void> {
  if (!user) {
    localStorage.removeItem(ME_KEY);
    for (const k of Object.keys(localStorage)) if (k.startsWith("skillbook.cache.")) localStorage.removeItem(k);
    set({ state: "out" });
    return;
  }
  await loadMe(user);
}

export async function loadMe(user: User): Promise<void> {
  try {
    const r = await api.get("/v1/me");
    if (r.ok) {
      localStorage.setItem(ME_KEY, JSON.stringify({ uid: user.uid, me: r.data }));
      set({ state: "in", user, me: r.data });
      return;
    }
    if (!user.emailVerified && r.status === 403) {
      set({ state: "unverified", user, message: problemText(r.problem) });
      return;
    }
    set({ state: "refused", user, message: problemText(r.problem) });
  } catch {
    // No signal: the profile last seen on this device.
    const saved = JSON.parse(localStorage.getItem(ME_KEY) ?? "null") as { uid: string; me: Me } | null;
    if (saved && saved.uid === user.uid) set({ state: "in", user, me: saved.me });
    else set({ state: "refused", user, message: OFFLINE });
  }
}

export function useSession(): Session {
  const [s, setS] = useState(session);
  useEffect(() => {
    listeners.add(setS);
    setS(session);
    return () => void listeners.delete(setS);
  }, []);
  return s;
}

export function getSession(): Session {
  return session;
}
