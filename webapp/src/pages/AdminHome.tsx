// The admin's start page: the program's sections, one page each.
import { Frame } from "../ui";

const SECTIONS = [
  { href: "/app/admin/cohorts", title: "Cohorts", what: "List and create" },
  { href: "/app/admin/roster", title: "Roster import", what: "CSV, checked first" },
  { href: "/app/admin/people", title: "Invitations", what: "Invite, see pending" },
  { href: "/app/admin/assignments", title: "Assignments", what: "Checklists, due dates" },
  { href: "/app/admin/exports", title: "Exports", what: "Matrix, transcripts" },
  { href: "/app/admin/checklists", title: "Checklists", what: "Versions, publish" },
  { href: "/app/admin/audit", title: "Audit trail", what: "Entries, chain check" },
  { href: "/app/reviews", title: "Reviews", what: "Procedures, hours" },
  { href: "/app/cohort-progress", title: "Cohort progress", what: "By cohort" },
];

export function AdminHome() {
  return (
    <Frame title="Program admin">
      <ul class="sections">
        {SECTIONS.map((s) => (
          <li key={s.href}>
            <a href={s.href}>
              <strong>{s.title}</strong>
              <span>{s.what}</span>
            </a>
          </li>
        ))}
      </ul>
    </Frame>
  );
}
