// The pages loaded on first use (lazy.tsx), in one chunk: the admin's
// sections and the instructor's reviews, cohort progress and signing PIN.
export { AdminCohorts } from "./AdminCohorts";
export { AdminRoster } from "./AdminRoster";
export { AdminPeople } from "./AdminPeople";
export { AdminAssignments } from "./AdminAssignments";
export { AdminExports } from "./AdminExports";
export { AdminChecklists } from "./AdminChecklists";
export { AdminChecklistDraft } from "./AdminChecklistDraft";
export { AdminAudit } from "./AdminAudit";
export { AdminReviews } from "./AdminReviews";
export { CohortList, CohortProgress } from "./CohortProgress";
export { HandoverPin } from "./HandoverPin";
