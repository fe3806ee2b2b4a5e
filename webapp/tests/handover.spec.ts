// The PIN hand-over on a phone against the real server: the instructor sets
// a signing PIN in their own session; in the student's session the student
// requests an evaluation and hands the phone over; the instructor chooses
// themselves from the instructors of the student's cohort, grades, attests
// and signs with the PIN (a wrong PIN is
// refused in front of them); the phone goes back to the student on the
// signed result, and the instructor's own feed tells them of the sign-off.
import { expect, test } from "@playwright/test";
import { INSTRUCTOR, check, shots, signIn } from "./helpers";

const STUDENT3 = "student3@demo.skillbook.test"; // Jordan Student, taught by the demo instructor
const PIN = "482916";

test("an instructor signs on the student's phone with their PIN, then it returns to the student", async ({ browser }) => {
  const instructorCtx = await browser.newContext();
  const instructor = await instructorCtx.newPage();
  await signIn(instructor, INSTRUCTOR, "Evaluation queue");
  await instructor.getByRole("link", { name: "Reviews" }).click();
  await instructor.getByRole("link", { name: "Your signing PIN" }).click();
  await expect(instructor.getByRole("heading", { level: 1, name: "Signing PIN" })).toBeVisible();
  await check(instructor, "signing PIN");
  await instructor.getByLabel(/PIN \(6 to 12 digits\)/).fill(PIN);
  await instructor.getByLabel("The same PIN again").fill("482917");
  await instructor.getByRole("button", { name: "Set the PIN" }).click();
  await expect(instructor.getByRole("alert")).toContainText("differ");
  await instructor.getByLabel("The same PIN again").fill(PIN);
  await instructor.getByRole("button", { name: "Set the PIN" }).click();
  await expect(instructor.getByRole("status").filter({ hasText: "Your signing PIN is set" })).toBeVisible();
  await instructor.screenshot({ path: `${shots}/instructor-signing-pin.png`, fullPage: true });
  await expect(instructor.locator("#instructor-code")).not.toBeEmpty();

  // The student requests an evaluation of a skill not started.
  const studentCtx = await browser.newContext();
  const student = await studentCtx.newPage();
  const chunks: string[] = [];
  student.on("request", (r) => void (r.url().includes("/app/assets/") && chunks.push(r.url())));
  await signIn(student, STUDENT3, "My skills");
  const card = student.locator("a.card", { has: student.locator(".badge-not-started") }).first();
  const title = (await card.locator(".card-title").textContent())!.trim();
  await card.click();
  await student.getByRole("button", { name: "I practised this skill" }).click();
  await expect(student.locator("a.card .badge-practiced")).toHaveCount(1);
  await student.getByRole("button", { name: "Request an evaluation" }).click();
  await expect(student.getByText(/an instructor will evaluate you/)).toBeVisible();

  // Hand-over: the "Sign here" tab lists the open request.
  await student.getByRole("link", { name: "Sign here" }).click();
  await expect(student.getByRole("heading", { level: 1, name: "Sign here" })).toBeVisible();
  await check(student, "sign here");
  await student.locator("a.card", { hasText: title }).click();
  await expect(student.getByRole("heading", { level: 1, name: "Hand-over" })).toBeVisible();
  await check(student, "hand-over start");
  await student.getByRole("button", { name: "I am the instructor" }).click();
  await expect(student.getByRole("heading", { level: 1, name: "Instructor signing" })).toBeVisible();
  await expect(student.getByText(/Instructor mode/)).toBeVisible();
  await student.screenshot({ path: `${shots}/handover-who.png` });
  await check(student, "hand-over: who is signing");
  // The instructors of the student's cohort are listed: no code to type.
  await expect(student.getByLabel(/instructor code/)).toHaveCount(0);
  await student.getByRole("button", { name: "Ian Instructor, CMA (AAMA)" }).click();

  await student.getByRole("button", { name: "Continue to sign" }).click();
  await expect(student.getByRole("alert")).toContainText("Grade every step");
  await student.getByRole("button", { name: "Pass the rest" }).click();
  await student.getByLabel("Comment for the student").fill("Signed on your phone: well done.");
  await student.getByLabel(/I observed Jordan Student/).check();
  await student.evaluate(() => window.scrollTo(0, 0));
  await check(student, "hand-over: grading");
  await student.getByRole("button", { name: "Continue to sign" }).click();
  await expect(student.getByLabel("Your signing PIN")).toBeVisible();
  await student.screenshot({ path: `${shots}/handover-pin.png` });
  await check(student, "hand-over: PIN");

  // A wrong PIN is refused in front of the instructor, with the device header sent.
  const wrong = student.waitForResponse((r) => r.url().includes("/evaluations") && r.request().method() === "POST");
  await student.getByLabel("Your signing PIN").fill("000111");
  await student.getByRole("button", { name: "Sign the evaluation" }).click();
  const refused = await wrong;
  expect(refused.status()).toBe(403);
  expect(refused.request().headers()["skillbook-device"]).toMatch(/^web-[0-9a-f-]{36}$/);
  await expect(student.getByRole("alert")).toBeVisible();
  await expect(student.getByLabel("Your signing PIN")).toHaveValue("");

  const right = student.waitForResponse((r) => r.url().includes("/evaluations") && r.request().method() === "POST");
  await student.getByLabel("Your signing PIN").fill(PIN);
  await student.getByRole("button", { name: "Sign the evaluation" }).click();
  expect((await right).status()).toBe(201);
  await expect(student.getByRole("status").filter({ hasText: "Hand the phone back to Jordan Student" })).toBeVisible();
  await expect(student.getByText(/Signed by Ian Instructor/)).toBeVisible();
  await student.screenshot({ path: `${shots}/handover-done.png` });
  await check(student, "hand-over: signed");

  // The student's phone never loads the admin's and instructor's pages (lazy.tsx).
  expect(chunks.filter((u) => u.includes("/AdminPages-"))).toEqual([]);

  // Back to the student: the signed result, and no open request left to hand over.
  await student.getByRole("button", { name: "Back to Jordan Student" }).click();
  await expect(student.getByRole("heading", { level: 1, name: title })).toBeVisible();
  await expect(student.locator(".result-line .badge-passed")).toBeVisible();
  await expect(student.getByText("Signed on your phone: well done.")).toBeVisible();
  await student.getByRole("link", { name: "Sign here" }).click();
  await expect(student.locator("a.card", { hasText: title })).toHaveCount(0);

  // The next hand-over on this phone lists the instructor again; cancelling hands it back.
  await student.getByRole("link", { name: "Skills", exact: true }).click();
  const next = student.locator("a.card", { has: student.locator(".badge-not-started") }).first();
  const nextTitle = (await next.locator(".card-title").textContent())!.trim();
  await next.click();
  await student.getByRole("button", { name: "I practised this skill" }).click();
  await expect(student.locator("a.card .badge-practiced")).toHaveCount(1);
  await student.getByRole("button", { name: "Request an evaluation" }).click();
  await expect(student.getByText(/an instructor will evaluate you/)).toBeVisible();
  // This time from the open request's own page.
  await student.locator("a.card", { has: student.locator(".badge-requested") }).first().click();
  await student.getByRole("link", { name: "Hand to instructor to sign here" }).click();
  await expect(student.getByRole("heading", { level: 1, name: "Hand-over" })).toBeVisible();
  await expect(student.getByText(nextTitle)).toBeVisible();
  await student.getByRole("button", { name: "I am the instructor" }).click();
  await student.getByRole("button", { name: "Ian Instructor, CMA (AAMA)" }).click();
  await expect(student.getByRole("button", { name: "Pass the rest" })).toBeVisible();
  await student.getByRole("button", { name: "Cancel and hand back" }).click();
  await expect(student.getByRole("heading", { level: 1, name: "Sign here" })).toBeVisible();
  await expect(student.locator("a.card", { hasText: nextTitle })).toBeVisible();

  // The instructor's own feed tells them their PIN signed.
  await instructor.getByRole("link", { name: "Inbox" }).click();
  await expect(instructor.getByText(/Signed with your PIN/).first()).toBeVisible();
  await expect(instructor.getByText(new RegExp(`Jordan Student, ${title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: passed`)).first()).toBeVisible();
  await studentCtx.close();
  await instructorCtx.close();
});
