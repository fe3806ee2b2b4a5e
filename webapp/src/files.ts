// Files the typed client does not carry: a CSV upload (the roster) and a
// download saved on the phone (exports, matrices), both with the user's ID
// token. Errors come back as the problem's words.
import { OFFLINE, problemText, type Problem } from "./api";
import { idToken } from "./auth";

async function headers(extra: Record<string, string>): Promise<Record<string, string>> {
  const token = await idToken();
  return { Accept: "application/json, application/problem+json", ...extra, ...(token ? { Authorization: `Bearer ${token}` } : {}) };
}

async function problemOf(r: Response): Promise<string> {
  const type = r.headers.get("Content-Type") ?? "";
  if (type.includes("json")) return problemText((await r.json()) as Problem);
  return r.statusText || `Error ${r.status}`;
}

/** POSTs a CSV file and returns the JSON answer, or throws an Error with the problem's words. */
export async function postCSV<T>(path: string, csv: string): Promise<T> {
  let r: Response;
  try {
    r = await fetch(path, { method: "POST", headers: await headers({ "Content-Type": "text/csv" }), body: csv });
  } catch {
    throw new Error(OFFLINE);
  }
  if (!r.ok) throw new Error(await problemOf(r));
  return (await r.json()) as T;
}

/** The file name a Content-Disposition header gives, or fallback. */
export function fileName(disposition: string | null, fallback: string): string {
  const star = disposition?.match(/filename\*=UTF-8''([^;]+)/i);
  if (star) return decodeURIComponent(star[1]);
  const plain = disposition?.match(/filename="?([^";]+)"?/i);
  return plain ? plain[1] : fallback;
}

/** Fetches a file of the API and saves it on the device under its own name. */
export async function download(path: string, fallback: string): Promise<string> {
  let r: Response;
  try {
    r = await fetch(path, { headers: await headers({ Accept: "*/*" }) });
  } catch {
    throw new Error(OFFLINE);
  }
  if (!r.ok) throw new Error(await problemOf(r));
  const name = fileName(r.headers.get("Content-Disposition"), fallback);
  save(await r.blob(), name);
  return name;
}

/** Saves a blob as a download. */
export function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
