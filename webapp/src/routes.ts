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
import { Handover } from "./pages/Handover";
import { HandoverSign } from "./pages/HandoverSign";
import { lazy } from "./lazy";

// Admin and instructor pages, loaded on first use (one chunk: pages/AdminPages.ts).
const admin = () => import("./pages/AdminPages");
const AdminCohorts = lazy(() => admin().then((m) => m.AdminCohorts));
const AdminRoster = lazy(() => admin().then((m) => m.AdminRoster));
const AdminPeople = lazy(() => admin().then((m) => m.AdminPeople));
const AdminAssignments = lazy(() => admin().then((m) => m.AdminAssignments));
const AdminExports = lazy(() => admin().then((m) => m.AdminExports));
const AdminChecklists = lazy(() => admin().then((m) => m.AdminChecklists));
const AdminChecklistDraft = lazy(() => admin().then((m) => m.AdminChecklistDraft));
const AdminAudit = lazy(() => admin().then((m) => m.AdminAudit));
const AdminReviews = lazy(() => admin().then((m) => m.AdminReviews));
const CohortList = lazy(() => admin().then((m) => m.CohortList));
const CohortProgress = lazy(() => admin().then((m) => m.CohortProgress));
const HandoverPin = lazy(() => admin().then((m) => m.HandoverPin));

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
  { path: "/app/cohort-progress", roles: ["instructor", "admin"], page: CohortList },
  { path: "/app/cohort-progress/:id", roles: ["instructor", "admin"], page: CohortProgress },
  { path: "/app/admin/cohorts", roles: ["admin"], page: AdminCohorts },
  { path: "/app/admin/roster", roles: ["admin"], page: AdminRoster },
  { path: "/app/admin/people", roles: ["admin"], page: AdminPeople },
  { path: "/app/admin/assignments", roles: ["admin"], page: AdminAssignments },
  { path: "/app/admin/exports", roles: ["admin"], page: AdminExports },
  { path: "/app/admin/checklists", roles: ["admin"], page: AdminChecklists },
  { path: "/app/admin/checklists/:id/:version", roles: ["admin"], page: AdminChecklistDraft },
  { path: "/app/admin/audit", roles: ["admin"], page: AdminAudit },
  { path: "/app/reviews", roles: ["instructor", "admin"], page: AdminReviews },
  { path: "/app/signing-pin", roles: ["instructor"], page: HandoverPin },
  { path: "/app/handover", roles: ["student"], page: Handover },
  { path: "/app/handover/:id", roles: ["student"], page: HandoverSign },
];

/** The tabs under the header, per role (a page reachable from the start needs one). */
export const nav: Record<Role, { href: string; label: string }[]> = {
  student: [
    { href: "/app/student", label: "Skills" },
    { href: "/app/progress", label: "Progress" },
    { href: "/app/handover", label: "Sign here" },
    { href: "/app/notifications", label: "Inbox" },
  ],
  instructor: [
    { href: "/app/queue", label: "Queue" },
    { href: "/app/reviews", label: "Reviews" },
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
