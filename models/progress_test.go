package models

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

var (
	day0    = time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	student = User{ID: "s1", ProgramID: "p1", Name: "Sam", Role: RoleStudent, CohortIDs: []string{"c1"}}
)

// progressFixture is a program with two vital-signs checklists and one
// phlebotomy checklist; bp-manual needs two passes.
func progressFixture() *ProgressRecords {
	return &ProgressRecords{
		Program: Program{ID: "p1", Grading: DefaultGrading, ProcedureTargets: map[string]int{"venipuncture": 30, "capillary-puncture": 10}},
		Checklists: map[ChecklistRef]Checklist{
			{"bp-manual", 2}:    {ID: "bp-manual", Version: 2, Area: AreaVitalSigns, Title: "Blood pressure", Competencies: []string{"MAERB-2015 I.P.1.a"}, Grading: GradingOverride{RequiredEvaluations: intp(2)}},
			{"pulse", 1}:        {ID: "pulse", Version: 1, Area: AreaVitalSigns, Title: "Pulse", Competencies: []string{"MAERB-2015 I.P.1.c"}},
			{"venipuncture", 1}: {ID: "venipuncture", Version: 1, Area: AreaPhlebotomy, Title: "Venipuncture", Competencies: []string{"MAERB-2015 I.P.2.b"}},
		},
		Procedures: map[string]map[string]ProcedureCount{"s1": {"venipuncture": {Confirmed: 31, Successful: 30, Pending: 2}, "capillary-puncture": {Confirmed: 12, Successful: 9}}},
		Practicum:  map[string]map[string]HoursCount{"s1": {"Valley Clinic": {Confirmed: 100, Pending: 8}, "Lakeside Lab": {Confirmed: 40.5, Rejected: 4}}},
	}
}

// passed is a signed pass graded on the fixture's version of checklist.
func passed(id, checklist string, at time.Time, signer string) Attempt {
	version := 1
	if checklist == "bp-manual" {
		version = 2
	}
	return Attempt{ID: id, ProgramID: "p1", StudentID: "s1", ChecklistID: checklist, ChecklistVersion: version, Kind: AttemptEvaluation, Status: StatusPassed,
		Evaluation: &Evaluation{EvaluatedAt: at, Outcome: OutcomePassed,
			Signature: &Signature{SignerName: signer, SignerCredential: "CMA (AAMA)", SignedAt: at.Add(time.Minute)}}}
}

func failed(id, checklist string, at time.Time) Attempt {
	return Attempt{ID: id, ProgramID: "p1", StudentID: "s1", ChecklistID: checklist, Kind: AttemptEvaluation, Status: StatusFailed,
		Evaluation: &Evaluation{EvaluatedAt: at, Outcome: OutcomeFailed}}
}

func practice(id, checklist string) Attempt {
	return Attempt{ID: id, ProgramID: "p1", StudentID: "s1", ChecklistID: checklist, Kind: AttemptPractice, Status: StatusPracticed}
}

func TestStudentProgressOf(t *testing.T) {
	r := progressFixture()
	r.Assignments = []Assignment{
		{ID: "a1", ProgramID: "p1", ChecklistID: "bp-manual", ChecklistVersion: 2, Area: AreaVitalSigns, CohortID: "c1", DueDate: "2026-05-01"},
		// The same checklist assigned again, directly, with an earlier due date.
		{ID: "a2", ProgramID: "p1", ChecklistID: "bp-manual", ChecklistVersion: 2, Area: AreaVitalSigns, StudentID: "s1", DueDate: "2026-04-01"},
		{ID: "a3", ProgramID: "p1", ChecklistID: "pulse", ChecklistVersion: 1, Area: AreaVitalSigns, CohortID: "c1"},
		{ID: "a4", ProgramID: "p1", ChecklistID: "venipuncture", ChecklistVersion: 1, Area: AreaPhlebotomy, CohortID: "c1", DueDate: "2026-02-01"},
		// Not this student's: another cohort, another student, another program.
		{ID: "x1", ProgramID: "p1", ChecklistID: "pulse-ox", ChecklistVersion: 1, Area: AreaVitalSigns, CohortID: "c2"},
		{ID: "x2", ProgramID: "p1", ChecklistID: "pulse-ox", ChecklistVersion: 1, Area: AreaVitalSigns, StudentID: "s2"},
		{ID: "x3", ProgramID: "p2", ChecklistID: "pulse-ox", ChecklistVersion: 1, Area: AreaVitalSigns, CohortID: "c1"},
	}
	r.Standings = StandingsOf([]Attempt{
		practice("t1", "bp-manual"), practice("t2", "bp-manual"),
		passed("e2", "bp-manual", day0.Add(48*time.Hour), "Second Signer"),
		passed("e1", "bp-manual", day0, "First Signer"),
		practice("t3", "pulse"),
		failed("f1", "venipuncture", day0),
		{ID: "other", ProgramID: "p1", StudentID: "s2", ChecklistID: "pulse", Status: StatusPassed,
			Evaluation: &Evaluation{EvaluatedAt: day0}},
	})

	got := StudentProgressOf(student, r, "2026-03-10")

	competentAt := day0.Add(48*time.Hour + time.Minute)
	want := StudentProgress{
		StudentID: "s1", StudentName: "Sam", AsOf: "2026-03-10",
		Overall: Completion{Assigned: 3, Competent: 1, Percent: 33},
		Areas: []AreaCompletion{
			{Area: AreaVitalSigns, Completion: Completion{Assigned: 2, Competent: 1, Percent: 50}},
			{Area: AreaPhlebotomy, Completion: Completion{Assigned: 1, Competent: 0, Percent: 0}},
		},
		Skills: []SkillProgress{
			{ChecklistID: "bp-manual", ChecklistVersion: 2, Title: "Blood pressure", Area: AreaVitalSigns, Status: SkillCompetent,
				DueDate: "2026-04-01", Practice: 2, Failed: 0, MaxAttempts: 3, Passed: 2, RequiredEvaluations: 2,
				CompetentAt: &competentAt, CompetentAttemptID: "e2", Evaluator: "Second Signer", EvaluatorCredential: "CMA (AAMA)",
				Competencies: []string{"MAERB-2015 I.P.1.a"}},
			{ChecklistID: "pulse", ChecklistVersion: 1, Title: "Pulse", Area: AreaVitalSigns, Status: SkillPractising,
				Practice: 1, MaxAttempts: 3, RequiredEvaluations: 1, Competencies: []string{"MAERB-2015 I.P.1.c"}},
			{ChecklistID: "venipuncture", ChecklistVersion: 1, Title: "Venipuncture", Area: AreaPhlebotomy, Status: SkillOverdue,
				DueDate: "2026-02-01", Failed: 1, MaxAttempts: 3, RequiredEvaluations: 1, Competencies: []string{"MAERB-2015 I.P.2.b"}},
		},
		Competencies: []string{"MAERB-2015 I.P.1.a"},
		Evidence: []CodeEvidence{{Code: "MAERB-2015 I.P.1.a", Title: "Measure and record blood pressure", Sources: []EvidenceSource{
			{ChecklistID: "bp-manual", ChecklistVersion: 2, AttemptID: "e2", SignedAt: competentAt, Signer: "Second Signer", Credential: "CMA (AAMA)"}}}},
		Procedures: []ProcedureProgress{
			// Nine successful sticks of twelve confirmed are not ten.
			{Kind: "capillary-puncture", Target: 10, ProcedureCount: ProcedureCount{Confirmed: 12, Successful: 9}},
			{Kind: "venipuncture", Target: 30, ProcedureCount: ProcedureCount{Confirmed: 31, Successful: 30, Pending: 2}, Met: true},
		},
		Practicum: PracticumProgress{Required: 160, HoursCount: HoursCount{Confirmed: 140.5, Pending: 8, Rejected: 4},
			Sites: []SiteHours{{Site: "Lakeside Lab", HoursCount: HoursCount{Confirmed: 40.5, Rejected: 4}},
				{Site: "Valley Clinic", HoursCount: HoursCount{Confirmed: 100, Pending: 8}}}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("StudentProgressOf mismatch (-want +got):\n%s", diff)
	}
}

func TestSkillProgressStatuses(t *testing.T) {
	g := DefaultGrading
	c := Checklist{ID: "pulse", Version: 1, Area: AreaVitalSigns, Title: "Pulse"}
	open := Attempt{ID: "r1", ProgramID: "p1", StudentID: "s1", ChecklistID: "pulse", Kind: AttemptEvaluation, Status: StatusRequested}
	tests := []struct {
		name       string
		attempts   []Attempt
		reopenedAt time.Time
		due        string
		want       SkillStatus
		wantOpen   string
		wantFailed int
	}{
		{name: "nothing", want: SkillNotStarted},
		{name: "practice", attempts: []Attempt{practice("t1", "pulse")}, want: SkillPractising},
		{name: "requested", attempts: []Attempt{practice("t1", "pulse"), open}, want: SkillAwaitingEvaluation, wantOpen: "r1"},
		{name: "requested past due", attempts: []Attempt{open}, due: "2026-01-01", want: SkillAwaitingEvaluation, wantOpen: "r1"},
		{name: "failed once", attempts: []Attempt{failed("f1", "pulse", day0)}, want: SkillNeedsRemediation, wantFailed: 1},
		{name: "failed three times", attempts: []Attempt{failed("f1", "pulse", day0), failed("f2", "pulse", day0.Add(time.Hour)), failed("f3", "pulse", day0.Add(2*time.Hour))},
			want: SkillFlagged, wantFailed: 3},
		{name: "remediated after three failures", attempts: []Attempt{failed("f1", "pulse", day0), failed("f2", "pulse", day0.Add(time.Hour)), failed("f3", "pulse", day0.Add(2*time.Hour))},
			reopenedAt: day0.Add(3 * time.Hour), want: SkillNotStarted},
		{name: "overdue", due: "2026-03-09", want: SkillOverdue},
		{name: "due today is not overdue", due: "2026-03-10", want: SkillNotStarted},
		{name: "competent past due", attempts: []Attempt{passed("e1", "pulse", day0, "I")}, due: "2026-01-01", want: SkillCompetent},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := skillProgress(c, g, StandingsOf(tt.attempts)["s1"]["pulse"], tt.reopenedAt, tt.due, "2026-03-10")
			if got.Status != tt.want || got.OpenRequestID != tt.wantOpen || got.Failed != tt.wantFailed {
				t.Errorf("skillProgress = status %q, open %q, failed %d; want %q, %q, %d", got.Status, got.OpenRequestID, got.Failed, tt.want, tt.wantOpen, tt.wantFailed)
			}
			if (got.CompetentAt != nil) != (tt.want == SkillCompetent) {
				t.Errorf("CompetentAt = %v with status %q", got.CompetentAt, got.Status)
			}
		})
	}
}

func TestStudentProgressWithoutAssignments(t *testing.T) {
	r := progressFixture()
	got := StudentProgressOf(student, r, "2026-03-10")
	if got.Overall != (Completion{}) || len(got.Skills) != 0 || len(got.Areas) != 0 || len(got.Competencies) != 0 {
		t.Errorf("StudentProgressOf(no assignments) = %+v; want empty completion", got)
	}
	if got.Skills == nil || got.Areas == nil || got.Competencies == nil {
		t.Errorf("StudentProgressOf lists are nil; want empty lists so JSON shows []")
	}
	if len(got.Procedures) != 2 {
		t.Errorf("Procedures = %+v; want both targets", got.Procedures)
	}
}

func TestStudentProgressMissingChecklistFallsBack(t *testing.T) {
	r := progressFixture()
	r.Assignments = []Assignment{{ID: "a1", ProgramID: "p1", ChecklistID: "gone", ChecklistVersion: 3, Area: AreaWoundCare, CohortID: "c1"}}
	got := StudentProgressOf(student, r, "2026-03-10")
	if len(got.Skills) != 1 || got.Skills[0].Title != "gone" || got.Skills[0].Area != AreaWoundCare || got.Skills[0].RequiredEvaluations != 1 {
		t.Errorf("Skills = %+v; want the assignment's checklist under the program rule", got.Skills)
	}
}

func TestProgressColumns(t *testing.T) {
	rows := []StudentProgress{
		{Skills: []SkillProgress{{ChecklistID: "venipuncture", Title: "Venipuncture", Area: AreaPhlebotomy}, {ChecklistID: "pulse", Title: "Pulse", Area: AreaVitalSigns}}},
		{Skills: []SkillProgress{{ChecklistID: "pulse", Title: "Pulse", Area: AreaVitalSigns}, {ChecklistID: "bp", Title: "Blood pressure", Area: AreaVitalSigns}}},
	}
	got := ProgressColumns(rows)
	want := []ChecklistColumn{
		{ChecklistID: "bp", Title: "Blood pressure", Area: AreaVitalSigns},
		{ChecklistID: "pulse", Title: "Pulse", Area: AreaVitalSigns},
		{ChecklistID: "venipuncture", Title: "Venipuncture", Area: AreaPhlebotomy},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ProgressColumns mismatch (-want +got):\n%s", diff)
	}
}

func TestProcedureValidateNew(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	targets := map[string]int{"venipuncture": 30, "capillary-puncture": 10}
	tests := []struct {
		name  string
		p     Procedure
		field string
	}{
		{"valid", Procedure{Kind: "venipuncture", PerformedAt: "2026-03-10"}, ""},
		{"valid with client id", Procedure{ID: "0195f0a8-1c2b-7d3e-8f40-123456789abc", Kind: "venipuncture", PerformedAt: "2026-03-01"}, ""},
		{"tomorrow somewhere on Earth", Procedure{Kind: "venipuncture", PerformedAt: "2026-03-11"}, ""},
		{"future", Procedure{Kind: "venipuncture", PerformedAt: "2026-03-12"}, "performedAt"},
		{"not a date", Procedure{Kind: "venipuncture", PerformedAt: "2026-3-1"}, "performedAt"},
		{"too old", Procedure{Kind: "venipuncture", PerformedAt: "1999-12-31"}, "performedAt"},
		{"unknown kind", Procedure{Kind: "arterial-puncture", PerformedAt: "2026-03-10"}, "kind"},
		{"uuid v4", Procedure{ID: "6ba7b810-9dad-41d1-80b4-00c04fd430c8", Kind: "venipuncture", PerformedAt: "2026-03-10"}, "id"},
		// One rule for client ids (ClientID): upper case is accepted, stored lower case.
		{"upper-case uuid", Procedure{ID: "0195F0A8-1C2B-7D3E-8F40-123456789ABC", Kind: "venipuncture", PerformedAt: "2026-03-10"}, ""},
		{"not a uuid", Procedure{ID: "abc", Kind: "venipuncture", PerformedAt: "2026-03-10"}, "id"},
		{"long site", Procedure{Kind: "venipuncture", PerformedAt: "2026-03-10", Site: string(make([]byte, 201))}, "site"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.p.ValidateNew(targets, now)
			if tt.field == "" {
				if err != nil {
					t.Errorf("ValidateNew = %v; want nil", err)
				}
				if tt.p.ID != strings.ToLower(tt.p.ID) {
					t.Errorf("ValidateNew kept id %q; want it lower case", tt.p.ID)
				}
				return
			}
			ve, ok := err.(*ValidationError)
			if !ok || len(ve.Problems) != 1 || ve.Problems[0].Field != tt.field {
				t.Errorf("ValidateNew = %v; want one problem with %s", err, tt.field)
			}
		})
	}
}
