// The API, through the generated typed client (clients/typescript): every
// path, parameter and body is checked by the compiler.
import { Skillbook, type Problem, type Result, type components } from "../../clients/typescript/client";
import { idToken } from "./auth";

export type Schemas = components["schemas"];
export type { Problem };

export const api = new Skillbook({ baseUrl: "", token: () => idToken() });

/** A problem in one line for the screen. */
/** What a page says when a request could not reach the server. */
export const OFFLINE = "No connection. Check your signal and try again.";

export function problemText(p: Problem): string {
  return p.detail || p.title || "Something went wrong.";
}

/** Every page of a paginated list (the server caps each page), up to a bound. */
export async function allPages<T>(
  fetchPage: (cursor?: string) => Promise<Result<{ items?: T[] | null; nextCursor?: string }>>,
): Promise<{ ok: true; items: T[] } | { ok: false; problem: Problem }> {
  const items: T[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < 40; i++) {
    const page = await fetchPage(cursor);
    if (!page.ok) return { ok: false, problem: page.problem };
    items.push(...(page.data.items ?? []));
    cursor = page.data.nextCursor;
    if (!cursor) break;
  }
  return { ok: true, items };
}

/** A UUIDv7 (RFC 9562): the client-chosen id of a record made on this device. */
export function uuidv7(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  const ms = Date.now();
  for (let i = 0; i < 6; i++) b[i] = Math.floor(ms / 2 ** (8 * (5 - i))) & 0xff;
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
