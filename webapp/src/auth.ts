// Sign-in with Firebase Authentication's modular web SDK (auth only). The
// emulator is used when the server says it runs with one.
import { initializeApp } from "firebase/app";
import {
  connectAuthEmulator,
  createUserWithEmailAndPassword,
  indexedDBLocalPersistence,
  initializeAuth,
  isSignInWithEmailLink,
  onAuthStateChanged,
  sendSignInLinkToEmail,
  signInWithEmailLink,
  sendEmailVerification,
  signInWithEmailAndPassword,
  signOut as fbSignOut,
  type Auth,
  type User,
} from "firebase/auth";
import type { AppConfig } from "./config";

let auth: Auth | undefined;

export function startAuth(cfg: AppConfig, onUser: (u: User | null) => void): void {
  // appId and messagingSenderId are there only with web push (push.ts).
  const app = initializeApp({ apiKey: cfg.apiKey, authDomain: cfg.authDomain, projectId: cfg.projectId, appId: cfg.appId, messagingSenderId: cfg.messagingSenderId });
  // No popup/redirect resolver: email sign-in only, no iframe, a smaller bundle.
  auth = initializeAuth(app, { persistence: indexedDBLocalPersistence });
  if (cfg.emulatorHost) connectAuthEmulator(auth, "http://" + cfg.emulatorHost, { disableWarnings: true });
  onAuthStateChanged(auth, onUser);
}

function need(): Auth {
  if (!auth) throw new Error("auth is not started");
  return auth;
}

/** The current user's ID token (refreshed by the SDK when it is near expiry). */
export async function idToken(force = false): Promise<string | undefined> {
  return auth?.currentUser?.getIdToken(force);
}

export function currentUid(): string | undefined {
  return auth?.currentUser?.uid;
}

export async function signIn(email: string, password: string): Promise<void> {
  await signInWithEmailAndPassword(need(), email, password);
}

/** First sign-in of an invited email: create the account and send the verification email. */
export async function createInvitedAccount(email: string, password: string): Promise<void> {
  const cred = await createUserWithEmailAndPassword(need(), email, password);
  await sendEmailVerification(cred.user);
}

/** After the email link was followed: reload the account so the next token says verified. */
export async function refreshVerification(): Promise<boolean> {
  const u = need().currentUser;
  if (!u) return false;
  await u.reload();
  if (u.emailVerified) await u.getIdToken(true);
  return u.emailVerified;
}

export async function resendVerification(): Promise<void> {
  const u = need().currentUser;
  if (u) await sendEmailVerification(u);
}

const LINK_EMAIL = "skillbook.linkEmail";

/** Emails a sign-in link (where the project allows email-link sign-in); it brings the person back to /app/. */
export async function sendSignInLink(email: string): Promise<void> {
  await sendSignInLinkToEmail(need(), email, { url: location.origin + "/app/", handleCodeInApp: true });
  localStorage.setItem(LINK_EMAIL, email);
}

/** Whether this page was opened from a sign-in link. */
export function openedFromLink(): boolean {
  return !!auth && isSignInWithEmailLink(auth, location.href);
}

/** The email the link was sent to from this device, if it was. */
export function linkEmail(): string | null {
  return localStorage.getItem(LINK_EMAIL);
}

/** Signs in with the link this page was opened from; the email proves it was sent to them (and verifies it). */
export async function finishLinkSignIn(email: string): Promise<void> {
  await signInWithEmailLink(need(), email, location.href);
  localStorage.removeItem(LINK_EMAIL);
  history.replaceState(null, "", "/app/");
}

export async function signOut(): Promise<void> {
  await fbSignOut(need());
}

/** A sign-in error in words a person can act on. */
export function authMessage(err: unknown): string {
  const code = (err as { code?: string })?.code ?? "";
  switch (code) {
    case "auth/invalid-credential":
    case "auth/wrong-password":
    case "auth/user-not-found":
    case "auth/invalid-login-credentials":
      return "That email and password do not match an account.";
    case "auth/too-many-requests":
      return "Too many tries. Wait a minute and try again.";
    case "auth/network-request-failed":
      return "No connection. Check your signal and try again.";
    case "auth/email-already-in-use":
      return "This email already has an account: sign in instead.";
    case "auth/weak-password":
      return "Choose a password of at least 6 characters.";
    case "auth/invalid-email":
      return "Enter a valid email address.";
    case "auth/invalid-action-code":
    case "auth/expired-action-code":
      return "This sign-in link was used or has expired. Ask for a new one.";
    case "auth/operation-not-allowed":
      return "Your program does not allow this way of signing in.";
    default:
      return (err as Error)?.message ?? "Sign-in failed.";
  }
}
