// The Firebase configuration the server gives the app (GET /app/config.json),
// kept in localStorage so the app also starts with no signal.
export interface AppConfig {
  projectId: string;
  apiKey: string;
  authDomain: string;
  /** host:port of the Firebase Auth emulator, when the server runs with one. */
  emulatorHost?: string;
  /** FCM's web push (VAPID) public key, the web app's id and the sender id:
   * set only where the deployment has web push (push.ts). */
  webPushKey?: string;
  appId?: string;
  messagingSenderId?: string;
}

let current: AppConfig | undefined;

/** The configuration the app started with (after loadConfig). */
export function appConfig(): AppConfig | undefined {
  return current;
}

const KEY = "skillbook.config";

export async function loadConfig(): Promise<AppConfig> {
  try {
    const r = await fetch("/app/config.json", { cache: "no-cache" });
    if (r.ok) {
      const c = (await r.json()) as AppConfig;
      localStorage.setItem(KEY, JSON.stringify(c));
      return (current = c);
    }
  } catch {
    // offline: fall back to the last configuration seen
  }
  const saved = localStorage.getItem(KEY);
  if (saved) return (current = JSON.parse(saved) as AppConfig);
  throw new Error("Skillbook could not reach its server. Check your signal and try again.");
}
