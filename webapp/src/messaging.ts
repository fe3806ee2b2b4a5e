// firebase/messaging, its own chunk (assets/messaging-*.js): push.ts imports
// it only when the user turns notifications on.
export { getMessaging, getToken } from "firebase/messaging";
