package export_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"skillbook/export"
	"skillbook/export/pdftext"
	"skillbook/models"
)

// TestTranscriptShowsAVoid: a voided PIN sign-off stays on the
// transcript, marked voided with its void, and the skill is not counted
// competent.
func TestTranscriptShowsAVoid(t *testing.T) {
	t.Parallel()
	signed := time.Date(2026, 10, 2, 14, 0, 0, 0, time.UTC)
	bp := models.Checklist{ID: "bp-manual", Version: 1, Area: models.AreaVitalSigns, Title: "Manual blood pressure", Competencies: []string{"MAERB-2015 I.P.1.a"}}
	ann := models.User{ID: "u-ann", ProgramID: "p1", Name: "Ann Archer", Email: "ann@example.com", Role: models.RoleStudent, CohortIDs: []string{"c1"}}
	voided := models.Attempt{ID: "a-void", ProgramID: "p1", StudentID: ann.ID, CohortID: "c1", ChecklistID: bp.ID, ChecklistVersion: 1,
		ChecklistTitle: bp.Title, Area: bp.Area, Kind: models.AttemptEvaluation, Status: models.StatusVoided, RequestedAt: signed.Add(-time.Hour),
		Evaluation: &models.Evaluation{ID: "e-void", EvaluatorID: "u-ivy", Setting: models.SettingSkillsLab, Score: 100, Outcome: models.OutcomePassed,
			EvaluatedAt: signed, Signature: &models.Signature{SignerID: "u-ivy", SignerName: "Ivy Instructor", SignerCredential: "CMA (AAMA)",
				SignedAt: signed, Method: models.SignedWithPIN, Meaning: models.SignatureMeaning, Digest: annDigest}},
		Amendments: []models.Amendment{{ID: "am-v", EvaluationID: "e-void", Kind: models.AmendVoid, Reason: "Not made by me", Correction: models.VoidCorrection,
			Signature: models.Signature{SignerID: "u-ivy", SignerName: "Ivy Instructor", SignerCredential: "CMA (AAMA)",
				SignedAt: signed.Add(time.Hour), Method: models.SignedInSession, Meaning: models.AmendmentMeaning, Digest: amendmentDigest}}},
	}
	r := models.ProgressRecords{Program: models.Program{ID: "p1", Name: "Valley College MA", Grading: models.DefaultGrading},
		Checklists:  map[models.ChecklistRef]models.Checklist{{ID: bp.ID, Version: 1}: bp},
		Assignments: []models.Assignment{{ProgramID: "p1", ChecklistID: bp.ID, ChecklistVersion: 1, Area: bp.Area, CohortID: "c1"}},
		Standings:   models.StandingsOf([]models.Attempt{voided})}
	rec := &models.StudentRecord{Student: ann, CohortNames: []string{"Fall 2026"}, Progress: models.StudentProgressOf(ann, &r, "2026-11-20"),
		Evaluations: []models.Attempt{voided}, Standings: r.Standings[ann.ID]}
	var buf bytes.Buffer
	if err := export.TranscriptPDF(&buf, export.Transcript{ProgramName: "Valley College MA", GeneratedAt: generated}, rec); err != nil {
		t.Fatalf("TranscriptPDF = %v", err)
	}
	text := pdftext.Of(t, buf.Bytes())
	wantText(t, text, "Competent in 0 of 1 assigned skills", "Passed (voided)", "Void 2026-10-02 15:00 UTC by Ivy Instructor, CMA (AAMA): Not made by me",
		"Correction: Voided:")
	if strings.Contains(text, "competent since") {
		t.Errorf("a voided pass is shown as competence:\n%s", text)
	}
}
