import { expect, type Page } from "@playwright/test";
import AxeBuilder from "@axe-core/playwright";

export const PASSWORD = "skillbook-demo";
export const STUDENT = "student1@demo.skillbook.test";
export const INSTRUCTOR = "instructor@demo.skillbook.test";
export const ADMIN = "admin@demo.skillbook.test";

export function base(): string {
  const u = process.env.SKILLBOOK_URL;
  if (!u) throw new Error("SKILLBOOK_URL is not set (tests/global-setup.ts)");
  return u;
}

/** Signs in through the app's form and waits for the role's start page. */
export async function signIn(page: Page, email: string, heading: string | RegExp): Promise<void> {
  await page.goto(base() + "/app/");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
}

/** No serious or critical axe-core violations on the page as it is now. */
/** Where the screenshots go (SCREENSHOT_DIR overrides). */
export const shots = process.env.SCREENSHOT_DIR || "test-results/screenshots";

/** axe-core, touch targets, no sideways scrolling and no tab cut off on the page as it is now. */
export async function check(page: Page, what: string): Promise<void> {
  await expectAccessible(page, what);
  await expectTouchTargets(page, what);
}

export async function expectAccessible(page: Page, what: string): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(
    bad.map((v) => `${what}: ${v.id} (${v.impact}): ${v.help}\n  ${v.nodes.map((n) => n.target.join(" ")).join("\n  ")}`),
    `axe-core on ${what}`,
  ).toEqual([]);
}

/** Every touch target (buttons, links styled as controls, choices) is at least 44 px tall; no tab is cut off. */
export async function expectTouchTargets(page: Page, what: string): Promise<void> {
  const small = await page.evaluate(() =>
    [...document.querySelectorAll("button, a.card, a.button, .choice, input[type=email], input[type=password], input[type=text], input[type=date], select, textarea, summary, .back, .tabs a")]
      .filter((e) => (e as HTMLElement).offsetParent !== null)
      .map((e) => ({ e: (e.textContent || e.tagName).trim().slice(0, 40), h: e.getBoundingClientRect().height }))
      .filter((x) => x.h < 44),
  );
  expect(small, `touch targets under 44 px on ${what}`).toEqual([]);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth);
  expect(overflow, `${what} scrolls sideways at 360 px`).toBe(false);
  const cut = await page.evaluate(() =>
    [...document.querySelectorAll(".tabs a")]
      .filter((e) => e.scrollWidth > e.clientWidth || e.getBoundingClientRect().right > window.innerWidth)
      .map((e) => e.textContent),
  );
  expect(cut, `tabs cut off on ${what}`).toEqual([]);
}

/** An ID token straight from the auth emulator (for API calls a test makes itself). */
export async function emulatorToken(email: string, password = PASSWORD): Promise<string> {
  const r = await fetch(`http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ email, password, returnSecureToken: true }),
  });
  return ((await r.json()) as { idToken: string }).idToken;
}
