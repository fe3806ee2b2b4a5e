package handlers

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"

	"skillbook/models"
	"skillbook/roster"
)

// routes lists every operation of the API in one place, each with who may
// call it: access(roles, fresh) in its Metadata, enforced by authorize.
func (s *server) routes(api huma.API) {
	register(api, huma.Operation{OperationID: "healthz", Method: http.MethodGet, Path: "/healthz",
		Summary: "Liveness: the process is up", Tags: []string{"Health"}}, s.healthz)
	register(api, huma.Operation{OperationID: "readyz", Method: http.MethodGet, Path: "/readyz",
		Summary: "Readiness: the store answers", Tags: []string{"Health"},
		Errors: []int{http.StatusServiceUnavailable}}, s.readyz)
	register(api, huma.Operation{OperationID: "signing-keys", Method: http.MethodGet, Path: signingKeysPath,
		Summary: "The public keys records are signed with (a JWK set), current and retired",
		Description: "Every signed evaluation and amendment names its key by id (`signature.keyId`). " +
			"Anyone can check a record with these keys, without Skillbook: see the README's verification section.",
		Tags: []string{"Verification"}}, s.signingKeys)

	register(api, huma.Operation{OperationID: "get-me", Method: http.MethodGet, Path: "/v1/me",
		Summary: "The caller's profile", Tags: []string{"Me"}, Security: bearer, Metadata: access(anyRole),
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden}}, s.me)

	// Checklists
	clRead := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity}
	clWrite := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity}
	register(api, huma.Operation{OperationID: "list-checklists", Method: http.MethodGet, Path: "/v1/checklists",
		Summary: "The program's current published checklists, by id, filtered by area, competency or title words",
		Tags:    []string{"Checklists"}, Security: bearer, Metadata: access(anyRole), Errors: clRead}, s.listChecklists)
	register(api, huma.Operation{OperationID: "get-checklist", Method: http.MethodGet, Path: "/v1/checklists/{id}",
		Summary: "The current published version of a checklist (the program's own newer version wins over the shipped one)",
		Tags:    []string{"Checklists"}, Security: bearer, Metadata: access(anyRole), Errors: clRead}, s.currentChecklist)
	register(api, huma.Operation{OperationID: "list-checklist-versions", Method: http.MethodGet, Path: "/v1/checklists/{id}/versions",
		Summary: "Every version of a checklist, oldest first; drafts for admins only",
		Tags:    []string{"Checklists"}, Security: bearer, Metadata: access(anyRole), Errors: clRead}, s.checklistVersions)
	register(api, huma.Operation{OperationID: "get-checklist-version", Method: http.MethodGet, Path: "/v1/checklists/{id}/versions/{version}",
		Summary: "One version of a checklist, retired ones included; drafts for admins only",
		Tags:    []string{"Checklists"}, Security: bearer, Metadata: access(anyRole), Errors: clRead}, s.checklistVersion)
	register(api, huma.Operation{OperationID: "create-checklist", Method: http.MethodPost, Path: "/v1/checklists",
		Summary:     "Draft a new checklist, or the next version of an existing one (admins)",
		Description: "The version is numbered for you: 1 for a new id, else one above the latest version the program sees. A program has at most one draft per checklist (409 otherwise).",
		Tags:        []string{"Checklists"}, Security: bearer,
		Metadata: access(admins("change checklists")), DefaultStatus: http.StatusCreated, Errors: clWrite}, s.createChecklist)
	register(api, huma.Operation{OperationID: "update-checklist-draft", Method: http.MethodPut, Path: "/v1/checklists/{id}/versions/{version}",
		Summary:     "Replace the content of a draft (admins; If-Match required)",
		Description: "Send the ETag of your read as If-Match: 412 if the draft changed since, 428 without If-Match. Published, retired and shipped versions never change (409).",
		Tags:        []string{"Checklists"}, Security: bearer, Metadata: access(admins("change checklists")),
		Errors: append(clWrite, http.StatusPreconditionFailed, http.StatusPreconditionRequired)}, s.updateChecklist)
	register(api, huma.Operation{OperationID: "publish-checklist", Method: http.MethodPost, Path: "/v1/checklists/{id}/versions/{version}/publish",
		Summary: "Publish a draft: it is checked again, becomes immutable, and is current unless a newer version exists (admins)",
		Tags:    []string{"Checklists"}, Security: bearer,
		Metadata: access(admins("change checklists")), Errors: append(clWrite, http.StatusPreconditionFailed)}, s.publishChecklist)
	register(api, huma.Operation{OperationID: "retire-checklist", Method: http.MethodPost, Path: "/v1/checklists/{id}/versions/{version}/retire",
		Summary: "Retire a published version of the program's own: no longer current, listed or assignable, still readable (admins)",
		Tags:    []string{"Checklists"}, Security: bearer, Metadata: access(admins("change checklists")), Errors: clWrite}, s.retireChecklist)

	// Assignments, attempts, the instructor queue, evaluations and sign-off
	read := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound}
	write := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict, http.StatusUnprocessableEntity}
	register(api, huma.Operation{OperationID: "create-assignments", Method: http.MethodPost, Path: "/v1/assignments",
		Summary: "Assign a checklist, or a whole area, to a cohort or a student", Tags: []string{"Assignments"}, Security: bearer,
		Metadata:      access(only("only admins and instructors may assign work", models.RoleAdmin, models.RoleInstructor)),
		DefaultStatus: http.StatusCreated, Errors: write}, s.assign)
	register(api, huma.Operation{OperationID: "my-assignments", Method: http.MethodGet, Path: "/v1/me/assignments",
		Summary: "The calling student's assigned checklists with their current standing", Tags: []string{"Me", "Assignments"}, Security: bearer,
		Deprecated: true, Description: "Deprecated alias of GET /v1/me/skills (the items are skill progress, not assignments), kept for one release.",
		Metadata: access(only("assignments are listed for students; use /v1/assignments", models.RoleStudent)),
		Errors:   read}, s.myAssignmentsAlias)
	register(api, huma.Operation{OperationID: "list-assignments", Method: http.MethodGet, Path: "/v1/assignments",
		Summary: "List assignments (admins; instructors for a cohort or student they teach)", Tags: []string{"Assignments"}, Security: bearer,
		Metadata: access(only("admins list all assignments; instructors give a cohort or student they teach; students use /v1/me/assignments", models.RoleAdmin, models.RoleInstructor)),
		Errors:   read}, s.listAssignments)
	register(api, huma.Operation{OperationID: "create-attempt", Method: http.MethodPost, Path: "/v1/attempts",
		Summary: "Log a practice attempt or request an evaluation", Tags: []string{"Attempts"}, Security: bearer,
		Metadata:      access(only("only students practise and request evaluations", models.RoleStudent)),
		Description:   "Send your own UUIDv7 as id (and an Idempotency-Key header) so a retry after a dropped connection never creates a second attempt.",
		DefaultStatus: http.StatusCreated, Errors: write}, s.createAttempt)
	register(api, huma.Operation{OperationID: "get-attempt", Method: http.MethodGet, Path: "/v1/attempts/{id}",
		Summary: "One attempt with its evaluation and amendments", Tags: []string{"Attempts"}, Security: bearer,
		Metadata: access(anyRole), Errors: read}, s.attempt)
	register(api, huma.Operation{OperationID: "verify-attempt", Method: http.MethodGet, Path: "/v1/attempts/{id}/verification",
		Summary: "Check the signatures of an attempt's signed records against the published keys", Tags: []string{"Attempts"}, Security: bearer,
		Metadata: access(anyRole), Errors: read}, s.verify)
	register(api, huma.Operation{OperationID: "queue", Method: http.MethodGet, Path: "/v1/queue",
		Summary: "Open evaluation requests, oldest first, with each student's earlier attempts", Tags: []string{"Evaluations"}, Security: bearer,
		Metadata: access(only("the queue is for instructors and admins", models.RoleInstructor, models.RoleAdmin)),
		Errors:   read}, s.queue)
	register(api, huma.Operation{OperationID: "evaluate-attempt", Method: http.MethodPost, Path: "/v1/attempts/{id}/evaluations",
		Summary: "Grade (and sign) or return an evaluation request", Tags: []string{"Evaluations"}, Security: bearer,
		Metadata:      access(only("only instructors who teach this student's cohort may evaluate", models.RoleInstructor, models.RoleStudent), fresh),
		Description:   "The server computes score and outcome from the checklist's rule. A pass must be attested and is signed: by the caller (an instructor teaching the cohort), or on the student's device with the instructor's signing PIN. Exactly one of concurrent evaluations of one request succeeds; the others get 409. A locked PIN is refused (403 signing-pin-locked) before it is checked; PIN tries beyond a student's, a device's (the client's address and its optional Skillbook-Device header) or an instructor's limit are 429 with Retry-After. Each PIN sign-off is pushed to the instructor's own devices and feed (category pin-sign-offs); they may void it (POST /v1/attempts/{id}/void). At each PIN use the instructor's sign-in account is checked: disabled (403 instructor-account-disabled), gone (403 instructor-account-gone), or sessions revoked since the PIN was set (403 signing-pin-revoked: sign in and set the PIN again).",
		DefaultStatus: http.StatusCreated, Errors: append(write, http.StatusTooManyRequests)}, s.evaluate)
	register(api, huma.Operation{OperationID: "amend-evaluation", Method: http.MethodPost, Path: "/v1/evaluations/{id}/amendments",
		Summary: "Add a signed correction to an evaluation (the evaluation itself never changes)", Tags: []string{"Evaluations"}, Security: bearer,
		Metadata:      access(only("only instructors who teach this student's cohort may amend their evaluations", models.RoleInstructor), fresh),
		Description:   "If-Match with the attempt's ETag is required (428 without it, or with *): a retry of an amendment that was recorded then meets 412 instead of amending twice.",
		DefaultStatus: http.StatusCreated,
		Errors:        append(write, http.StatusPreconditionFailed, http.StatusPreconditionRequired)}, s.amend)
	register(api, huma.Operation{OperationID: "void-pin-sign-off", Method: http.MethodPost, Path: "/v1/attempts/{id}/void",
		Summary: "Void an evaluation signed with your signing PIN on a student's device (a signed amendment of kind void)", Tags: []string{"Evaluations"}, Security: bearer,
		Metadata:      access(only("only the instructor whose signing PIN signed this evaluation may void it, from their own session", models.RoleInstructor), fresh),
		Description:   "Only the instructor whose PIN signed the evaluation, in their own session, within the program's PIN void window (pinVoidWindowHours, 24 h by default; 422 void-window-passed after it). The evaluation stays on the record with the void; the attempt becomes voided, no longer counts toward competency or the attempt limit, and the student may request again. Anyone else: 403.",
		DefaultStatus: http.StatusCreated, Errors: append(write, http.StatusPreconditionFailed)}, s.void)
	register(api, huma.Operation{OperationID: "set-signing-pin", Method: http.MethodPut, Path: "/v1/me/signing-pin",
		Summary: "Set the instructor's signing PIN (also unlocks it)", Tags: []string{"Me"}, Security: bearer,
		Metadata:      access(only("only instructors sign evaluations", models.RoleInstructor), fresh),
		DefaultStatus: http.StatusNoContent, Errors: write}, s.setSigningPIN)
	register(api, huma.Operation{OperationID: "plan-remediation", Method: http.MethodPost, Path: "/v1/students/{id}/remediations",
		Summary: "Record a remediation plan, reopening evaluation requests for the skill (admins, the student's instructors)", Tags: []string{"Remediation"}, Security: bearer,
		Metadata:      access(only("only admins and the student's instructors record remediation plans", models.RoleAdmin, models.RoleInstructor)),
		DefaultStatus: http.StatusCreated, Errors: write}, s.planRemediation)
	register(api, huma.Operation{OperationID: "list-remediations", Method: http.MethodGet, Path: "/v1/students/{id}/remediations",
		Summary: "A student's remediation plans", Tags: []string{"Remediation"}, Security: bearer,
		Metadata: access(anyRole), Errors: read}, s.remediations)

	register(api, huma.Operation{OperationID: "get-program-settings", Method: http.MethodGet, Path: "/v1/program/settings",
		Summary: "The program's settings (admins and instructors)", Tags: []string{"Program"}, Security: bearer,
		Metadata: access(only("program settings are for the program's staff", models.RoleAdmin, models.RoleInstructor)), Errors: read}, s.programSettings)
	register(api, huma.Operation{OperationID: "set-program-settings", Method: http.MethodPatch, Path: "/v1/program/settings",
		Summary: "Change the program's settings the body names: PIN void window, time zone, practicum hours, checklist policies, competency frameworks and evidence rules (admins; audited)", Tags: []string{"Program"}, Security: bearer,
		Metadata: access(admins("change program settings")), Errors: write}, s.setProgramSettings)

	// Cohorts, users and roster
	adminRead := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity}
	adminWrite := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict,
		http.StatusPreconditionFailed, http.StatusUnprocessableEntity}
	register(api, huma.Operation{OperationID: "create-cohort", Method: http.MethodPost, Path: "/v1/cohorts",
		Summary: "Create a cohort (admins); names are unique in the program, in any case (409)",
		Tags:    []string{"Cohorts"}, Security: bearer,
		Metadata: access(admins("create cohorts")), DefaultStatus: http.StatusCreated, Errors: adminWrite}, s.createCohort)
	register(api, huma.Operation{OperationID: "list-cohorts", Method: http.MethodGet, Path: "/v1/cohorts",
		Summary: "Active cohorts, or archived ones, in creation order: the program's for admins, their own for instructors and students",
		Tags:    []string{"Cohorts"}, Security: bearer, Metadata: access(anyRole), Errors: adminRead}, s.listCohorts)
	register(api, huma.Operation{OperationID: "get-cohort", Method: http.MethodGet, Path: "/v1/cohorts/{id}",
		Summary: "One cohort (admins; its instructors and students)", Tags: []string{"Cohorts"}, Security: bearer,
		Metadata: access(anyRole), Errors: adminRead}, s.cohort)
	register(api, huma.Operation{OperationID: "update-cohort", Method: http.MethodPatch, Path: "/v1/cohorts/{id}",
		Summary: "Rename a cohort or change its dates (admins; If-Match required)", Tags: []string{"Cohorts"}, Security: bearer,
		Metadata: access(admins("change cohorts")),
		Errors:   append(adminWrite, http.StatusPreconditionRequired)}, s.updateCohort)
	register(api, huma.Operation{OperationID: "archive-cohort", Method: http.MethodPost, Path: "/v1/cohorts/{id}/archive",
		Summary: "Archive a cohort: its records stay, it leaves the default list and takes no new members (admins)",
		Tags:    []string{"Cohorts"}, Security: bearer, Metadata: access(admins("archive cohorts")), Errors: adminWrite}, s.archiveCohort)
	register(api, huma.Operation{OperationID: "unarchive-cohort", Method: http.MethodPost, Path: "/v1/cohorts/{id}/unarchive",
		Summary: "Bring an archived cohort back (admins)", Tags: []string{"Cohorts"}, Security: bearer,
		Metadata: access(admins("archive cohorts")), Errors: adminWrite}, s.unarchiveCohort)
	register(api, huma.Operation{OperationID: "invite-user", Method: http.MethodPost, Path: "/v1/users",
		Summary: "Invite a person into the program; they become a user on their first sign-in with a verified email (admins)",
		Tags:    []string{"Users"}, Security: bearer,
		Metadata: access(admins("invite users")), DefaultStatus: http.StatusCreated, Errors: adminWrite}, s.inviteUser)
	register(api, huma.Operation{OperationID: "list-users", Method: http.MethodGet, Path: "/v1/users",
		Summary: "Users in creation order, filtered by role, cohort, active and name or email text: the program's for admins, their students for instructors",
		Tags:    []string{"Users"}, Security: bearer,
		Metadata: access(only("students may not list users", models.RoleAdmin, models.RoleInstructor)), Errors: adminRead}, s.listUsers)
	register(api, huma.Operation{OperationID: "my-instructors", Method: http.MethodGet, Path: "/v1/me/instructors",
		Summary: "The active instructors who teach the calling student's cohorts (id, name, credential), in creation order", Tags: []string{"Me", "Users"}, Security: bearer,
		Description: "Whom a student's hand-over offers to sign an evaluation on the student's phone with their signing PIN.",
		Metadata:    access(only("only students list their instructors; staff use /v1/users", models.RoleStudent)), Errors: adminRead}, s.myInstructors)
	register(api, huma.Operation{OperationID: "get-user", Method: http.MethodGet, Path: "/v1/users/{id}",
		Summary: "One user (admins; instructors for themselves and their students; students for themselves)",
		Tags:    []string{"Users"}, Security: bearer, Metadata: access(anyRole), Errors: adminRead}, s.user)
	register(api, huma.Operation{OperationID: "update-user", Method: http.MethodPatch, Path: "/v1/users/{id}",
		Summary:     "Change a user's name, role, credential or cohorts (admins; If-Match required)",
		Description: "You cannot change your own role (403), and the program always keeps one active admin (409).",
		Tags:        []string{"Users"}, Security: bearer,
		Metadata: access(admins("change users")), Errors: append(adminWrite, http.StatusPreconditionRequired)}, s.updateUser)
	register(api, huma.Operation{OperationID: "deactivate-user", Method: http.MethodPost, Path: "/v1/users/{id}/deactivate",
		Summary: "Deactivate a user: every request of theirs is refused (403); their records stay (admins; not yourself, not the last admin)",
		Tags:    []string{"Users"}, Security: bearer,
		Metadata: access(admins("deactivate or reactivate users")), Errors: adminWrite}, s.deactivateUser)
	register(api, huma.Operation{OperationID: "reactivate-user", Method: http.MethodPost, Path: "/v1/users/{id}/reactivate",
		Summary: "Reactivate a deactivated user (admins)", Tags: []string{"Users"}, Security: bearer,
		Metadata: access(admins("deactivate or reactivate users")), Errors: adminWrite}, s.reactivateUser)
	register(api, huma.Operation{OperationID: "import-roster", Method: http.MethodPost, Path: "/v1/roster",
		Summary: "Import a roster CSV: valid rows are applied, rejected rows reported with a reason, 200 with counts (admins)",
		Description: "Every row is checked first: email, role, cohorts (by name or id, active, exactly one for a student, ';' between an instructor's), " +
			"an email repeated in the file or already in use by an account outside this program (reported as \"already exists\", never where), column count and field length. Valid rows are then written, " +
			"each as its own guarded write with its own audit entry, even when other rows are rejected; the answer lists every row as " +
			"created, updated, unchanged or rejected. Existing users get the row's name, role and cohorts; an empty credential cell keeps " +
			"their credential. Importing the same file twice changes nothing the second time. dryRun=true checks and reports without writing. " +
			"If the store fails part-way, the rows written so far stay and importing the file again completes it. " +
			"A file that cannot be used at all (no header, unknown column, more than 5,000 rows) is 422; over 1 MiB is 413. " +
			"Each admin has ten imports (dry runs included) at once and then one a minute: beyond that, 429 with Retry-After.",
		Tags: []string{"Users"}, Security: bearer, Metadata: access(admins("import rosters")), MaxBodyBytes: roster.MaxBytes,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusRequestEntityTooLarge,
			http.StatusUnsupportedMediaType, http.StatusUnprocessableEntity, http.StatusTooManyRequests}}, s.importRoster)

	// Procedures, progress and audit
	procRead := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity}
	procDecide := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusConflict,
		http.StatusPreconditionFailed, http.StatusUnprocessableEntity}
	register(api, huma.Operation{OperationID: "log-procedure", Method: http.MethodPost, Path: "/v1/procedures",
		Summary: "Log a live procedure you performed (venipuncture, capillary puncture), pending an instructor's confirmation",
		Description: "Send your own UUIDv7 as id so an offline retry stores the procedure once: the same id and content " +
			"answers 200 with the stored procedure, the same id with other content 409.",
		Tags: []string{"Procedures"}, Security: bearer,
		Metadata: access(only("only students log the live procedures they performed", models.RoleStudent)), DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict, http.StatusUnprocessableEntity}}, s.createProcedure)
	register(api, huma.Operation{OperationID: "list-procedures", Method: http.MethodGet, Path: "/v1/procedures",
		Summary: "Logged procedures, newest first: your own, the students you teach, or the program's",
		Tags:    []string{"Procedures"}, Security: bearer, Metadata: access(anyRole), Errors: procRead}, s.procedures)
	register(api, huma.Operation{OperationID: "get-procedure", Method: http.MethodGet, Path: "/v1/procedures/{id}",
		Summary: "One logged procedure", Tags: []string{"Procedures"}, Security: bearer, Metadata: access(anyRole), Errors: procRead}, s.procedure)
	register(api, huma.Operation{OperationID: "confirm-procedure", Method: http.MethodPost, Path: "/v1/procedures/{id}/confirm",
		Summary: "Confirm a pending procedure of a student you teach; it then counts toward the program's targets",
		Tags:    []string{"Procedures"}, Security: bearer,
		Metadata: access(only("only an instructor who teaches this student may confirm or reject their procedures", models.RoleInstructor)), Errors: procDecide}, s.confirmProcedure)
	register(api, huma.Operation{OperationID: "reject-procedure", Method: http.MethodPost, Path: "/v1/procedures/{id}/reject",
		Summary: "Reject a pending procedure of a student you teach, saying why",
		Tags:    []string{"Procedures"}, Security: bearer,
		Metadata: access(only("only an instructor who teaches this student may confirm or reject their procedures", models.RoleInstructor)), Errors: procDecide}, s.rejectProcedure)
	practicumDecide := "only an instructor who teaches this student, or an admin, may record a preceptor's decision on their hours"
	register(api, huma.Operation{OperationID: "log-practicum-hours", Method: http.MethodPost, Path: "/v1/practicum-hours",
		Summary: "Log practicum (externship) hours you worked at a site, pending the preceptor's confirmation",
		Description: "One entry per day and site. Send your own UUIDv7 as id so an offline retry stores the hours once: " +
			"the same id and content answers 200 with the stored entry, the same id with other content 409.",
		Tags: []string{"Practicum"}, Security: bearer,
		Metadata: access(only("only students log their practicum hours", models.RoleStudent)), DefaultStatus: http.StatusCreated,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusConflict, http.StatusUnprocessableEntity}}, s.createPracticum)
	register(api, huma.Operation{OperationID: "list-practicum-hours", Method: http.MethodGet, Path: "/v1/practicum-hours",
		Summary: "Logged practicum hours, newest first: your own, the students you teach, or the program's",
		Tags:    []string{"Practicum"}, Security: bearer, Metadata: access(anyRole), Errors: procRead}, s.practicumEntries)
	register(api, huma.Operation{OperationID: "get-practicum-hours", Method: http.MethodGet, Path: "/v1/practicum-hours/{id}",
		Summary: "One practicum entry", Tags: []string{"Practicum"}, Security: bearer, Metadata: access(anyRole), Errors: procRead}, s.practicumEntry)
	register(api, huma.Operation{OperationID: "confirm-practicum-hours", Method: http.MethodPost, Path: "/v1/practicum-hours/{id}/confirm",
		Summary: "Record the preceptor's confirmation of pending hours of a student you teach (instructors, admins); they then count toward the requirement",
		Tags:    []string{"Practicum"}, Security: bearer,
		Metadata: access(only(practicumDecide, models.RoleInstructor, models.RoleAdmin)), Errors: procDecide}, s.confirmPracticum)
	register(api, huma.Operation{OperationID: "reject-practicum-hours", Method: http.MethodPost, Path: "/v1/practicum-hours/{id}/reject",
		Summary: "Record that the preceptor does not confirm pending hours, saying why (comment required)",
		Tags:    []string{"Practicum"}, Security: bearer,
		Metadata: access(only(practicumDecide, models.RoleInstructor, models.RoleAdmin)), Errors: procDecide}, s.rejectPracticum)
	register(api, huma.Operation{OperationID: "my-progress", Method: http.MethodGet, Path: "/v1/me/progress",
		Summary: "The calling student's progress: every assigned skill, completion by area, competencies evidenced, procedure counts",
		Tags:    []string{"Progress"}, Security: bearer,
		Metadata: access(only("progress is kept for students; use /v1/students/{id}/progress or /v1/cohorts/{id}/progress", models.RoleStudent)), Errors: procRead}, s.myProgress)
	register(api, huma.Operation{OperationID: "student-progress", Method: http.MethodGet, Path: "/v1/students/{id}/progress",
		Summary: "A student's progress (the student, their instructors, admins)",
		Tags:    []string{"Progress"}, Security: bearer, Metadata: access(anyRole), Errors: procRead}, s.studentProgressByID)
	register(api, huma.Operation{OperationID: "cohort-progress", Method: http.MethodGet, Path: "/v1/cohorts/{id}/progress",
		Summary: "A cohort's progress matrix, students by assigned checklists, a page of students at a time (admins, the cohort's instructors)",
		Tags:    []string{"Progress"}, Security: bearer,
		Metadata: access(only("only admins and the cohort's instructors see its progress", models.RoleAdmin, models.RoleInstructor)), Errors: procRead}, s.cohortProgress)
	register(api, huma.Operation{OperationID: "list-audit", Method: http.MethodGet, Path: "/v1/audit",
		Summary: "The program's audit trail, newest first (admins); entries are never changed or removed",
		Tags:    []string{"Audit"}, Security: bearer,
		Metadata: access(only("only program admins read the audit trail", models.RoleAdmin)), Errors: procRead}, s.audit)
	register(api, huma.Operation{OperationID: "verify-audit", Method: http.MethodGet, Path: "/v1/audit/verification",
		Summary: "Check the program's audit chain (admins): intact with its entry count and head hash, or its first broken link",
		Description: "Each entry carries a sequence number (1, 2, 3 … without gaps) and a hash over the previous entry's hash and " +
			"its own content. The walk reports the first sequence number where an entry is missing, repeated, changed, names " +
			"the wrong previous hash, or disagrees with the program's latest signed checkpoint. A broken chain is 200 with intact false.",
		Tags: []string{"Audit"}, Security: bearer,
		Metadata: access(only("only program admins verify the audit trail", models.RoleAdmin)),
		Errors:   []int{http.StatusUnauthorized, http.StatusForbidden}}, s.auditVerification)

	// Devices and notifications (and the metrics, which count their pushes)
	register(api, huma.Operation{OperationID: "metrics", Method: http.MethodGet, Path: "/metrics",
		Summary: "Metrics in the Prometheus text format (no authentication)", Tags: []string{"Health"},
		Responses: map[string]*huma.Response{"200": {Description: "The Prometheus text exposition format.",
			Content: map[string]*huma.MediaType{"text/plain": {Schema: &huma.Schema{Type: "string"}}}}},
		Errors: []int{http.StatusNotFound}}, s.metrics)
	meWrite := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusUnprocessableEntity}
	meRead := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity}
	register(api, huma.Operation{OperationID: "register-device", Method: http.MethodPost, Path: "/v1/me/devices",
		Summary:     "Register this device's FCM token for pushes (call on every app start)",
		Description: "201 for a new token, 200 for a known one, refreshed (and moved to you if another user had it). You keep at most 10 devices; the least recently refreshed beyond that is dropped, as are tokens not refreshed for 30 days.",
		Tags:        []string{"Notifications"}, Security: bearer,
		Metadata: access(anyRole), DefaultStatus: http.StatusCreated, Errors: meWrite}, s.registerDevice)
	register(api, huma.Operation{OperationID: "remove-device", Method: http.MethodDelete, Path: "/v1/me/devices/{token}",
		Summary: "Stop pushes to one of your devices (on sign-out)", Tags: []string{"Notifications"}, Security: bearer, Metadata: access(anyRole),
		DefaultStatus: http.StatusNoContent, Errors: meRead}, s.removeDevice)
	register(api, huma.Operation{OperationID: "list-notifications", Method: http.MethodGet, Path: "/v1/me/notifications",
		Summary: "Your notifications, unread first or newest first, whatever became of their pushes",
		Tags:    []string{"Notifications"}, Security: bearer, Metadata: access(anyRole), Errors: meRead}, s.notifications)
	register(api, huma.Operation{OperationID: "read-notification", Method: http.MethodPost, Path: "/v1/me/notifications/{id}/read",
		Summary: "Mark one of your notifications read", Tags: []string{"Notifications"}, Security: bearer,
		Metadata: access(anyRole), Errors: meRead}, s.readNotification)
	register(api, huma.Operation{OperationID: "read-all-notifications", Method: http.MethodPost, Path: "/v1/me/notifications/read-all",
		Summary: "Mark all your notifications read", Tags: []string{"Notifications"}, Security: bearer,
		Metadata: access(anyRole), Errors: meWrite}, s.readAllNotifications)
	register(api, huma.Operation{OperationID: "get-notification-preferences", Method: http.MethodGet, Path: "/v1/me/notification-preferences",
		Summary: "The notification categories you muted", Tags: []string{"Notifications"}, Security: bearer,
		Metadata: access(anyRole), Errors: meWrite}, s.notificationPreferences)
	register(api, huma.Operation{OperationID: "set-notification-preferences", Method: http.MethodPut, Path: "/v1/me/notification-preferences",
		Summary: "Choose the categories not pushed to your devices (they stay in the feed)", Tags: []string{"Notifications"}, Security: bearer,
		Metadata: access(anyRole),
		Errors:   append(meWrite, http.StatusPreconditionFailed)}, s.setNotificationPreferences)

	// Exports
	exportRead := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity}
	register(api, withAccess(exportOp("export-matrix-csv", "/v1/cohorts/{id}/matrix.csv",
		"A cohort's competency matrix as CSV (admins, the cohort's instructors)", "csv"),
		access(only("only admins and the cohort's instructors export its records", models.RoleAdmin, models.RoleInstructor))), s.matrixCSV)
	register(api, withAccess(exportOp("export-matrix-xlsx", "/v1/cohorts/{id}/matrix.xlsx",
		"A cohort's competency matrix as XLSX, with a completion summary sheet (admins, the cohort's instructors)", "xlsx"),
		access(only("only admins and the cohort's instructors export its records", models.RoleAdmin, models.RoleInstructor))), s.matrixXLSX)
	register(api, withAccess(exportOp("export-transcripts-zip", "/v1/cohorts/{id}/transcripts.zip",
		"Every skills transcript of a cohort, one PDF each, in a ZIP (admins, the cohort's instructors)", "zip"),
		access(only("only admins and the cohort's instructors export its records", models.RoleAdmin, models.RoleInstructor))), s.transcriptsZIP)
	register(api, withAccess(exportOp("export-accreditation-csv", "/v1/cohorts/{id}/accreditation.csv",
		"Per competency code, the cohort's students with and without evidence, as CSV (admins)", "csv"),
		access(only("only program admins export the accreditation summary", models.RoleAdmin))), s.accreditationCSV)
	register(api, withAccess(exportOp("export-accreditation-pdf", "/v1/cohorts/{id}/accreditation.pdf",
		"Per competency code, the cohort's students with and without evidence, as PDF (admins)", "pdf"),
		access(only("only program admins export the accreditation summary", models.RoleAdmin))), s.accreditationPDF)
	mcc := access(only("only program admins export the Master Competency Checklist", models.RoleAdmin))
	register(api, withAccess(exportOp("export-competency-checklist-pdf", "/v1/cohorts/{id}/competency-checklist.pdf",
		"The Master Competency Checklist of every student of a cohort, in MAERB's layout, as PDF (admins)", "pdf"), mcc), s.cohortCompetencyChecklistPDF)
	register(api, withAccess(exportOp("export-competency-checklist-xlsx", "/v1/cohorts/{id}/competency-checklist.xlsx",
		"The Master Competency Checklist of every student of a cohort, one row per student and competency, as XLSX (admins)", "xlsx"), mcc), s.cohortCompetencyChecklistXLSX)
	register(api, withAccess(exportOp("export-student-competency-checklist-pdf", "/v1/students/{id}/competency-checklist.pdf",
		"A student's Master Competency Checklist, in MAERB's layout, as PDF (admins)", "pdf"), mcc), s.studentCompetencyChecklistPDF)
	register(api, withAccess(exportOp("export-student-competency-checklist-xlsx", "/v1/students/{id}/competency-checklist.xlsx",
		"A student's Master Competency Checklist, one row per competency, as XLSX (admins)", "xlsx"), mcc), s.studentCompetencyChecklistXLSX)
	register(api, withAccess(exportOp("export-transcript-pdf", "/v1/students/{id}/transcript.pdf",
		"A student's skills transcript as PDF (the student, their instructors, admins)", "pdf"), access(anyRole)), s.transcriptPDF)
	register(api, huma.Operation{OperationID: "create-export", Method: http.MethodPost, Path: "/v1/exports",
		Summary:     "Start an export as a background job: any kind, and the only way to the full program archive",
		Description: "Answers 202 with the job; follow it at Location. The job survives restarts and any instance may run or serve it. Finished files are kept for a configured time (EXPORT_RETENTION, default 24h). A user has at most 3 jobs queued or running: the next is 429 with Retry-After.",
		Tags:        []string{"Exports"}, Security: bearer,
		Metadata: access(anyRole), DefaultStatus: http.StatusAccepted, Errors: append(exportRead, http.StatusTooManyRequests)}, s.createExport)
	register(api, huma.Operation{OperationID: "get-export", Method: http.MethodGet, Path: "/v1/exports/{id}",
		Summary: "An export's status and percent done, with a download link once done (its requester, admins)",
		Tags:    []string{"Exports"}, Security: bearer, Metadata: access(anyRole), Errors: exportRead}, s.export)
	register(api, huma.Operation{OperationID: "download-export", Method: http.MethodGet, Path: "/v1/exports/{id}/file",
		Summary: "Download a finished export's file (its requester, admins; 409 until done, 410 once expired); recorded in the audit trail",
		Tags:    []string{"Exports"}, Security: bearer, Metadata: access(anyRole), Responses: fileResponses("application/octet-stream", exportFileTypes()...),
		Errors: append(exportRead, http.StatusConflict, http.StatusGone)}, s.exportFile)

	// A student's attempts, an evaluation by its id, the student's skills
	histRead := []int{http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity}
	register(api, huma.Operation{OperationID: "my-attempts", Method: http.MethodGet, Path: "/v1/me/attempts",
		Summary: "The calling student's attempts, newest first, filtered by checklist, status and request dates",
		Tags:    []string{"Me", "Attempts"}, Security: bearer,
		Metadata: access(only("attempts are listed for students; use /v1/students/{id}/attempts", models.RoleStudent)), Errors: histRead}, s.myAttempts)
	register(api, huma.Operation{OperationID: "student-attempts", Method: http.MethodGet, Path: "/v1/students/{id}/attempts",
		Summary:     "A student's attempts, newest first, filtered by checklist, status and request dates (the student, their instructors, admins)",
		Description: "Instructors see the attempts made in the cohorts they teach (as GET /v1/attempts/{id}), so a page may hold fewer items than the limit; follow nextCursor until it is absent.",
		Tags:        []string{"Attempts"}, Security: bearer, Metadata: access(anyRole), Errors: histRead}, s.studentAttempts)
	register(api, huma.Operation{OperationID: "get-evaluation", Method: http.MethodGet, Path: "/v1/evaluations/{id}",
		Summary:     "The attempt holding an evaluation, with its amendments (whoever may read the attempt)",
		Description: "The ETag is the attempt's: send it as If-Match to POST /v1/evaluations/{id}/amendments.",
		Tags:        []string{"Evaluations"}, Security: bearer, Metadata: access(anyRole), Errors: read}, s.evaluation)
	register(api, huma.Operation{OperationID: "my-skills", Method: http.MethodGet, Path: "/v1/me/skills",
		Summary: "The calling student's assigned skills with their current standing, in curriculum order", Tags: []string{"Me", "Progress"}, Security: bearer,
		Metadata: access(only("skills are listed for students; use /v1/students/{id}/progress", models.RoleStudent)),
		Errors:   histRead}, s.myAssignments)
}

// withAccess returns op with the access rule meta (see access).
func withAccess(op huma.Operation, meta map[string]any) huma.Operation {
	op.Metadata = meta
	return op
}
