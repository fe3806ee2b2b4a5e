// The app's flows on a phone-size screen against the real server: a student
// requests an evaluation, an instructor signs it from another browser
// context, the student sees it passed; a sign-off made offline is
// delivered exactly once; axe-core on every page.
import { expect, test, type Locator, type Page } from "@playwright/test";
import { ADMIN, INSTRUCTOR, STUDENT, base, check, emulatorToken, shots, signIn } from "./helpers";
import { bytesOf } from "./files";


/** Pages through the queue (oldest first) until the request shows, and opens it. */
async function openFromQueue(page: Page, item: Locator) {
  await expect(page.locator("main a.card").first()).toBeVisible();
  while (!(await item.count())) {
    const more = page.getByRole("button", { name: "Show more" });
    const shown = await page.locator("main a.card").count();
    await more.click();
    await expect(page.locator("main a.card")).not.toHaveCount(shown);
  }
}

test("sign-in page is accessible and refuses a wrong password", async ({ page }) => {
  // What the first load transfers (the server gzips text files).
  const sizes: { url: string; type: string; bytes: number }[] = [];
  page.on("requestfinished", async (req) => {
    const s = await req.sizes();
    sizes.push({ url: req.url(), type: req.resourceType(), bytes: s.responseBodySize });
  });
  await page.goto(base() + "/app/");
  await expect(page.getByRole("heading", { name: "Skillbook" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  const js = sizes.filter((x) => x.type === "script").reduce((n, x) => n + x.bytes, 0);
  const all = sizes.filter((x) => x.url.includes("/app/")).reduce((n, x) => n + x.bytes, 0);
  console.log(`first load: ${(js / 1024).toFixed(1)} KB of JavaScript, ${(all / 1024).toFixed(1)} KB in all from /app/`);
  expect(js, "first-load JavaScript, gzipped").toBeLessThan(250 * 1024);
  expect(js, "the script bundle is sent gzipped").toBeLessThan(80 * 1024);
  await page.screenshot({ path: `${shots}/sign-in.png` });
  await check(page, "sign-in");
  await page.getByLabel("Email").fill(STUDENT);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toContainText("do not match");
});

test("a student requests an evaluation, an instructor signs it, the student sees it passed", async ({ browser }) => {
  const studentCtx = await browser.newContext();
  const student = await studentCtx.newPage();
  await signIn(student, STUDENT, "My skills");
  await expect(student.getByText(/skills competent/)).toBeVisible();
  await student.screenshot({ path: `${shots}/student-dashboard.png`, fullPage: false });
  await check(student, "student dashboard");

  // The first skill not started yet.
  const card = student.locator("a.card", { has: student.locator(".badge-not-started") }).first();
  const title = (await card.locator(".card-title").textContent())!.trim();
  await card.click();
  await expect(student.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(student.locator(".steps .crit").first()).toBeVisible();
  await student.screenshot({ path: `${shots}/student-skill.png` });
  await check(student, "skill");
  await student.getByRole("button", { name: "I practised this skill" }).click();
  await expect(student.locator("a.card .badge-practiced")).toHaveCount(1);
  await student.getByRole("button", { name: "Request an evaluation" }).click();
  await expect(student.getByText(/an instructor will evaluate you/)).toBeVisible();

  const instructorCtx = await browser.newContext();
  const instructor = await instructorCtx.newPage();
  await signIn(instructor, INSTRUCTOR, "Evaluation queue");
  await instructor.screenshot({ path: `${shots}/instructor-queue.png` });
  await check(instructor, "queue");
  // The queue is oldest first: page through to the new request.
  const item = instructor.locator("a.card", { hasText: title }).filter({ hasText: "Sam Student" });
  await openFromQueue(instructor, item);
  await item.first().click();
  await expect(instructor.getByRole("heading", { level: 1, name: "Grade" })).toBeVisible();
  // The practice logged before the request is in the student's history.
  await instructor.getByText("Earlier attempts (1)").click();
  await expect(instructor.locator(".history .badge-practiced")).toBeVisible();
  await instructor.getByRole("button", { name: "Pass the rest" }).click();
  await instructor.getByLabel("Comment for the student").fill("Performed to standard.");
  await instructor.evaluate(() => window.scrollTo(0, 0));
  await instructor.screenshot({ path: `${shots}/instructor-grading.png`, fullPage: false });
  await check(instructor, "grading");
  await instructor.getByLabel(/I observed Sam Student/).check();
  const signed = instructor.waitForResponse((r) => r.url().includes("/evaluations") && r.request().method() === "POST");
  await instructor.getByRole("button", { name: "Sign the evaluation" }).click();
  expect((await signed).status()).toBe(201);
  await expect(instructor.getByRole("heading", { level: 1, name: "Evaluation queue" })).toBeVisible();

  await student.reload();
  await expect(student.getByText(/Passed and signed/)).toBeVisible();
  const attempt = student.locator("a.card", { has: student.locator(".badge-passed") }).first();
  await expect(attempt).toBeVisible();
  await attempt.click();
  await expect(student.locator(".result-line .badge-passed")).toBeVisible();
  await expect(student.getByText("Performed to standard.")).toBeVisible();
  await student.screenshot({ path: `${shots}/student-result.png` });
  await check(student, "attempt result");

  await student.getByRole("link", { name: "Inbox" }).click();
  await expect(student.getByRole("heading", { level: 1, name: "Notifications" })).toBeVisible();
  await expect(student.locator(".cards, main > p").first()).toBeVisible();
  await student.screenshot({ path: `${shots}/student-notifications.png` });
  await check(student, "notifications");

  await student.getByRole("link", { name: "Skills" }).click();
  const download = student.waitForEvent("download");
  await student.getByRole("button", { name: "Download my transcript (PDF)" }).click();
  expect((await bytesOf(await download)).toString("latin1", 0, 5)).toBe("%PDF-");
  await studentCtx.close();
  await instructorCtx.close();
});

test("a sign-off made offline is delivered exactly once after reconnecting", async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, INSTRUCTOR, "Evaluation queue");
  const first = page.locator("a.card").first();
  const href = (await first.getAttribute("href"))!;
  const attemptId = href.split("/").pop()!;
  await first.click();
  await expect(page.getByRole("heading", { level: 1, name: "Grade" })).toBeVisible();

  const delivered: number[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith(`/v1/attempts/${attemptId}/evaluations`) && r.request().method() === "POST") delivered.push(r.status());
  });

  // The grading form is loaded, and the app shell is cached, before the signal goes.
  await expect(page.getByRole("button", { name: "Pass the rest" })).toBeVisible();
  await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
  await ctx.setOffline(true);
  await expect(page.getByText(/^Offline/)).toBeVisible();
  await page.getByRole("button", { name: "Pass the rest" }).click();
  await page.getByLabel(/I observed/).check();
  await page.getByRole("button", { name: "Sign the evaluation" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Evaluation queue" })).toBeVisible();
  const pending = page.locator("li.card", { has: page.locator(".badge-pending") });
  await expect(pending).toHaveCount(1);
  await expect(page.getByText("1 item is waiting to be sent.")).toBeVisible();
  await check(page, "queue with a pending sign-off");
  // The app shell opens with no signal (service worker), and the sign-off is still queued (IndexedDB).
  await page.reload();
  await expect(pending).toHaveCount(1);
  expect(delivered).toEqual([]);

  await ctx.setOffline(false);
  await expect(pending).toHaveCount(0);
  await expect(page.getByText(/waiting to be sent/)).toHaveCount(0);
  expect(delivered).toEqual([201]);

  // The record is signed once; opening the app again sends nothing more.
  await page.goto(base() + `/app/attempts/${attemptId}`);
  await expect(page.locator(".result-line .badge-passed")).toBeVisible();
  await page.goto(base() + "/app/queue");
  await expect(page.getByRole("heading", { level: 1, name: "Evaluation queue" })).toBeVisible();
  expect(delivered).toEqual([201]);
  await ctx.close();
});

test("a sign-off whose answer is lost on the way back is retried with its key and recorded once", async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, INSTRUCTOR, "Evaluation queue");
  const first = page.locator("main a.card").first();
  const attemptId = (await first.getAttribute("href"))!.split("/").pop()!;
  await first.click();
  await expect(page.getByRole("button", { name: "Pass the rest" })).toBeVisible();

  // The first POST reaches the server, which records the sign-off; its answer never reaches the phone.
  const sent: { key: string; evaluationId?: string; status: number }[] = [];
  await page.route(`**/v1/attempts/${attemptId}/evaluations`, async (route) => {
    const r = await route.fetch();
    const body = (await r.json()) as { evaluation?: { id: string } };
    sent.push({ key: route.request().headers()["idempotency-key"], evaluationId: body.evaluation?.id, status: r.status() });
    if (sent.length === 1) await route.abort("connectionreset");
    else await route.fulfill({ response: r });
  });
  await page.getByRole("button", { name: "Pass the rest" }).click();
  await page.getByLabel(/I observed/).check();
  await page.getByRole("button", { name: "Sign the evaluation" }).click();
  await expect.poll(() => sent.length).toBe(1);
  await expect(page.locator("li.card", { has: page.locator(".badge-pending") })).toHaveCount(1);

  // The app tries again (here: when the window regains focus) with the same Idempotency-Key.
  await expect
    .poll(async () => {
      await page.evaluate(() => window.dispatchEvent(new Event("focus")));
      return sent.length;
    })
    .toBe(2);
  await expect(page.locator("li.card", { has: page.locator(".badge-pending") })).toHaveCount(0);
  expect(sent.length).toBe(2);
  expect(sent[1].key).toBe(sent[0].key);
  expect(sent[1].status).toBe(sent[0].status);
  expect(sent[1].evaluationId).toBe(sent[0].evaluationId);
  await page.unroute(`**/v1/attempts/${attemptId}/evaluations`);
  await page.goto(base() + `/app/attempts/${attemptId}`);
  await expect(page.locator(".result-line .badge-passed")).toBeVisible();
  await ctx.close();
});

test("a practice log and an evaluation request made offline are sent once, when back online", async ({ browser }) => {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await signIn(page, STUDENT, "My skills");
  const card = page.locator("a.card", { has: page.locator(".badge-not-started") }).first();
  const title = (await card.locator(".card-title").textContent())!.trim();
  await card.click();
  await expect(page.getByRole("button", { name: "Request an evaluation" })).toBeVisible();
  const sent: number[] = [];
  page.on("response", (r) => {
    if (r.url().endsWith("/v1/attempts") && r.request().method() === "POST") sent.push(r.status());
  });

  await ctx.setOffline(true);
  await page.getByRole("button", { name: "I practised this skill" }).click();
  await page.getByRole("button", { name: "Request an evaluation" }).click();
  await expect(page.getByText(/saved on this phone and will be sent/)).toBeVisible();
  await expect(page.getByText("1 practice log saved on this phone, sent when you have signal.")).toBeVisible();
  await page.getByRole("link", { name: "Back" }).click();
  await expect(page.getByText("Showing what this phone last saw.")).toBeVisible();
  await expect(page.locator("a.card", { hasText: title }).locator(".badge-pending")).toBeVisible();
  await check(page, "student dashboard, offline");
  expect(sent).toEqual([]);

  await ctx.setOffline(false);
  await expect(page.getByText(/waiting to be sent/)).toHaveCount(0);
  await expect(page.locator("a.card", { hasText: title }).locator(".badge-awaiting-evaluation")).toBeVisible();
  expect(sent).toEqual([201, 201]);
  await page.locator("a.card", { hasText: title }).click();
  await expect(page.getByText(/an instructor will evaluate you/)).toBeVisible();
  await expect(page.locator("a.card .badge-practiced")).toHaveCount(1);
  await expect(page.locator("a.card .badge-requested")).toHaveCount(1);
  expect(sent).toEqual([201, 201]);
  await ctx.close();
});

test("an instructor returns a request with a comment, the student sees it returned", async ({ browser }) => {
  const studentCtx = await browser.newContext();
  const student = await studentCtx.newPage();
  await signIn(student, STUDENT, "My skills");
  const card = student.locator("a.card", { has: student.locator(".badge-not-started") }).first();
  const title = (await card.locator(".card-title").textContent())!.trim();
  await card.click();
  await student.getByRole("button", { name: "I practised this skill" }).click();
  await expect(student.locator("a.card .badge-practiced")).toHaveCount(1);
  await student.getByRole("button", { name: "Request an evaluation" }).click();
  await expect(student.getByText(/an instructor will evaluate you/)).toBeVisible();

  const instructorCtx = await browser.newContext();
  const instructor = await instructorCtx.newPage();
  await signIn(instructor, INSTRUCTOR, "Evaluation queue");
  const item = instructor.locator("a.card", { hasText: title }).filter({ hasText: "Sam Student" });
  await openFromQueue(instructor, item);
  await item.first().click();
  await instructor.getByRole("button", { name: "Return without grading" }).click();
  await expect(instructor.getByRole("alert")).toContainText("Say why");
  await instructor.getByLabel("Comment for the student").fill("Practise the patient identification twice more first.");
  await instructor.getByRole("button", { name: "Return without grading" }).click();
  await expect(instructor.getByRole("heading", { level: 1, name: "Evaluation queue" })).toBeVisible();
  await expect(instructor.getByText(/waiting to be sent/)).toHaveCount(0);

  await student.reload();
  const returned = student.locator("a.card", { has: student.locator(".badge-returned") }).first();
  await expect(returned).toBeVisible();
  await expect(student.getByRole("button", { name: "Request an evaluation" })).toBeVisible();
  const skillPath = new URL(student.url()).pathname;
  await returned.click();
  await expect(student.getByText("Practise the patient identification twice more first.")).toBeVisible();

  // A remediation plan the instructor records shows on the skill.
  const me = (await (await fetch(`${base()}/v1/me`, { headers: { Authorization: `Bearer ${await emulatorToken(STUDENT)}` } })).json()) as { id: string };
  const plan = await fetch(`${base()}/v1/students/${me.id}/remediations`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${await emulatorToken(INSTRUCTOR)}` },
    body: JSON.stringify({ checklistId: decodeURIComponent(skillPath.split("/").pop()!), plan: "Review the lab video, then practise twice with a peer." }),
  });
  expect(plan.status).toBe(201);
  await student.goto(base() + skillPath);
  await expect(student.getByRole("heading", { name: "Remediation plan" })).toBeVisible();
  await expect(student.getByText("Review the lab video, then practise twice with a peer.")).toBeVisible();
  await check(student, "skill with a remediation plan");
  await studentCtx.close();
  await instructorCtx.close();
});

test("a student logs a procedure, the instructor confirms it, it counts", async ({ browser }) => {
  const studentCtx = await browser.newContext();
  const student = await studentCtx.newPage();
  await signIn(student, STUDENT, "My skills");
  await student.getByRole("link", { name: "Progress" }).click();
  await expect(student.getByRole("heading", { level: 1, name: "My progress" })).toBeVisible();
  await student.getByLabel("Procedure").selectOption("venipuncture");
  await student.getByLabel("Where (optional)").fill("Skills lab 2");
  await student.getByRole("button", { name: "Log it" }).click();
  const logged = student.locator("li.card", { hasText: "Venipuncture" }).filter({ has: student.locator(".badge-to-confirm") });
  await expect(logged).toHaveCount(1);
  await student.evaluate(() => window.scrollTo(0, 0));
  await student.screenshot({ path: `${shots}/student-progress.png` });
  await check(student, "progress");

  const instructorCtx = await browser.newContext();
  const instructor = await instructorCtx.newPage();
  await signIn(instructor, INSTRUCTOR, "Evaluation queue");
  await instructor.getByRole("link", { name: "Reviews" }).click();
  await expect(instructor.getByRole("heading", { level: 1, name: "Reviews" })).toBeVisible();
  const item = instructor.locator("li.card", { hasText: "Sam Student: Venipuncture" }).filter({ hasText: "Skills lab 2" });
  await expect(item).toHaveCount(1);
  await instructor.screenshot({ path: `${shots}/instructor-review-procedure.png` });
  await check(instructor, "reviews with the logged procedure");
  await item.getByRole("button", { name: "Confirm" }).click();
  await expect(instructor.getByRole("status").filter({ hasText: "Confirmed: Sam Student's Venipuncture" })).toBeVisible();
  await expect(item).toHaveCount(0);

  await instructor.getByRole("link", { name: "Cohorts" }).click();
  await expect(instructor.getByRole("heading", { level: 1, name: "Cohort progress" })).toBeVisible();
  await check(instructor, "cohort list");
  await instructor.getByRole("link", { name: /MA Nov 2026 Evening/ }).click();
  await expect(instructor.getByRole("heading", { level: 1, name: "MA Nov 2026 Evening" })).toBeVisible();
  const sam = instructor.locator("li.card", { hasText: "Sam Student" });
  await expect(instructor.locator("main li.card").first()).toBeVisible();
  while (!(await sam.count())) await instructor.getByRole("button", { name: "Show more students" }).click();
  await expect(sam).toContainText("Venipuncture 1/30");
  await instructor.screenshot({ path: `${shots}/instructor-cohort-progress.png` });
  await check(instructor, "cohort progress");

  await student.reload();
  await expect(student.locator("li.card", { hasText: "Venipuncture" }).filter({ has: student.locator(".badge-confirmed") })).toHaveCount(1);
  await expect(student.getByText(/Venipuncture\s+1 of 30/)).toBeVisible();
  await studentCtx.close();
  await instructorCtx.close();
});

test("a student checks themselves against the steps and logs the practice with their marks", async ({ page }) => {
  await signIn(page, STUDENT, "My skills");
  await page.locator("a.card", { has: page.locator(".badge-not-started") }).first().click();
  await page.getByRole("button", { name: "Check myself against the steps" }).click();
  const boxes = page.getByLabel("I did this step right");
  const n = await boxes.count();
  expect(n).toBeGreaterThan(2);
  await boxes.nth(0).check();
  await boxes.nth(1).check();
  await check(page, "self-check");
  await page.getByRole("button", { name: `Log this practice (2 of ${n} steps right)` }).click();
  const practice = page.locator("a.card", { has: page.locator(".badge-practiced") });
  await expect(practice).toHaveCount(1);
  await practice.click();
  await expect(page.locator(".steps .grade .badge-pass")).toHaveCount(2);
  await expect(page.locator(".steps .grade .badge-fail")).toHaveCount(n - 2);
});

test("admin start page", async ({ page }) => {
  await signIn(page, ADMIN, "Program admin");
  await check(page, "admin");
});
