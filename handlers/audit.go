package handlers

import (
	"context"

	"skillbook/models"
	"skillbook/workflow"
)

type auditInput struct {
	ActorID   string `query:"actorId" maxLength:"64" doc:"Only changes made by this user."`
	StudentID string `query:"studentId" maxLength:"64" doc:"Only changes about this student's records."`
	Subject   string `query:"subject" maxLength:"64" doc:"Only changes of this kind of record (user, cohort, assignment, attempt, procedure …)."`
	SubjectID string `query:"subjectId" maxLength:"128" doc:"Only changes of this record."`
	Type      string `query:"type" maxLength:"64" doc:"Only events of this type, such as procedure.confirmed."`
	Limit     int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor    string `query:"cursor" maxLength:"512"`
}

type auditOutput struct {
	Body models.List[models.Event]
}

// audit lists the program's audit trail, newest first, for admins. The
// trail is append-only: no operation changes or removes an entry.
func (s *server) audit(ctx context.Context, in *auditInput) (*auditOutput, error) {
	list, err := s.app.Notices.Audit(ctx, callerOf(ctx), workflow.AuditInput{
		Filter: models.AuditFilter{ActorID: in.ActorID, StudentID: in.StudentID, Subject: in.Subject, SubjectID: in.SubjectID,
			Type: models.EventType(in.Type)},
		Page: models.Page{Limit: in.Limit, Cursor: in.Cursor},
	})
	if err != nil {
		return nil, err
	}
	return &auditOutput{Body: list}, nil
}

type auditVerificationOutput struct {
	Body models.AuditVerification
}

// auditVerification walks the program's audit chain and reports its first
// broken link, for admins.
func (s *server) auditVerification(ctx context.Context, _ *struct{}) (*auditVerificationOutput, error) {
	v, err := s.app.Notices.VerifyAudit(ctx, callerOf(ctx))
	if err != nil {
		return nil, err
	}
	return &auditVerificationOutput{Body: v}, nil
}
