// Sign-in, an invited person's first sign-in (make the account, verify the
// email), and what to do when the API refuses the account.
import { useState } from "preact/hooks";
import { authMessage, createInvitedAccount, refreshVerification, resendVerification, signIn, signOut } from "../auth";
import { loadMe, useSession } from "../session";

export function SignIn() {
  const s = useSession();
  const [mode, setMode] = useState<"in" | "first">("in");
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
  return (
    <main id="main" class="signin">
      <h1>Skillbook</h1>
      <p class="muted">{first ? "First sign-in with an invitation: choose a password for the email you were invited with." : "Clinical skills checklists and sign-offs."}</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void run(() => (first ? createInvitedAccount(email.trim(), password) : signIn(email.trim(), password)));
        }}
      >
        <label for="email">Email</label>
        <input id="email" type="email" autocomplete="username" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
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
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {busy ? "Please wait…" : first ? "Create my account" : "Sign in"}
        </button>
      </form>
      <button type="button" class="link" onClick={() => (setMode(first ? "in" : "first"), setError(""))}>
        {first ? "I already have a password: sign in" : "First time here with an invitation?"}
      </button>
    </main>
  );
}
