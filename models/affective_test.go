package models

import (
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// withAffectiveCatalog runs test with a catalog whose MAERB-2015 has two
// affective codes beside a psychomotor one. MAERB-2015 as shipped has no
// affective codes (none could be checked against a public source), so the
// rules are tested on these. It swaps the package's catalog: callers must
// not be parallel (parallel tests run only after every sequential one).
func withAffectiveCatalog(t *testing.T, test func()) {
	t.Helper()
	c, err := LoadCatalog(fstest.MapFS{"maerb.json": {Data: []byte(`{"name": "MAERB-2015", "title": "T", "accreditor": "A", "edition": "2015",
		"coverage": "Test codes.", "areas": {"I": "Anatomy & Physiology"},
		"sources": {"s": {"title": "Test", "urls": ["https://example.test/maerb"]}},
		"competencies": [
			{"code": "I.P.1.a", "title": "Measure and record blood pressure", "domain": "psychomotor", "source": "s"},
			{"code": "I.A.1", "title": "Test behaviour one", "domain": "affective", "source": "s"},
			{"code": "I.A.2", "title": "Test behaviour two", "domain": "affective", "source": "s"}]}`)}})
	if err != nil {
		t.Fatal(err)
	}
	shipped := catalog
	catalog = c
	defer func() { catalog = shipped }()
	test()
}

func TestChecklistAffectiveDeclaration(t *testing.T) {
	tests := []struct {
		name      string
		affective []string
		phrase    string // "" means valid
	}{
		{"none", nil, ""},
		{"two affective codes", []string{"MAERB-2015 I.A.1", "MAERB-2015 I.A.2"}, ""},
		{"a psychomotor code", []string{"MAERB-2015 I.P.1.a"}, "psychomotor competency"},
		{"an unknown code", []string{"MAERB-2015 I.A.9"}, "not a MAERB-2015 code"},
		{"no framework", []string{"I.A.1"}, "<framework> <code>"},
		{"repeated", []string{"MAERB-2015 I.A.1", "MAERB-2015 I.A.1"}, "repeats"},
	}
	withAffectiveCatalog(t, func() {
		for _, tt := range tests {
			c := validChecklist()
			c.Affective = tt.affective
			err := c.Validate()
			switch {
			case tt.phrase == "" && err != nil:
				t.Errorf("%s: Validate = %v; want nil", tt.name, err)
			case tt.phrase != "" && (err == nil || !strings.Contains(err.Error(), tt.phrase) || !strings.Contains(err.Error(), "affective[")):
				t.Errorf("%s: Validate = %v; want a problem with affective[…] saying %q", tt.name, err, tt.phrase)
			}
		}
	})
}

func TestAffectiveDeclarationKeepsOlderDigests(t *testing.T) {
	t.Parallel()
	c := validChecklist()
	before := c.ContentDigest()
	c.Affective = []string{}
	if got := c.ContentDigest(); got != before {
		t.Errorf("an empty declaration changed the digest: %s, was %s", got, before)
	}
	c.Affective = []string{"MAERB-2015 I.A.1"}
	if c.ContentDigest() == before {
		t.Error("declaring an affective competency left the digest unchanged; it is graded content")
	}
}

func TestRateAffective(t *testing.T) {
	t.Parallel()
	c := validChecklist()
	c.Affective = []string{"MAERB-2015 I.A.1", "MAERB-2015 I.A.2"}
	none := validChecklist()
	met := func(code string) AffectiveRating { return AffectiveRating{Code: code, Result: AffectiveMet} }
	notMet := func(code, comment string) AffectiveRating {
		return AffectiveRating{Code: code, Result: AffectiveNotMet, Comment: comment}
	}
	tests := []struct {
		name      string
		checklist *Checklist
		outcome   Outcome
		ratings   []AffectiveRating
		field     string // "" means accepted
		phrase    string
	}{
		{"pass rating both", &c, OutcomePassed, []AffectiveRating{met("MAERB-2015 I.A.1"), notMet("MAERB-2015 I.A.2", "Did not explain the procedure.")}, "", ""},
		{"pass missing one", &c, OutcomePassed, []AffectiveRating{met("MAERB-2015 I.A.1")}, "affective", "rate MAERB-2015 I.A.2"},
		{"pass rating none", &c, OutcomePassed, nil, "affective", "rates every affective competency"},
		{"fail may leave some unrated", &c, OutcomeFailed, []AffectiveRating{met("MAERB-2015 I.A.2")}, "", ""},
		{"fail rating none", &c, OutcomeFailed, nil, "", ""},
		{"undeclared code", &c, OutcomeFailed, []AffectiveRating{met("MAERB-2015 I.A.3")}, "affective[0].code", "not an affective competency of bp-manual version 1"},
		{"psychomotor code", &c, OutcomeFailed, []AffectiveRating{met("MAERB-2015 I.P.1.a")}, "affective[0].code", "not an affective competency"},
		{"checklist declares none", &none, OutcomePassed, []AffectiveRating{met("MAERB-2015 I.A.1")}, "affective[0].code", "declares no affective competencies"},
		{"checklist declares none, nothing rated", &none, OutcomePassed, nil, "", ""},
		{"rated twice", &c, OutcomeFailed, []AffectiveRating{met("MAERB-2015 I.A.1"), met("MAERB-2015 I.A.1")}, "affective[1].code", "rated twice"},
		{"unknown result", &c, OutcomeFailed, []AffectiveRating{{Code: "MAERB-2015 I.A.1", Result: "partly"}}, "affective[0].result", "met or not-met"},
		{"not met without comment", &c, OutcomeFailed, []AffectiveRating{notMet("MAERB-2015 I.A.1", "  ")}, "affective[0].comment", "say what you observed"},
		{"comment too long", &c, OutcomeFailed, []AffectiveRating{{Code: "MAERB-2015 I.A.1", Result: AffectiveMet, Comment: strings.Repeat("x", MaxCommentLength+1)}}, "affective[0].comment", "at most"},
		{"returned carries none", &c, OutcomeReturned, []AffectiveRating{met("MAERB-2015 I.A.1")}, "affective", "not graded"},
		{"returned without ratings", &c, OutcomeReturned, nil, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := RateAffective(tt.checklist, tt.outcome, tt.ratings)
			if tt.field == "" {
				if err != nil {
					t.Fatalf("RateAffective = %v; want nil", err)
				}
				return
			}
			var v *ValidationError
			if !errors.As(err, &v) {
				t.Fatalf("RateAffective = %v; want a ValidationError on %s", err, tt.field)
			}
			for _, p := range v.Problems {
				if p.Field == tt.field && strings.Contains(p.Message, tt.phrase) {
					return
				}
			}
			t.Errorf("RateAffective problems = %+v; want %s saying %q", v.Problems, tt.field, tt.phrase)
		})
	}
}

func TestAffectiveRatingsAreSigned(t *testing.T) {
	t.Parallel()
	plain := goldenAttempt()
	if got := EvaluationRecord(&plain, *plain.Evaluation.Signature).Digest(); got != goldenEvaluationDigest {
		t.Fatalf("digest without affective ratings = %s; want the golden %s (older records must keep verifying)", got, goldenEvaluationDigest)
	}
	a := goldenAttempt()
	a.Evaluation.Affective = []AffectiveRating{{Code: "MAERB-2015 I.A.1", Result: AffectiveMet}}
	b := EvaluationRecord(&a, *a.Evaluation.Signature).Bytes()
	if want := `"affective":[{"code":"MAERB-2015 I.A.1","result":"met"}]`; !strings.Contains(string(b), want) {
		t.Fatalf("canonical record = %s; want the ratings %s", b, want)
	}
	key := goldenKey()
	signer := User{ID: "ivy", Name: "Ivy Instructor", Credential: "CMA (AAMA)"}
	a.Evaluation.Signature = nil
	if err := Sign(t.Context(), &a, signer, SignedInSession, a.Evaluation.EvaluatedAt, key); err != nil {
		t.Fatal(err)
	}
	if v := Verify(&a, key.KeySet()); !v.Intact {
		t.Fatalf("Verify(rated) = %+v; want intact", v.Evaluation)
	}
	a.Evaluation.Affective[0].Result = AffectiveNotMet
	if v := Verify(&a, key.KeySet()); v.Intact {
		t.Error("changing a signed affective rating left the signature intact")
	}
	a.Evaluation.Affective = nil
	if v := Verify(&a, key.KeySet()); v.Intact {
		t.Error("removing signed affective ratings left the signature intact")
	}
}
