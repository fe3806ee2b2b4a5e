package export

import (
	"testing"
	"time"

	"skillbook/models"
)

// TestPsychomotorRowNamesTheFirstEvidence: the course column names the
// signed pass that first made the code's rule hold, one per requirement
// when the rule has some; partial checklists never.
func TestPsychomotorRowNamesTheFirstEvidence(t *testing.T) {
	t.Parallel()
	day := func(d int) time.Time { return time.Date(2026, 10, d, 15, 0, 0, 0, time.UTC) }
	src := func(id string, d int, partial bool) models.EvidenceSource {
		return models.EvidenceSource{ChecklistID: id, ChecklistVersion: 1, AttemptID: "a-" + id, SignedAt: day(d), Signer: "Ivy " + id, Partial: partial}
	}
	parenteral := models.EvidenceRule{Requires: []models.Requirement{{AnyOf: []string{"im"}}, {AnyOf: []string{"subq"}}, {AnyOf: []string{"id"}}}}
	tests := []struct {
		name     string
		sources  []models.EvidenceSource
		rule     models.EvidenceRule
		evidence string
		date     string
	}{
		{"none", nil, models.EvidenceRule{}, "", ""},
		{"partial only", []models.EvidenceSource{src("labeling", 1, true)}, models.EvidenceRule{}, "", ""},
		{"earliest of several", []models.EvidenceSource{src("temp-oral", 9, false), src("temp-axillary", 3, false), src("labeling", 1, true)},
			models.EvidenceRule{}, "temp-axillary, version 1", "2026-10-03"},
		{"one per requirement, dated by the last", []models.EvidenceSource{src("id", 7, false), src("im", 2, false), src("subq", 5, false), src("im", 8, false)},
			parenteral, "im, version 1; subq, version 1; id, version 1", "2026-10-07"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var row mccRow
			psychomotorRow(&row, models.CodeEvidence{Sources: tt.sources}, tt.rule, nil, time.UTC)
			if row.evidence != tt.evidence || row.date != tt.date || (tt.evidence != "") != (row.pass == "Pass") {
				t.Errorf("row = %q, %q, pass %q; want %q, %q", row.evidence, row.date, row.pass, tt.evidence, tt.date)
			}
		})
	}
}

// TestMCCDatesAreTheProgramsDays: a pass signed late in the evening UTC
// is dated the program's day.
func TestMCCDatesAreTheProgramsDays(t *testing.T) {
	t.Parallel()
	// The zone database is embedded (models imports time/tzdata), so this
	// never depends on the machine's.
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	var row mccRow
	s := models.EvidenceSource{ChecklistID: "bp-manual", ChecklistVersion: 1, SignedAt: time.Date(2026, 10, 3, 2, 0, 0, 0, time.UTC)}
	psychomotorRow(&row, models.CodeEvidence{Sources: []models.EvidenceSource{s}}, models.EvidenceRule{}, nil, la)
	if row.date != "2026-10-02" {
		t.Errorf("date = %q; want 2026-10-02, the day in Los Angeles", row.date)
	}
}
