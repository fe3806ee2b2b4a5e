// Sign-in, an invited person's first sign-in (make the account, verify the
// email), and what to do when the API refuses the account.
import { useEffect, useState } from "preact/hooks";
import {
  authMessage,
  createInvitedAccount,
  finishLinkSignIn,
  linkEmail,
  openedFromLink,
  refreshVerification,
  resendVerification,
  sendSignInLink,
  signIn,
  signOut,
} from "../auth";
import { loadMe, useSession } from "../session";

export function SignIn() {
  const s = useSession();
  const [mode, setMode] = useState<"in" | "first" | "link" | "finish">(() => (openedFromLink() ? "finish" : "in"));
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState("");
  const [note, setNote] = useState("");

  async function run(f: () => Promise<void>) {
    setBusy(true);
    setError("");
    setNote("");
    try {
      await f();
    } catch (e) {
      setError(authMessage(e));
    } finally {
      setBusy(false);
    }
  }

  // Opened from a sign-in link sent from this device: finish at once.
  useEffect(() => {
    const email = linkEmail();
    if (mode === "finish" && email) void run(() => finishLinkSignIn(email));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  if (s.state === "unverified" && s.user)
    return (
      <main id="main" class="signin">
        <h1>Verify your email</h1>
        <p>
          We sent a link to <strong>{s.user.email}</strong>. Open it on this phone or any device, then come back and continue.
          Your invitation becomes your account once the email is verified.
        </p>
        {error && <p class="error" role="alert">{error}</p>}
        {note && <p role="status">{note}</p>}
        <button
          type="button"
          disabled={busy}
          onClick={() =>
            run(async () => {
              if (await refreshVerification()) await loadMe(s.user!);
              else setNote("The email is not verified yet.");
            })
          }
        >
          I have verified it: continue
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={() => run(async () => (await resendVerification(), setNote("Sent again.")))}>
          Send the link again
        </button>
        <button type="button" class="link" onClick={() => void signOut()}>
          Sign out
        </button>
      </main>
    );

  if (s.state === "refused")
    return (
      <main id="main" class="signin">
        <h1>Skillbook</h1>
        <p class="error" role="alert">
          {s.message}
        </p>
        <p>If you were invited, use the email the invitation was sent to. Your program's admin can invite you.</p>
        <button type="button" onClick={() => s.user && void loadMe(s.user)}>
          Try again
        </button>
        <button type="button" class="secondary" onClick={() => void signOut()}>
          Sign out
        </button>
      </main>
    );

  const first = mode === "first";
  const link = mode === "link" || mode === "finish";
  const intro = {
    in: "Clinical skills checklists and sign-offs.",
    first: "First sign-in with an invitation: choose a password for the email you were invited with.",
    link: "We email you a link that signs you in on this phone. It also works for a first sign-in with an invitation.",
    finish: "Confirm the email the sign-in link was sent to.",
  }[mode];
  return (
    <main id="main" class="signin">
      <h1>Skillbook</h1>
      <p class="muted">{intro}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          const address = email.trim();
          void run(async () => {
            if (mode === "finish") await finishLinkSignIn(address);
            else if (mode === "link") {
              await sendSignInLink(address);
              setNote(`We sent a sign-in link to ${address}. Open it on this phone.`);
            } else if (first) await createInvitedAccount(address, password);
            else await signIn(address, password);
          });
        }}
      >
        <label for="email">Email</label>
        <input id="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        {!link && (
          <>
            <label for="password">{first ? "Choose a password" : "Password"}</label>
            <input
              id="password"
              type="password"
              autocomplete={first ? "new-password" : "current-password"}
              required
              minLength={6}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </>
        )}
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {note && <p role="status">{note}</p>}
        <button type="submit" disabled={busy}>
          {busy ? "Please wait…" : { in: "Sign in", first: "Create my account", link: "Email me a sign-in link", finish: "Sign in" }[mode]}
        </button>
      </form>
      {mode !== "finish" && (
        <div class="alt">
          {mode !== "in" && (
            <button type="button" class="link" onClick={() => (setMode("in"), setError(""), setNote(""))}>
              Sign in with my password
            </button>
          )}
          {mode !== "link" && (
            <button type="button" class="link" onClick={() => (setMode("link"), setError(""), setNote(""))}>
              Email me a sign-in link instead
            </button>
          )}
          {mode !== "first" && (
            <button type="button" class="link" onClick={() => (setMode("first"), setError(""), setNote(""))}>
              First time here with an invitation?
            </button>
          )}
        </div>
      )}
    </main>
  );
}
