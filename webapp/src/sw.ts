// The service worker: the app shell (index.html, its hashed assets, icons)
// is cached so the app opens with no signal. API calls (/v1/…) are never
// touched here: work made offline waits in the page's outbox (outbox.ts).
// Where web push is on (push.ts), FCM's pushes arrive here and are shown.
/// <reference lib="webworker" />
export {};
declare const self: ServiceWorkerGlobalScope;

const CACHE = "skillbook-shell-v1";
const SHELL = ["/app/", "/app/manifest.webmanifest", "/app/icon-192.png", "/app/icon-512.png"];

/** The hashed files index.html loads (scripts, styles). */
function assetsOf(html: string): string[] {
  return [...html.matchAll(/(?:src|href)="(\/app\/assets\/[^"]+)"/g)].map((m) => m[1]);
}

self.addEventListener("install", (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(CACHE);
      await cache.addAll(SHELL);
      const index = await cache.match("/app/");
      if (index) await cache.addAll(assetsOf(await index.text()));
      await self.skipWaiting();
    })(),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    (async () => {
      for (const k of await caches.keys()) if (k !== CACHE) await caches.delete(k);
      await self.clients.claim();
    })(),
  );
});

self.addEventListener("fetch", (event) => {
  const req = event.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== location.origin || !url.pathname.startsWith("/app/")) return;
  if (req.mode === "navigate") {
    // Network first, so a new release shows at once; the cached shell offline.
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        try {
          const res = await fetch(req);
          if (res.ok) {
            const html = await res.clone().text();
            await cache.put("/app/", res.clone());
            // Keep the assets of the release just seen, drop older ones.
            const keep = new Set(assetsOf(html));
            await Promise.all([...keep].map(async (a) => (await cache.match(a)) ?? cache.add(a).catch(() => {})));
            for (const k of await cache.keys()) {
              const p = new URL(k.url).pathname;
              if (p.startsWith("/app/assets/") && !keep.has(p)) await cache.delete(k);
            }
          }
          return res;
        } catch {
          return (await cache.match("/app/")) ?? Response.error();
        }
      })(),
    );
    return;
  }
  if (url.pathname.startsWith("/app/assets/")) {
    // Hashed names never change content: the cache first.
    event.respondWith(
      (async () => {
        const cache = await caches.open(CACHE);
        const hit = await cache.match(req);
        if (hit) return hit;
        const res = await fetch(req);
        if (res.ok) await cache.put(req, res.clone());
        return res;
      })(),
    );
    return;
  }
  // config.json, manifest, icons: the network, the cache without signal.
  event.respondWith(
    (async () => {
      const cache = await caches.open(CACHE);
      try {
        const res = await fetch(req);
        if (res.ok) await cache.put(req, res.clone());
        return res;
      } catch {
        return (await cache.match(req)) ?? Response.error();
      }
    })(),
  );
});

// An FCM web push: {notification: {title, body}, data: {notificationId, attemptId?, …}}.
self.addEventListener("push", (event) => {
  let msg: { notification?: { title?: string; body?: string }; data?: Record<string, string> } = {};
  try {
    msg = event.data?.json() ?? {};
  } catch {
    // not JSON: a generic note below
  }
  const data = msg.data ?? {};
  event.waitUntil(
    self.registration.showNotification(msg.notification?.title || "Skillbook", {
      body: msg.notification?.body,
      icon: "/app/icon-192.png",
      tag: data.notificationId,
      data,
    }),
  );
});

// A tap opens what the notification names (the feed's link), in an open window if there is one.
self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const attempt = (event.notification.data as Record<string, string> | null)?.attemptId;
  const url = attempt ? `/app/attempts/${encodeURIComponent(attempt)}` : "/app/notifications";
  event.waitUntil(
    (async () => {
      const open = await self.clients.matchAll({ type: "window", includeUncontrolled: true });
      const win = open.find((c) => new URL(c.url).pathname.startsWith("/app/"));
      if (win) return void (await (await win.focus()).navigate(url));
      await self.clients.openWindow(url);
    })(),
  );
});
