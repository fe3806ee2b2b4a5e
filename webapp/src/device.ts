// This installation's id, sent as the Skillbook-Device header with a PIN
// sign-off: with the client's address it names the device for the server's
// per-device limit of signing-PIN tries (so phones behind one school
// network are told apart). Kept in localStorage; 1 to 64 of [A-Za-z0-9._:-].
import { uuidv7 } from "./api";

const KEY = "skillbook:device";

export function deviceId(): string {
  let id = localStorage.getItem(KEY);
  if (!id || !/^[A-Za-z0-9._:-]{1,64}$/.test(id)) {
    id = "web-" + uuidv7();
    localStorage.setItem(KEY, id);
  }
  return id;
}
