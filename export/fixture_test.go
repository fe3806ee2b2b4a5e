package export_test

import (
	"time"

	"skillbook/export"
	"skillbook/models"
)

// fixture is a cohort of three students: Ann passed blood pressure (and
// the pass was amended) and failed venipuncture once; Bob has no records;
// the third student's name and an evaluator's comment try formula
// injection.
type fixture struct {
	cohort   export.Cohort
	records  []*models.StudentRecord
	ann, bob *models.StudentRecord
}

const (
	annDigest       = "aa11bb22cc33dd44ee55ff6600112233445566778899aabbccddeeff00112233"
	amendmentDigest = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
)

var generated = time.Date(2026, 11, 20, 9, 30, 0, 0, time.UTC)

func newFixture() fixture {
	program := models.Program{ID: "p1", Name: "Valley College MA", Grading: models.DefaultGrading, ProcedureTargets: map[string]int{"venipuncture": 30}}
	bp := models.Checklist{ID: "bp-manual", Version: 1, Area: models.AreaVitalSigns, Title: "Manual blood pressure",
		Competencies: []string{"MAERB-2015 I.P.1.a"}}
	vp := models.Checklist{ID: "venipuncture-evacuated-tube", Version: 2, Area: models.AreaPhlebotomy, Title: "Venipuncture",
		Competencies: []string{"MAERB-2015 I.P.2.b"}}
	r := models.ProgressRecords{Program: program, Checklists: map[models.ChecklistRef]models.Checklist{
		{ID: bp.ID, Version: 1}: bp, {ID: vp.ID, Version: 2}: vp}}
	r.Assignments = []models.Assignment{
		{ProgramID: "p1", ChecklistID: bp.ID, ChecklistVersion: 1, Area: bp.Area, CohortID: "c1"},
		{ProgramID: "p1", ChecklistID: vp.ID, ChecklistVersion: 2, Area: vp.Area, CohortID: "c1"},
	}
	ann := models.User{ID: "u-ann", ProgramID: "p1", Name: "Ann Archer", Email: "ann@example.com", Role: models.RoleStudent, CohortIDs: []string{"c1"}}
	bob := models.User{ID: "u-bob", ProgramID: "p1", Name: "Bob Baker", Email: "bob@example.com", Role: models.RoleStudent, CohortIDs: []string{"c1"}}
	eve := models.User{ID: "u-eve", ProgramID: "p1", Name: "=cmd|' /C calc'!A0", Email: "eve@example.com", Role: models.RoleStudent, CohortIDs: []string{"c1"}}

	signed := time.Date(2026, 10, 2, 14, 0, 0, 0, time.UTC)
	pass := models.Attempt{ID: "a-pass", ProgramID: "p1", StudentID: ann.ID, CohortID: "c1", ChecklistID: bp.ID, ChecklistVersion: 1,
		ChecklistTitle: bp.Title, Area: bp.Area, Kind: models.AttemptEvaluation, Status: models.StatusPassed, RequestedAt: signed.Add(-time.Hour),
		Evaluation: &models.Evaluation{ID: "e-pass", EvaluatorID: "u-ivy", Setting: models.SettingSkillsLab, Score: 100, Outcome: models.OutcomePassed,
			EvaluatedAt: signed, Signature: &models.Signature{SignerID: "u-ivy", SignerName: "Ivy Instructor", SignerCredential: "CMA (AAMA)",
				SignedAt: signed, Method: models.SignedInSession, Meaning: models.SignatureMeaning, Digest: annDigest}},
		Amendments: []models.Amendment{{ID: "am-1", EvaluationID: "e-pass", Reason: "Wrong arm recorded", Correction: "Left arm, seated",
			Signature: models.Signature{SignerID: "u-ivy", SignerName: "Ivy Instructor", SignerCredential: "CMA (AAMA)",
				SignedAt: signed.Add(48 * time.Hour), Method: models.SignedWithPIN, Meaning: models.AmendmentMeaning, Digest: amendmentDigest}}},
	}
	failed := time.Date(2026, 10, 5, 10, 0, 0, 0, time.UTC)
	fail := models.Attempt{ID: "a-fail", ProgramID: "p1", StudentID: ann.ID, CohortID: "c1", ChecklistID: vp.ID, ChecklistVersion: 2,
		ChecklistTitle: vp.Title, Area: vp.Area, Kind: models.AttemptEvaluation, Status: models.StatusFailed, RequestedAt: failed.Add(-time.Hour),
		Evaluation: &models.Evaluation{ID: "e-fail", EvaluatorID: "u-ivy", Setting: models.SettingClinicalSite, Score: 80, Outcome: models.OutcomeFailed,
			Comment: "=HYPERLINK(\"http://x.test\",\"click\")", EvaluatedAt: failed,
			Site: "Lakeside Family Practice", Preceptor: "Pat Preceptor", PreceptorCredential: "RN"}}
	r.Standings = models.StandingsOf([]models.Attempt{pass, fail})
	r.Procedures = map[string]map[string]models.ProcedureCount{ann.ID: {"venipuncture": {Confirmed: 12, Successful: 10, Pending: 1}}}
	r.Practicum = map[string]map[string]models.HoursCount{ann.ID: {"Lakeside Family Practice": {Confirmed: 40.5, Pending: 8}}}

	rec := func(u models.User, evals ...models.Attempt) *models.StudentRecord {
		return &models.StudentRecord{Student: u, CohortNames: []string{"Fall 2026"},
			Progress: models.StudentProgressOf(u, &r, "2026-11-20"), Evaluations: evals, Standings: r.Standings[u.ID]}
	}
	f := fixture{ann: rec(ann, pass, fail), bob: rec(bob)}
	f.records = []*models.StudentRecord{f.ann, f.bob, rec(eve)}
	f.cohort = export.Cohort{ProgramName: program.Name, CohortName: "Fall 2026", GeneratedAt: generated,
		Columns: models.ProgressColumns([]models.StudentProgress{f.ann.Progress}), ProcedureKinds: []string{"venipuncture"}}
	return f
}

// students yields the fixture's records.
func (f fixture) students(fn func(*models.StudentRecord) error) error {
	for _, r := range f.records {
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

func (f fixture) transcript() export.Transcript {
	return export.Transcript{ProgramName: f.cohort.ProgramName, GeneratedAt: generated,
		Staff: map[string]models.User{"u-ivy": {ID: "u-ivy", Name: "Ivy Instructor", Credential: "CMA (AAMA)"}}}
}
