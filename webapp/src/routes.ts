// Every page of the app: a path pattern, who may open it, and the page
// component (one file in pages/). Adding a page is one file and one entry.
import type { FunctionComponent } from "preact";
import type { Role } from "./session";
import { StudentHome } from "./pages/StudentHome";
import { Skill } from "./pages/Skill";
import { AttemptPage } from "./pages/Attempt";
import { Queue } from "./pages/Queue";
import { Grade } from "./pages/Grade";
import { AdminHome } from "./pages/AdminHome";
import { Notifications } from "./pages/Notifications";
import { Progress } from "./pages/Progress";
import { Procedures } from "./pages/Procedures";
import { CohortList, CohortProgress } from "./pages/CohortProgress";

export interface RouteDef {
  /** The path under /app/, with :name parts, e.g. "/app/skills/:id". */
  path: string;
  /** Who may open it; any signed-in user when left out. */
  roles?: Role[];
  /** The page; it gets the path's named parts. */
  page: FunctionComponent<{ params: Record<string, string> }>;
}

export const routes: RouteDef[] = [
  { path: "/app/student", roles: ["student"], page: StudentHome },
  { path: "/app/skills/:id", roles: ["student"], page: Skill },
  { path: "/app/attempts/:id", page: AttemptPage },
  { path: "/app/queue", roles: ["instructor", "admin"], page: Queue },
  { path: "/app/grade/:id", roles: ["instructor", "admin"], page: Grade },
  { path: "/app/admin", roles: ["admin"], page: AdminHome },
  { path: "/app/notifications", page: Notifications },
  { path: "/app/progress", roles: ["student"], page: Progress },
  { path: "/app/procedures", roles: ["instructor", "admin"], page: Procedures },
  { path: "/app/cohort-progress", roles: ["instructor", "admin"], page: CohortList },
  { path: "/app/cohort-progress/:id", roles: ["instructor", "admin"], page: CohortProgress },
];

/** The tabs under the header, per role (a page reachable from the start needs one). */
export const nav: Record<Role, { href: string; label: string }[]> = {
  student: [
    { href: "/app/student", label: "Skills" },
    { href: "/app/progress", label: "Progress" },
    { href: "/app/notifications", label: "Inbox" },
  ],
  instructor: [
    { href: "/app/queue", label: "Queue" },
    { href: "/app/procedures", label: "Procedures" },
    { href: "/app/cohort-progress", label: "Cohorts" },
    { href: "/app/notifications", label: "Inbox" },
  ],
  admin: [
    { href: "/app/admin", label: "Admin" },
    { href: "/app/queue", label: "Queue" },
    { href: "/app/notifications", label: "Inbox" },
  ],
};

/** Where "/app/" takes each role. */
export const home: Record<Role, string> = {
  student: "/app/student",
  instructor: "/app/queue",
  admin: "/app/admin",
};
