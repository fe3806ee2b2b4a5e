// An invited person's first sign-in: the admin invites an email (API), the
// person makes their account in the app, verifies the email (the auth
// emulator's out-of-band link), and lands on their start page.
import { expect, test } from "@playwright/test";
import { ADMIN, base, emulatorToken, expectAccessible } from "./helpers";

const emulator = () => `http://${process.env.FIREBASE_AUTH_EMULATOR_HOST}`;

test("an invited student makes an account, verifies the email and signs in", async ({ page }) => {
  const email = `invited-${Date.now()}@demo.skillbook.test`;
  const auth = { Authorization: `Bearer ${await emulatorToken(ADMIN)}` };
  const cohorts = (await (await fetch(`${base()}/v1/cohorts`, { headers: auth })).json()) as { items: { id: string }[] };
  const invite = await fetch(`${base()}/v1/users`, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...auth },
    body: JSON.stringify({ email, name: "Ivy Invited", role: "student", cohortIds: [cohorts.items[0].id] }),
  });
  expect(invite.status, await invite.clone().text()).toBe(201);

  await page.goto(base() + "/app/");
  await page.getByRole("button", { name: "First time here with an invitation?" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Choose a password").fill("a-new-password");
  await page.getByRole("button", { name: "Create my account" }).click();
  await expect(page.getByRole("heading", { name: "Verify your email" })).toBeVisible();
  await expectAccessible(page, "verify email");

  // Not yet verified: the app says so.
  await page.getByRole("button", { name: /I have verified it/ }).click();
  await expect(page.getByText("The email is not verified yet.")).toBeVisible();

  // Follow the link the emulator "sent".
  const codes = (await (await fetch(`${emulator()}/emulator/v1/projects/demo-skillbook/oobCodes`)).json()) as {
    oobCodes: { email: string; requestType: string; oobLink: string }[];
  };
  const code = codes.oobCodes.find((c) => c.email === email && c.requestType === "VERIFY_EMAIL");
  expect(code, "a verification email for the invited address").toBeTruthy();
  expect((await fetch(code!.oobLink)).ok).toBe(true);

  await page.getByRole("button", { name: /I have verified it/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "My skills" })).toBeVisible();
  await expect(page.locator(".who")).toHaveText("Ivy Invited");
});

test("a student signs in with an email link", async ({ page }) => {
  const email = "student2@demo.skillbook.test";
  await page.goto(base() + "/app/");
  await page.getByRole("button", { name: "Email me a sign-in link instead" }).click();
  await page.getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Email me a sign-in link" }).click();
  await expect(page.getByRole("status")).toContainText(`We sent a sign-in link to ${email}`);
  await expectAccessible(page, "email-link sign-in");

  // The link as the app receives it: its own address with the emulator's code.
  const codes = (await (await fetch(`${emulator()}/emulator/v1/projects/demo-skillbook/oobCodes`)).json()) as {
    oobCodes: { email: string; requestType: string; oobLink: string }[];
  };
  const code = codes.oobCodes.filter((c) => c.email === email && c.requestType === "EMAIL_SIGNIN").pop();
  expect(code, "a sign-in email").toBeTruthy();
  const link = new URL(code!.oobLink);
  const app = new URL(link.searchParams.get("continueUrl")!);
  for (const k of ["mode", "oobCode", "apiKey", "lang"]) app.searchParams.set(k, link.searchParams.get(k)!);
  await page.goto(app.toString());
  await expect(page.getByRole("heading", { level: 1, name: "My skills" })).toBeVisible();
  await expect(page.locator(".who")).toHaveText("Riley Student");
  expect(new URL(page.url()).search).toBe("");
});
