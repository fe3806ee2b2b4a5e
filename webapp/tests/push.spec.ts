// Web push on the Inbox. The suite's server runs without
// FIREBASE_WEB_PUSH_KEY: the Inbox then offers nothing and firebase/messaging
// (assets/messaging-*.js) is never fetched. With the push fields given to the
// app (config.json answered here), the button shows and a tap loads the SDK;
// a real FCM token needs Google's push service, which this machine cannot
// reach (and the server's CSP, without the setting, does not allow), so the
// tap ends in the app's error note and no device is registered.
import { expect, test, type Page } from "@playwright/test";
import { STUDENT, base, check, signIn } from "./helpers";

function watch(page: Page): { messaging: string[]; devices: string[] } {
  const seen = { messaging: [] as string[], devices: [] as string[] };
  page.context().on("request", (r) => {
    const u = new URL(r.url());
    if (/^\/app\/assets\/messaging-/.test(u.pathname)) seen.messaging.push(u.pathname);
    if (u.pathname === "/v1/me/devices") seen.devices.push(r.method());
  });
  return seen;
}

async function openInbox(page: Page) {
  await page.getByRole("link", { name: "Inbox" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  await expect(page.locator(".cards, main > p").first()).toBeVisible();
}

test("without web push configured the Inbox offers no notifications button and never loads firebase/messaging", async ({ page }) => {
  const seen = watch(page);
  await signIn(page, STUDENT, "My skills");
  await openInbox(page);
  await expect(page.getByRole("button", { name: "Turn on notifications" })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  await expect(page.locator(".cards, main > p").first()).toBeVisible();
  await expect(page.getByRole("button", { name: "Turn on notifications" })).toHaveCount(0);
  expect(seen.messaging).toEqual([]);
  expect(seen.devices).toEqual([]);
});

test("with web push configured the Inbox offers the button, which loads firebase/messaging only when tapped", async ({ browser }) => {
  const context = await browser.newContext();
  await context.route("**/app/config.json", async (route) => {
    const res = await route.fetch();
    const cfg = { ...(await res.json()), webPushKey: "BTestVapidPublicKey", appId: "1:42:web:abc", messagingSenderId: "42" };
    await route.fulfill({ response: res, json: cfg });
  });
  await context.grantPermissions(["notifications"], { origin: base() });
  const page = await context.newPage();
  const seen = watch(page);
  await signIn(page, STUDENT, "My skills");
  await openInbox(page);
  const button = page.getByRole("button", { name: "Turn on notifications" });
  await expect(button).toBeVisible();
  await check(page, "notifications with push offered");
  expect(seen.messaging).toEqual([]);

  await button.click();
  await expect(page.getByRole("alert")).toHaveText(/Could not reach the notification service/);
  expect(seen.messaging.length).toBeGreaterThan(0);
  expect(seen.devices).toEqual([]);
  await expect(page.getByRole("button", { name: "Turn on notifications" })).toBeEnabled();
  await context.close();
});
