// The admin's start page. The admin pages (cohorts, roster import, exports,
// audit) are added as pages of their own: see webapp/README.md.
import { Frame } from "../ui";

export function AdminHome() {
  return (
    <Frame title="Program admin">
      <p>Admin pages are coming to the app. Until then, the instructor's queue is open to admins:</p>
      <p>
        <a class="button" href="/app/queue">
          Evaluation queue
        </a>
      </p>
    </Frame>
  );
}
