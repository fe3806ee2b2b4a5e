import { render } from "preact";
import { useEffect } from "preact/hooks";
import "./styles.css";
import { loadConfig } from "./config";
import { startAuth } from "./auth";
import { startOutbox } from "./outbox";
import { interceptLinks, match, navigate, usePath } from "./router";
import { home, routes } from "./routes";
import { userChanged, useSession, type Role } from "./session";
import { SignIn } from "./pages/SignIn";
import { Frame } from "./ui";

function App() {
  const s = useSession();
  const path = usePath();
  const role = s.me?.role as Role | undefined;
  const target = path === "/app/" || path === "/app" || path === "/app/index.html";
  useEffect(() => {
    if (s.state === "in" && role && target) navigate(home[role], true);
  }, [s.state, role, target]);

  if (s.state === "starting")
    return (
      <p class="boot" role="status">
        Loading Skillbook…
      </p>
    );
  if (s.state !== "in") return <SignIn />;
  for (const r of routes) {
    const params = match(r.path, path);
    if (!params) continue;
    if (r.roles && !(role && r.roles.includes(role)))
      return (
        <Frame title="Not for your role">
          <p>This page is not part of your role. <a href="/app/">Go to your start page</a>.</p>
        </Frame>
      );
    return <r.page params={params} />;
  }
  if (target) return null;
  return (
    <Frame title="Page not found">
      <p>
        There is nothing here. <a href="/app/">Go to your start page</a>.
      </p>
    </Frame>
  );
}

async function start() {
  const root = document.getElementById("root")!;
  interceptLinks();
  try {
    const cfg = await loadConfig();
    startAuth(cfg, (u) => void userChanged(u));
  } catch (e) {
    root.textContent = (e as Error).message;
    return;
  }
  root.textContent = "";
  render(<App />, root);
  startOutbox();
  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register("/app/sw.js", { scope: "/app/" }).catch(() => {});
  }
}

void start();
