package models

// EventType names a kind of change; the audit trail, the notification
// relay and the exports switch on it, so every type is declared here.
type EventType string

// The changes Skillbook records.
const (
	EventAttemptPracticed    EventType = "attempt.practiced"
	EventEvaluationRequested EventType = "evaluation.requested"
	EventEvaluationSigned    EventType = "evaluation.signed"
	EventEvaluationFailed    EventType = "evaluation.failed"
	EventEvaluationReturned  EventType = "evaluation.returned"
	EventEvaluationAmended   EventType = "evaluation.amended"
	EventEvaluationVoided    EventType = "evaluation.voided"
	EventRemediationFlagged  EventType = "remediation.flagged"
	EventRemediationPlanned  EventType = "remediation.planned"
	EventAssignmentCreated   EventType = "assignment.created"
	EventCohortCreated       EventType = "cohort.created"
	EventCohortUpdated       EventType = "cohort.updated"
	EventCohortArchived      EventType = "cohort.archived"
	EventCohortUnarchived    EventType = "cohort.unarchived"
	EventUserInvited         EventType = "user.invited"
	EventUserUpdated         EventType = "user.updated"
	EventUserDeactivated     EventType = "user.deactivated"
	EventUserReactivated     EventType = "user.reactivated"
	EventUserChangeUndone    EventType = "user.change-undone"
	EventRosterUserCreated   EventType = "roster.user-created"
	EventRosterUserUpdated   EventType = "roster.user-updated"
	EventSigningPINSet       EventType = "user.signing-pin-set"
	EventSigningPINAccepted  EventType = "user.signing-pin-accepted"
	EventSigningPINRejected  EventType = "user.signing-pin-rejected"
	EventSigningPINLocked    EventType = "user.signing-pin-locked"
	EventProcedureLogged     EventType = "procedure.logged"
	EventProcedureConfirmed  EventType = "procedure.confirmed"
	EventProcedureRejected   EventType = "procedure.rejected"
	EventChecklistDrafted    EventType = "checklist.drafted"
	EventChecklistEdited     EventType = "checklist.edited"
	EventChecklistPublished  EventType = "checklist.published"
	EventChecklistRetired    EventType = "checklist.retired"
	EventExportRequested     EventType = "export.requested"
	EventExportCompleted     EventType = "export.completed"
	EventExportFailed        EventType = "export.failed"
	EventExportExpired       EventType = "export.expired"
	EventExportDownloaded    EventType = "export.downloaded"
	EventInvitationAccepted  EventType = "user.invitation-accepted"
	EventProgramUpdated      EventType = "program.updated"
)

// The practicum (externship) hours' changes.
const (
	EventPracticumLogged    EventType = "practicum.logged"
	EventPracticumConfirmed EventType = "practicum.confirmed"
	EventPracticumRejected  EventType = "practicum.rejected"
)
