// The admin pages on a phone against the real server: a cohort is created,
// a roster with one bad row is checked (the dry run names the row and why)
// and imported; the skills matrix is downloaded as CSV (its rows parse) and
// as XLSX through an export job (the workbook opens); invitations,
// assignments, the checklist library and the audit chain; the instructor's
// reviews and cohort progress. axe-core and touch targets on every page.
import { expect, test, type Page } from "@playwright/test";
import { ADMIN, INSTRUCTOR, check, shots, signIn } from "./helpers";
import { bytesOf, parseCSV, unzip } from "./files";


async function open(page: Page, link: string, heading: string) {
  await page.getByRole("link", { name: new RegExp(`^${link}`) }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: heading })).toBeVisible();
}

test("an admin creates a cohort and imports a roster with one bad row after a dry run", async ({ page }) => {
  await signIn(page, ADMIN, "Program admin");
  await page.screenshot({ path: `${shots}/admin-home.png` });
  await check(page, "admin home");

  const cohort = `Evening ${Date.now() % 100000}`;
  await open(page, "Cohorts", "Cohorts");
  await page.getByLabel("Name").fill(cohort);
  await page.getByLabel("Starts").fill("2027-01-11");
  await page.getByLabel("Ends (optional)").fill("2027-12-17");
  await page.getByRole("button", { name: "Create cohort" }).click();
  await expect(page.getByRole("status")).toContainText(`Created ${cohort}`);
  await expect(page.locator("li.card", { hasText: cohort })).toBeVisible();
  await check(page, "cohorts");

  await page.getByRole("link", { name: "Back" }).click();
  await open(page, "Roster import", "Roster import");
  await check(page, "roster import");
  const tag = Date.now().toString(36);
  const csv = [
    "email,name,role,cohort,credential",
    `ana.${tag}@example.test,Ana Alvarez,student,${cohort},`,
    `bo.${tag}@example.test,Bo Brown,nurse,${cohort},`,
    `cy.${tag}@example.test,Cy Chen,instructor,${cohort},CMA (AAMA)`,
  ].join("\n");
  await page.getByLabel("Roster file").setInputFiles({ name: "roster.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
  await expect(page.getByLabel("Or paste it")).toHaveValue(csv);
  await page.getByRole("button", { name: "Check the file (dry run)" }).click();
  await expect(page.getByRole("heading", { name: "Dry run: nothing written yet" })).toBeVisible();
  const bad = page.locator("tr.rejected");
  await expect(bad).toHaveCount(1);
  await expect(bad.locator("td").first()).toHaveText("3");
  await expect(bad).toContainText(`bo.${tag}@example.test`);
  await expect(bad).toContainText(/Rejected: .*role/i);
  await expect(page.locator("tr.created")).toHaveCount(2);
  await page.screenshot({ path: `${shots}/admin-roster-dry-run.png`, fullPage: true });
  await check(page, "roster dry run");

  await page.getByRole("button", { name: "Import 2 rows" }).click();
  await expect(page.getByRole("heading", { name: "Imported" })).toBeVisible();
  await expect(page.locator(".counts")).toContainText("2 new");
  await expect(page.locator(".counts")).toContainText("1 rejected");

  // The imported people are invitations until they sign in.
  await page.goto(page.url().replace(/\/app\/.*/, "/app/admin/people"));
  await expect(page.getByRole("heading", { level: 1, name: "Invitations" })).toBeVisible();
  await expect(page.locator("li.card", { hasText: `ana.${tag}@example.test` })).toBeVisible();
  await page.getByLabel("Email").fill(`dee.${tag}@example.test`);
  await page.getByLabel("Name").fill("Dee Diaz");
  await page.getByLabel("Cohort", { exact: true }).selectOption({ label: cohort });
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Invited Dee Diaz" })).toBeVisible();
  await expect(page.locator("li.card", { hasText: `dee.${tag}@example.test` })).toContainText(cohort);
  await page.screenshot({ path: `${shots}/admin-invitations.png`, fullPage: true });
  await check(page, "invitations");

  // Assign a whole area to the new cohort with a due date.
  await page.goto(page.url().replace(/\/app\/.*/, "/app/admin/assignments"));
  await expect(page.getByRole("heading", { level: 1, name: "Assignments" })).toBeVisible();
  await page.getByLabel("Cohort").selectOption({ label: cohort });
  await expect(page.getByText("Nothing assigned to this cohort yet.")).toBeVisible();
  await page.getByLabel("Assign").selectOption({ label: "Vital signs (all)" });
  await page.getByLabel("Due date").fill("2027-03-01");
  await page.getByRole("button", { name: "Assign to the cohort" }).click();
  await expect(page.getByRole("status").filter({ hasText: /Assigned \d+/ })).toBeVisible();
  await expect(page.locator("li.card", { hasText: "due Mar 1, 2027" }).first()).toBeVisible();
  await page.screenshot({ path: `${shots}/admin-assignments.png` });
  await check(page, "assignments");
});

test("an admin exports the skills matrix as CSV now and as XLSX through a job, a transcript and the Master Competency Checklist", async ({ page }) => {
  await signIn(page, ADMIN, "Program admin");
  await open(page, "Exports", "Exports");
  await expect(page.getByLabel("Cohort")).toBeVisible();
  await page.screenshot({ path: `${shots}/admin-exports.png` });
  await check(page, "exports");

  // Directly: the CSV's rows parse, a header and one row per student, all as wide.
  const csvDownload = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download now" }).click();
  const csvFile = await csvDownload;
  expect(csvFile.suggestedFilename()).toMatch(/\.csv$/);
  const rows = parseCSV((await bytesOf(csvFile)).toString("utf8")).filter((r) => r.some((f) => f !== ""));
  expect(rows.length, "matrix rows").toBeGreaterThan(1);
  expect(rows[0].length, "matrix columns").toBeGreaterThan(2);
  for (const r of rows) expect(r.length).toBe(rows[0].length);
  await expect(page.getByRole("status").filter({ hasText: /Saved .*\.csv/ })).toBeVisible();

  // As a job: progress, then a download link; the workbook opens.
  await page.getByLabel("What").selectOption({ label: "Skills matrix (XLSX)" });
  await page.getByRole("button", { name: "Start an export job" }).click();
  const job = page.locator("li.job").first();
  await expect(job).toContainText("Skills matrix (XLSX)");
  await expect(job.locator(".pct")).toHaveText("Done");
  await expect(job.locator("progress")).toHaveAttribute("value", "100");
  await page.screenshot({ path: `${shots}/admin-exports-job.png`, fullPage: true });
  await check(page, "exports with a finished job");
  const xlsxDownload = page.waitForEvent("download");
  await job.getByRole("button", { name: /^Download / }).click();
  const xlsx = await xlsxDownload;
  expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/);
  const files = unzip(await bytesOf(xlsx));
  expect(files.has("[Content_Types].xml")).toBe(true);
  const workbook = files.get("xl/workbook.xml")!.toString("utf8");
  expect(workbook).toMatch(/<sheet /);
  const sheets = [...files.keys()].filter((n) => /^xl\/worksheets\/sheet\d+\.xml$/.test(n));
  expect(sheets.length).toBeGreaterThan(0);
  const sheet = files.get(sheets[0])!.toString("utf8");
  expect((sheet.match(/<row /g) ?? []).length, "rows in the first sheet").toBeGreaterThan(1);

  // One student's transcript, now: a PDF.
  await page.getByLabel("What").selectOption({ label: "One student's transcript (PDF)" });
  await expect(page.getByLabel("Student")).toBeVisible();
  const pdfDownload = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download now" }).click();
  const pdf = await bytesOf(await pdfDownload);
  expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  await check(page, "exports: one student's transcript");

  // The cohort's Master Competency Checklist, now: a PDF naming the framework.
  await page.getByLabel("What").selectOption({ label: "Master Competency Checklist (PDF)" });
  await expect(page.getByLabel("Student")).toBeHidden();
  const mccDownload = page.waitForEvent("download");
  await page.getByRole("button", { name: "Download now" }).click();
  const mcc = await bytesOf(await mccDownload);
  expect(mcc.subarray(0, 5).toString("latin1")).toBe("%PDF-");
  expect(mcc.length, "a cohort's checklist has pages").toBeGreaterThan(10_000);
});

test("an admin looks through the checklist library and checks the audit chain", async ({ page }) => {
  await signIn(page, ADMIN, "Program admin");
  await open(page, "Checklists", "Checklists");
  await expect(page.getByRole("status").filter({ hasText: /\d+ of \d+ checklists/ })).toBeVisible();
  await check(page, "checklists");
  const first = page.locator("li.card").first();
  const title = (await first.locator(".card-title").textContent())!.trim();
  await first.getByRole("button", { name: "Draft next version" }).click();
  await first.getByRole("button", { name: "Versions" }).click();
  const versions = page.getByRole("list", { name: `Versions of ${title}` });
  const draft = versions.locator("li", { has: page.locator(".badge-draft") });
  await expect(draft).toHaveCount(1);
  await page.screenshot({ path: `${shots}/admin-checklist-versions.png` });
  await check(page, "checklist versions");

  // Edit the draft: a new title and one more step, saved with If-Match; then publish it from the library.
  const steps = Number((await first.locator(".card-meta").textContent())!.match(/(\d+) steps/)![1]);
  await draft.getByRole("link", { name: /^Edit v\d+/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: new RegExp(`v\\d+$`) })).toBeVisible();
  await page.getByLabel("Title").fill(`${title} (our program)`);
  await page.getByRole("button", { name: "Add a step" }).click();
  await page.getByLabel(`Step ${steps + 1}`, { exact: true }).fill("Document the procedure in the patient's record.");
  await page.getByRole("button", { name: "Save the draft" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Draft saved." })).toBeVisible();
  await expect(page.getByLabel(`Step ${steps + 1}`, { exact: true })).toHaveValue("Document the procedure in the patient's record.");
  await page.screenshot({ path: `${shots}/admin-checklist-draft.png` });
  await check(page, "checklist draft");
  await page.getByRole("link", { name: "Back" }).click();
  const mine = page.locator("li.card", { hasText: title }).first();
  await mine.getByRole("button", { name: "Versions" }).click();
  const edited = page.getByRole("list", { name: `Versions of ${title}` }).locator("li", { has: page.locator(".badge-draft") });
  await edited.getByRole("button", { name: /^Publish v\d+/ }).click();
  const published = page.locator("li.card", { hasText: `${title} (our program)` });
  await expect(published).toContainText("program's own");
  await expect(published).toContainText(`${steps + 1} steps`);

  await page.goto(page.url().replace(/\/app\/.*/, "/app/admin/audit"));
  await expect(page.getByRole("heading", { level: 1, name: "Audit trail" })).toBeVisible();
  await expect(page.locator("li.card").first()).toBeVisible();
  const before = await page.locator("li.card").count();
  expect(before).toBe(25);
  await page.getByRole("button", { name: "Older entries" }).click();
  await expect(page.locator("li.card")).toHaveCount(50);
  await page.getByRole("button", { name: "Check the chain" }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Intact: \d+ entries/ })).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, 0));
  await page.screenshot({ path: `${shots}/admin-audit.png` });
  await check(page, "audit trail");
});

test("an instructor reviews procedures and hours and sees cohort progress", async ({ page }) => {
  await signIn(page, INSTRUCTOR, "Evaluation queue");
  await page.getByRole("link", { name: "Reviews" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Reviews" })).toBeVisible();
  await expect(page.getByRole("heading", { name: /^Procedures \(\d+\)/ })).toBeVisible();
  await page.screenshot({ path: `${shots}/instructor-reviews.png` });
  await check(page, "reviews");
  const pending = page.locator("li.card");
  const n = await pending.count();
  expect(n, "the demo has procedures or hours waiting").toBeGreaterThan(0);
  const first = pending.first();
  const who = (await first.locator(".card-title").textContent())!.split(":")[0];
  await first.getByRole("button", { name: "Reject…" }).click();
  await first.getByRole("button", { name: "Reject", exact: true }).click();
  await expect(first.getByRole("alert")).toContainText("Say why");
  await first.getByRole("button", { name: "Cancel" }).click();
  await first.getByRole("button", { name: "Confirm" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Confirmed: ${who}` })).toBeVisible();
  await expect(pending).toHaveCount(n - 1);
  const second = pending.first();
  const whose = (await second.locator(".card-title").textContent())!.split(":")[0];
  await second.getByRole("button", { name: "Reject…" }).click();
  await second.getByLabel("Why it is not confirmed").fill("No preceptor signature on the log sheet.");
  await second.getByRole("button", { name: "Reject", exact: true }).click();
  await expect(page.getByRole("status").filter({ hasText: `Rejected: ${whose}` })).toBeVisible();
  await expect(pending).toHaveCount(n - 2);
  await page.getByRole("link", { name: "Cohort progress" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Cohort progress" })).toBeVisible();
  await page.locator("a.card").first().click();
  await expect(page.locator("li.card").first()).toBeVisible();
  await expect(page.locator("li.card").first()).toContainText(/\d+ of \d+ skills competent/);
  await expect(page.getByText(/assigned checklists · as of/)).toBeVisible();
  await page.screenshot({ path: `${shots}/instructor-progress.png` });
  await check(page, "cohort progress");
});
