package roster_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"skillbook/models"
	"skillbook/roster"
)

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		in    string
		cred  bool
		want  []roster.Row
		fails string // a file-level problem
	}{
		{
			name: "columns in any order and case, CRLF, BOM",
			in:   "\uFEFFRole, EMAIL ,Name,Cohort,Credential\r\nstudent,Ann@Example.com,Ann Lee,Fall 2026,\r\ninstructor,ina@example.com, Ina ,Fall 2026;Spring 2027,CMA (AAMA)\r\n",
			cred: true,
			want: []roster.Row{
				{Line: 2, Email: "Ann@Example.com", Name: "Ann Lee", Role: "student", Cohort: "Fall 2026"},
				{Line: 3, Email: "ina@example.com", Name: "Ina", Role: "instructor", Cohort: "Fall 2026;Spring 2027", Credential: "CMA (AAMA)"},
			},
		},
		{
			name: "quotes, embedded commas and newlines, blank lines and empty rows skipped",
			in:   "email,name,role,cohort\n\n\"o@example.com\",\"O\"\"Brien, Pat\",student,\"Fall\n2026\"\n,,,\n   \nq@example.com,Q,admin,\n",
			want: []roster.Row{
				{Line: 3, Email: "o@example.com", Name: `O"Brien, Pat`, Role: "student", Problem: "cohort holds a control character"},
				{Line: 7, Email: "q@example.com", Name: "Q", Role: "admin"},
			},
		},
		{
			name: "formula-like values are kept as they are",
			in:   "email,name,role,cohort\nf@example.com,=SUM(A1),student,+Fall\n",
			want: []roster.Row{{Line: 2, Email: "f@example.com", Name: "=SUM(A1)", Role: "student", Cohort: "+Fall"}},
		},
		{
			name: "old Mac line ends",
			in:   "email,name,role,cohort\rm@example.com,M,student,C\r",
			want: []roster.Row{{Line: 2, Email: "m@example.com", Name: "M", Role: "student", Cohort: "C"}},
		},
		{
			name: "a trailing unnamed column is ignored",
			in:   "email,name,role,cohort,\nt@example.com,T,student,C,\n",
			want: []roster.Row{{Line: 2, Email: "t@example.com", Name: "T", Role: "student", Cohort: "C"}},
		},
		{
			name: "bad rows are reported and reading goes on",
			in: "email,name,role,cohort\na@example.com,A,student\nb@example.com,B\"x,student,C\nc@example.com,C,student,C,extra\n" +
				"d@example.com," + strings.Repeat("n", 201) + ",student,C\ne@example.com,\xff,student,C\ng@example.com,G,student,C\n",
			want: []roster.Row{
				{Line: 2, Email: "a@example.com", Problem: "has 3 columns; the header has 4"},
				{Line: 3, Problem: `a value holds a quote but is not quoted; write it as "O""Brien"`},
				{Line: 4, Email: "c@example.com", Problem: "has 5 columns; the header has 4"},
				{Line: 5, Email: "d@example.com", Role: "student", Cohort: "C", Problem: "name is longer than 200 characters"},
				{Line: 6, Email: "e@example.com", Role: "student", Cohort: "C", Problem: "name is not valid UTF-8 text"},
				{Line: 7, Email: "g@example.com", Name: "G", Role: "student", Cohort: "C"},
			},
		},
		{
			name: "names in NFD are read in NFC; a bidirectional override is refused",
			in:   "email,name,role,cohort\nj@example.com,Jose\u0301,student,Oto\u0303no\nv@example.com,Eve\u202eLIVE,student,C\n",
			want: []roster.Row{
				{Line: 2, Email: "j@example.com", Name: "Jos\u00e9", Role: "student", Cohort: "Ot\u00f5no"},
				{Line: 3, Email: "v@example.com", Role: "student", Cohort: "C", Problem: "name must not contain bidirectional override or isolate characters"},
			},
		},
		{
			name: "an unclosed quote takes the rest of the file",
			in:   "email,name,role,cohort\na@example.com,\"A,student,C\nb@example.com,B,student,C\n",
			want: []roster.Row{{Line: 2, Problem: "a quoted value is not closed, or a quote inside it is not doubled"}},
		},
		{name: "empty", in: "", fails: "empty"},
		{name: "only blank lines", in: "\r\n\r\n,,\n", fails: "empty"},
		{name: "missing column", in: "email,name,role\n", fails: `no "cohort" column`},
		{name: "unknown column", in: "email,name,role,cohort,phone\n", fails: `unknown column "phone"`},
		{name: "repeated column", in: "email,name,role,cohort,Email\n", fails: `"email" appears twice`},
		{name: "broken header", in: "\"email,name\n", fails: "header row cannot be read"},
		{name: "too many rows", in: "email,name,role,cohort\n" + strings.Repeat("a@example.com,A,student,C\n", roster.MaxRows+1), fails: "more than 5000 rows"},
		{name: "too big", in: strings.Repeat("x", roster.MaxBytes+1), fails: "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := roster.Parse([]byte(tt.in))
			if tt.fails != "" {
				var ve *models.ValidationError
				if !errors.As(err, &ve) || !strings.Contains(err.Error(), tt.fails) {
					t.Fatalf("Parse = %v; want a validation error about %q", err, tt.fails)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse = %v", err)
			}
			if f.HasCredential != tt.cred {
				t.Errorf("HasCredential = %v; want %v", f.HasCredential, tt.cred)
			}
			if diff := cmp.Diff(tt.want, f.Rows); diff != "" {
				t.Errorf("Parse rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestParseTakesMaxRows(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("email,name,role,cohort\n")
	for i := range roster.MaxRows {
		fmt.Fprintf(&b, "u%d@example.com,User %d,student,C\n\n", i, i)
	}
	f, err := roster.Parse([]byte(b.String()))
	if err != nil || len(f.Rows) != roster.MaxRows {
		t.Fatalf("Parse(%d rows) = %d rows, %v", roster.MaxRows, len(f.Rows), err)
	}
	if last := f.Rows[len(f.Rows)-1]; last.Line != 2*roster.MaxRows {
		t.Errorf("last row's line = %d; want %d", last.Line, 2*roster.MaxRows)
	}
}

// FuzzParseRoster checks that no input makes Parse or Plan panic, and that
// what Parse accepts keeps its promises.
func FuzzParseRoster(f *testing.F) {
	seeds := []string{
		"email,name,role,cohort,credential\na@example.com,A,student,Fall 2026,\n",
		"\uFEFFEmail,Name,Role,Cohort\r\nb@example.com,\"B, \"\"Bee\"\"\",instructor,Fall;Spring\r\n",
		"email,name,role,cohort\n\"unterminated,x,y,z\n",
		"email,name,role,cohort\na\"b,c,d,e\n",
		"email,name,role,cohort\n=1+1,+a,-b,@c\n",
		"email,name,role,cohort\r\r\n,,,\n\n",
		"cohort,role,name,email\nC,admin,\xff\xfe,x@example.com\n",
		"email,name,role,cohort,\n",
		"\"",
		"",
	}
	for _, s := range seeds {
		f.Add([]byte(s))
	}
	st := roster.State{
		ProgramID: "p", Caller: models.User{ID: "me", ProgramID: "p", Role: models.RoleAdmin, Active: true},
		Cohorts: []models.Cohort{{ID: "c1", ProgramID: "p", Name: "Fall 2026"}, {ID: "c2", ProgramID: "p", Name: "Spring", Archived: true}},
		Users: map[string]models.User{
			"a@example.com": {ID: "u1", ProgramID: "p", Email: "a@example.com", Name: "A", Role: models.RoleAdmin, Active: true},
			"x@example.com": {ID: "u2", ProgramID: "other", Email: "x@example.com", Role: models.RoleStudent},
		},
		ActiveAdmins: 1,
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := roster.Parse(data)
		if err != nil {
			var ve *models.ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Parse error %v is not a validation error", err)
			}
			return
		}
		if len(file.Rows) > roster.MaxRows {
			t.Fatalf("Parse returned %d rows", len(file.Rows))
		}
		prev := 1
		for _, r := range file.Rows {
			if r.Line <= prev {
				t.Fatalf("row line %d after %d", r.Line, prev)
			}
			prev = r.Line
			for _, v := range []string{r.Email, r.Name, r.Role, r.Cohort, r.Credential, r.Problem} {
				if !utf8.ValidString(v) {
					t.Fatalf("row %d holds invalid UTF-8 %q", r.Line, v)
				}
			}
			if len(r.Name) > 200 || len(r.Email) > 254 || len(r.Credential) > 100 {
				t.Fatalf("row %d holds a value over its limit", r.Line)
			}
		}
		ds := roster.Plan(file, st)
		if len(ds) != len(file.Rows) {
			t.Fatalf("Plan returned %d decisions for %d rows", len(ds), len(file.Rows))
		}
		for _, d := range ds {
			switch d.Outcome.Result {
			case models.RosterRejected:
				if d.Outcome.Reason == "" {
					t.Fatalf("row %d rejected without a reason", d.Outcome.Row)
				}
			case models.RosterCreated, models.RosterUpdated, models.RosterUnchanged:
				if err := d.User.Validate(); err != nil {
					t.Fatalf("row %d accepted an invalid user: %v", d.Outcome.Row, err)
				}
				if d.User.ProgramID != "p" {
					t.Fatalf("row %d planned a user of program %q", d.Outcome.Row, d.User.ProgramID)
				}
			default:
				t.Fatalf("row %d has result %q", d.Outcome.Row, d.Outcome.Result)
			}
		}
	})
}
