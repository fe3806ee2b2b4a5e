// The instructor's signing PIN: whether it is set or locked, setting a new
// one (which also unlocks it), and the instructor code a student's phone
// asks for the first time the instructor signs on it.
import { useState } from "preact/hooks";
import { api, problemText } from "../api";
import { loadMe, useSession } from "../session";
import { ErrorNote, Frame, fmtDateTime, useAction } from "../ui";

export function HandoverPin() {
  const s = useSession();
  const me = s.me;
  const [pin, setPin] = useState("");
  const [again, setAgain] = useState("");
  const [done, setDone] = useState("");
  const act = useAction();
  const state = me?.signingPin;

  function save(e: Event) {
    e.preventDefault();
    void act.run(async () => {
      setDone("");
      if (!/^[0-9]{6,12}$/.test(pin)) return act.setError("A PIN is 6 to 12 digits.");
      if (pin !== again) return act.setError("The two PINs differ.");
      const r = await api.put("/v1/me/signing-pin", { body: { pin } });
      if (!r.ok) return act.setError(problemText(r.problem));
      setPin("");
      setAgain("");
      setDone("Your signing PIN is set. Never tell it to a student.");
      if (s.user) await loadMe(s.user);
    });
  }

  return (
    <Frame title="Signing PIN" back="/app/reviews">
      <section class="panel" aria-label="PIN state">
        {!state?.set ? (
          <p>You have no signing PIN yet: set one to sign evaluations on a student's phone.</p>
        ) : state.locked ? (
          <p class="error">
            Locked after too many wrong tries{state.lockedAt ? ` (${fmtDateTime(state.lockedAt)})` : ""}
            {state.refusedTries ? `, ${state.refusedTries} refused since` : ""}. Set a new PIN to unlock it.
          </p>
        ) : (
          <p>Your signing PIN is set.</p>
        )}
      </section>
      <form onSubmit={save}>
        <label for="pin-new">{state?.set ? "New PIN" : "PIN"} (6 to 12 digits)</label>
        <input id="pin-new" type="password" inputMode="numeric" autoComplete="new-password" maxLength={12} value={pin} onInput={(e) => setPin(e.currentTarget.value)} />
        <label for="pin-again">The same PIN again</label>
        <input id="pin-again" type="password" inputMode="numeric" autoComplete="new-password" maxLength={12} value={again} onInput={(e) => setAgain(e.currentTarget.value)} />
        <ErrorNote error={act.error} />
        {done && (
          <p class="ok" role="status">
            {done}
          </p>
        )}
        <button type="submit" disabled={act.busy}>
          Set the PIN
        </button>
      </form>
      {me && (
        <section aria-labelledby="code">
          <h2 id="code">Your instructor code</h2>
          <p class="muted">
            A student's phone lists you by name once you have signed for that student or on that phone; otherwise it asks for this code.
          </p>
          <p class="panel mono" id="instructor-code">
            {me.id}
          </p>
        </section>
      )}
    </Frame>
  );
}
