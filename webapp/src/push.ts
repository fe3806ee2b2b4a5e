// Web push, where the deployment configures it (config.json's webPushKey)
// and the browser can: on the user's "Turn on notifications" the FCM SDK
// (firebase/messaging, its own chunk loaded only then: messaging.ts) subscribes the app's
// service worker and its token is registered with POST /v1/me/devices. The
// worker (sw.ts) shows the pushes. Without the setting nothing here loads
// and the in-app feed is the only channel.
import { getApp } from "firebase/app";
import { api, problemText } from "./api";
import { currentUid } from "./auth";
import { appConfig } from "./config";

const KEY = "skillbook.push";
// The server drops tokens not refreshed for 30 days: refresh weekly.
const REFRESH_MS = 7 * 24 * 3600 * 1000;

interface Registered {
  uid: string;
  token: string;
  at: number;
}

/** Whether the app can offer push here: configured, and the browser has what it needs. */
export function pushAvailable(): boolean {
  return !!appConfig()?.webPushKey && "Notification" in window && "serviceWorker" in navigator && "PushManager" in window;
}

function saved(): Registered | undefined {
  try {
    const r = JSON.parse(localStorage.getItem(KEY) ?? "null") as Registered | null;
    return r && r.uid === currentUid() ? r : undefined;
  } catch {
    return undefined;
  }
}

/** Whether this browser's token is registered for the signed-in user. */
export function pushOn(): boolean {
  return pushAvailable() && Notification.permission === "granted" && !!saved();
}

/** Asks permission (call from a tap), gets the FCM token and registers it; throws the words to show. */
export async function turnOnPush(): Promise<void> {
  const cfg = appConfig();
  if (!cfg?.webPushKey) throw new Error("Notifications are not set up for this Skillbook.");
  if ((await Notification.requestPermission()) !== "granted")
    throw new Error("Notifications are blocked for this site. Allow them in the browser's site settings, then try again.");
  const { getMessaging, getToken } = await import("./messaging");
  let token: string;
  try {
    token = await getToken(getMessaging(getApp()), {
      vapidKey: cfg.webPushKey,
      serviceWorkerRegistration: await navigator.serviceWorker.ready,
    });
  } catch {
    throw new Error("Could not reach the notification service. Check your signal and try again.");
  }
  const r = await api.post("/v1/me/devices", { body: { token, platform: "web" } });
  if (!r.ok) throw new Error(problemText(r.problem));
  localStorage.setItem(KEY, JSON.stringify({ uid: currentUid() ?? "", token, at: Date.now() } satisfies Registered));
}

/** Re-registers a token older than a week (no prompt: permission was given before). */
export async function refreshPush(): Promise<void> {
  const r = saved();
  if (pushOn() && r && Date.now() - r.at > REFRESH_MS) await turnOnPush().catch(() => {});
}
