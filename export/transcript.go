package export

import (
	"archive/zip"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"skillbook/models"
)

// transcriptColumns are the widths of the evaluation history table.
var transcriptColumns = []float64{0.13, 0.15, 0.18, 0.07, 0.47}

// TranscriptPDF writes one student's skills transcript: the program and
// student, every assigned competency grouped by area with its standing,
// and under it each graded evaluation (date, setting, outcome, score,
// evaluator and credential) with the sign-off digest and any amendments;
// then the competency codes evidenced and the live procedure counts.
// Pages are numbered and carry the generation time.
func TranscriptPDF(w io.Writer, t Transcript, r *models.StudentRecord) error {
	d := newDoc("Skills transcript - "+r.Student.Name, "Skills transcript - "+r.Student.Name+" - "+t.ProgramName, stampIn(t.GeneratedAt, t.Location))
	d.heading("Skills transcript", 16)
	d.para("", 10, "Program: "+t.ProgramName)
	d.para("B", 10, "Student: "+r.Student.Name+" <"+r.Student.Email+">")
	d.para("", 9, "Student id: "+r.Student.ID)
	if len(r.CohortNames) > 0 {
		d.para("", 9, "Cohort: "+strings.Join(r.CohortNames, ", "))
	}
	asOf := "Standings as of " + r.Progress.AsOf
	if p := periodText(t.Filter); p != "" {
		asOf += " (" + p + ")"
	}
	d.para("", 9, asOf+"; generated "+stampIn(t.GeneratedAt, t.Location)+".")
	d.Ln(2)
	o := r.Progress.Overall
	d.para("B", 10, fmt.Sprintf("Competent in %d of %d assigned skills (%d%%).", o.Competent, o.Assigned, o.Percent))
	for _, a := range r.Progress.Areas {
		d.para("", 9, fmt.Sprintf("%s: %d of %d (%d%%)", areaName(a.Area), a.Competent, a.Assigned, a.Percent))
	}
	d.rule()

	shown := map[string]bool{}
	if len(r.Progress.Skills) == 0 {
		d.para("I", 10, "No skills are assigned to this student.")
	}
	var area models.Area = "-"
	for _, sp := range r.Progress.Skills {
		if sp.Area != area {
			area = sp.Area
			d.needs(30)
			d.heading(areaName(area), 12)
		}
		shown[sp.ChecklistID] = true
		transcriptSkill(d, t, sp, r.EvaluationsOf(sp.ChecklistID))
	}
	var other []models.Attempt
	for _, a := range r.Evaluations {
		if !shown[a.ChecklistID] {
			other = append(other, a)
		}
	}
	if len(other) > 0 {
		d.needs(30)
		d.heading("Evaluations of checklists no longer assigned", 12)
		transcriptHistory(d, t, other, true)
	}

	d.needs(30)
	d.rule()
	d.heading("Competency codes evidenced", 12)
	if len(r.Progress.Evidence) == 0 {
		d.para("I", 9, "None yet.")
	}
	for _, e := range r.Progress.Evidence {
		line := e.Code
		if c, ok := models.LookupCompetency(e.Code); ok {
			line += " - " + c.Title
		}
		d.needs(10)
		d.para("", 9, line)
		d.para("", 8, "    Evidenced by: "+evidenceSources(e.Sources, t.Location))
	}
	if len(r.Progress.Procedures) > 0 {
		d.Ln(2)
		d.heading("Live procedures (successful, confirmed by an instructor)", 12)
		for _, p := range r.Progress.Procedures {
			met := ""
			if p.Met {
				met = " - target met"
			}
			d.para("", 9, fmt.Sprintf("%s: %d successful of %d required%s (%d confirmed, %d of them not successful)", p.Kind, p.Successful, p.Target, met,
				p.Confirmed, p.Confirmed-p.Successful))
		}
	}
	transcriptPracticum(d, r.Progress.Practicum)
	d.Ln(3)
	d.para("I", 7.5, "Each sign-off is signed with Ed25519 by the program's Skillbook; the digest is the SHA-256 of the signed record. "+
		"This PDF carries the signed records as the attachment "+SignedRecordsFile+": `skillbook verify` (or standard tools, as the README shows) "+
		"checks them against the keys published at /.well-known/skillbook-keys.json, and GET /v1/attempts/{id}/verification checks them against Skillbook.")
	if err := attachSignedRecords(d, r.Evaluations); err != nil {
		return err
	}
	return d.output(w)
}

// evidenceSources names the signed completions a code's evidence comes
// from: checklist and version, signing date and signer.
func evidenceSources(sources []models.EvidenceSource, loc *time.Location) string {
	parts := make([]string, len(sources))
	for i, s := range sources {
		p := fmt.Sprintf("%s version %d, signed %s", s.ChecklistID, s.ChecklistVersion, dayIn(&s.SignedAt, loc))
		if s.Signer != "" {
			p += " by " + withCredential(s.Signer, s.Credential)
		}
		if s.Partial {
			p += " (supports the code, does not evidence it alone)"
		}
		parts[i] = p
	}
	return strings.Join(parts, "; ")
}

// transcriptSkill writes one assigned skill with its evaluations.
func transcriptSkill(d *doc, t Transcript, sp models.SkillProgress, evals []models.Attempt) {
	d.needs(22)
	d.para("B", 10, fmt.Sprintf("%s (%s, version %d) - %s", sp.Title, sp.ChecklistID, sp.ChecklistVersion, statusName(sp.Status)))
	var facts []string
	if sp.CompetentAt != nil {
		f := "competent since " + dayIn(sp.CompetentAt, t.Location)
		if sp.Evaluator != "" {
			f += ", signed by " + withCredential(sp.Evaluator, sp.EvaluatorCredential)
		}
		facts = append(facts, f)
	}
	facts = append(facts, fmt.Sprintf("passed %d of %d required, failed %d of %d allowed", sp.Passed, sp.RequiredEvaluations, sp.Failed, sp.MaxAttempts))
	if sp.DueDate != "" {
		facts = append(facts, "due "+sp.DueDate)
	}
	d.para("", 8.5, strings.Join(facts, "; "))
	if len(sp.Competencies) > 0 {
		d.para("", 8.5, "Codes: "+strings.Join(sp.Competencies, ", "))
	}
	if len(evals) == 0 {
		d.para("I", 8.5, "No graded evaluations.")
		d.Ln(2)
		return
	}
	transcriptHistory(d, t, evals, false)
}

// transcriptHistory writes a table of evaluations with their digests and
// amendments; showChecklist names each one's checklist.
func transcriptHistory(d *doc, t Transcript, evals []models.Attempt, showChecklist bool) {
	d.Ln(1)
	d.row("B", 8, transcriptColumns, []string{"Date", "Setting", "Outcome", "Score", "Evaluator"}, true)
	for _, a := range evals {
		e := a.Evaluation
		if e == nil {
			continue
		}
		d.needs(14)
		title := ""
		if showChecklist {
			title = a.ChecklistID + ": "
		}
		score := strconv.Itoa(e.Score) + "%"
		if e.Outcome == models.OutcomeReturned {
			score = "-"
		}
		outcome := outcomeName(e.Outcome)
		if a.Status == models.StatusVoided {
			// Kept on the record, with its void below, but not counted.
			outcome += " (voided)"
		}
		d.row("", 8, transcriptColumns, []string{
			dayIn(&e.EvaluatedAt, t.Location), settingName(e.Setting), title + outcome, score, evaluatorOf(t, e),
		}, false)
		if e.Comment != "" {
			d.SetX(d.GetX() + 4)
			d.font("I", 8)
			d.multiCell(d.width-4, 3.6, d.tr("Comment: "+e.Comment), "I", 8)
		}
		if where := externshipText(e); where != "" {
			d.SetX(d.GetX() + 4)
			d.para("", 7.5, where)
		}
		for _, r := range e.Affective {
			line := "Affective " + r.Code + ": met"
			if r.Result == models.AffectiveNotMet {
				line = "Affective " + r.Code + ": not met"
			}
			if r.Comment != "" {
				line += " - " + r.Comment
			}
			d.SetX(d.GetX() + 4)
			d.para("", 7.5, line)
		}
		if s := e.Signature; s != nil {
			d.SetX(d.GetX() + 4)
			d.para("", 7.5, "Signed "+stampIn(s.SignedAt, t.Location)+" by "+withCredential(s.SignerName, s.SignerCredential)+" ("+string(s.Method)+")")
			d.mono(4, 7, "Sign-off digest: "+s.Digest)
			if s.KeyID != "" {
				d.mono(4, 7, "Signed with key: "+s.KeyID)
			}
		}
		for _, am := range a.Amendments {
			d.needs(12)
			d.SetX(d.GetX() + 4)
			d.font("B", 8)
			what := "Amendment"
			if am.Kind == models.AmendVoid {
				what = "Void"
			}
			d.multiCell(d.width-4, 3.6, d.tr(fmt.Sprintf("%s %s by %s: %s", what, stampIn(am.Signature.SignedAt, t.Location),
				withCredential(am.Signature.SignerName, am.Signature.SignerCredential), am.Reason)), "B", 8)
			d.SetX(d.GetX() + 4)
			d.font("", 8)
			d.multiCell(d.width-4, 3.6, d.tr("Correction: "+am.Correction), "", 8)
			d.mono(4, 7, "Amendment digest: "+am.Signature.Digest)
		}
		d.Ln(1)
	}
	d.Ln(2)
}

// transcriptPracticum writes the practicum hours against the program's
// requirement, by site.
func transcriptPracticum(d *doc, p models.PracticumProgress) {
	d.Ln(2)
	d.needs(20)
	d.heading("Practicum (externship) hours", 12)
	met := "requirement not yet met"
	if p.Met {
		met = "requirement met"
	}
	d.para("", 9, fmt.Sprintf("%s confirmed of %s required - %s.", hoursText(p.Confirmed), hoursText(p.Required), met))
	if p.Pending > 0 {
		d.para("", 8.5, hoursText(p.Pending)+" hours await the preceptor's confirmation.")
	}
	for _, s := range p.Sites {
		d.para("", 8.5, fmt.Sprintf("%s: %s confirmed", s.Site, hoursText(s.Confirmed)))
	}
}

// externshipText names an evaluation's externship site and preceptor, ""
// when it records neither.
func externshipText(e *models.Evaluation) string {
	var parts []string
	if e.Site != "" {
		parts = append(parts, "Site: "+e.Site)
	}
	if e.Preceptor != "" {
		parts = append(parts, "preceptor: "+withCredential(e.Preceptor, e.PreceptorCredential))
	}
	return strings.Join(parts, "; ")
}

func evaluatorOf(t Transcript, e *models.Evaluation) string {
	if s := e.Signature; s != nil {
		return withCredential(s.SignerName, s.SignerCredential)
	}
	if u, ok := t.Staff[e.EvaluatorID]; ok {
		return withCredential(u.Name, u.Credential)
	}
	return e.EvaluatorID
}

func withCredential(name, credential string) string {
	if credential == "" {
		return name
	}
	return name + ", " + credential
}

func settingName(s models.Setting) string {
	switch s {
	case models.SettingSkillsLab:
		return "Skills lab"
	case models.SettingClinicalSite:
		return "Clinical site"
	}
	return string(s)
}

func outcomeName(o models.Outcome) string {
	switch o {
	case models.OutcomePassed:
		return "Passed"
	case models.OutcomeFailed:
		return "Failed"
	case models.OutcomeReturned:
		return "Returned"
	}
	return string(o)
}

// TranscriptsZIP writes a ZIP holding one transcript PDF per student, each
// rendered and written before the next student is read.
func TranscriptsZIP(w io.Writer, t Transcript, students Students) error {
	zw := zip.NewWriter(w)
	used := map[string]int{}
	err := students(func(r *models.StudentRecord) error {
		name := FileSafe(r.Student.Name)
		if name == "" {
			name = "student"
		}
		name += "-" + shortID(r.Student.ID)
		if n := used[name]; n > 0 {
			name += "-" + strconv.Itoa(n+1)
		}
		used[name]++
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".pdf", Method: zip.Deflate, Modified: t.GeneratedAt.UTC().Truncate(time.Second)})
		if err != nil {
			return err
		}
		return TranscriptPDF(f, t, r)
	})
	if err != nil {
		return err
	}
	return zw.Close()
}

// shortID is the last 8 characters of an id, enough to tell namesakes
// apart in file names.
func shortID(id string) string {
	id = FileSafe(id)
	if len(id) > 8 {
		return id[len(id)-8:]
	}
	return id
}

// FileSafe turns a name into a lower-case file-name part of letters,
// digits and hyphens.
func FileSafe(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
