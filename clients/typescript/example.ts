// Compiled with the client (tsc --strict): it shows the client in use, and
// fails the build when the types stop fitting the API.
import { Skillbook } from "./client";

export async function example(token: () => Promise<string>): Promise<string[]> {
  const api = new Skillbook({ baseUrl: "https://skillbook.example.edu", token });

  const me = await api.get("/v1/me");
  if (!me.ok) throw new Error(me.problem.detail ?? me.problem.title);

  const attempt = await api.post("/v1/attempts", {
    body: { id: "0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f", checklistId: "bp-manual", kind: "evaluation" },
    headers: { "Idempotency-Key": "0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f" },
  });
  if (attempt.ok && attempt.data.status === "requested") {
    await api.get("/v1/attempts/{id}", { path: { id: attempt.data.id } });
  }

  const passed: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await api.get("/v1/me/attempts", { query: { status: "passed", from: "2026-01-01", cursor, limit: 50 } });
    if (!page.ok) break;
    for (const a of page.data.items ?? []) passed.push(a.checklistId);
    cursor = page.data.nextCursor;
  } while (cursor);

  const transcript = await api.get("/v1/students/{id}/transcript.pdf", { path: { id: "0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f" } });
  if (transcript.ok) passed.push(`${transcript.data.size} bytes of ${transcript.data.type}`);

  const byEval = await api.get("/v1/evaluations/{id}", { path: { id: "0193d2a4-7c3e-7b1a-9f00-5a1b2c3d4e5f" } });
  if (!byEval.ok && byEval.status === 404) passed.push(byEval.problem.type ?? "");
  return passed;
}
