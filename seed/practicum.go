package seed

import (
	"fmt"
	"time"

	"skillbook/models"
)

// externshipStart is how far into the program a cohort's externship
// starts: its last ten weeks.
const externshipStart = 0.75

// externshipSite is a clinic students are placed at, with the preceptor
// who supervises them there.
type externshipSite struct{ site, preceptor, credential string }

// practicumHours are the hours of a day at a site, quarter hours as the
// API takes them (mostly full days).
var practicumHours = []float64{4, 6, 7.5, 8, 8, 8, 8.5, 9}

// practicum logs the hours each student spent at their externship sites
// since their cohort's externship started, a day at a time, two or three
// days a week, at one site or two; an instructor of the cohort records the
// preceptor's confirmation a few days after they are logged (the latest
// still wait), and now and then that the preceptor does not confirm them.
// A student stops logging once they have the program's requirement. It
// runs after every other record is made, so the rest of a seed's program
// does not change with it.
func (g *gen) practicum() {
	required := float64(g.p.PracticumRequirement())
	limit := g.now.Add(-2 * time.Hour)
	for _, u := range g.b.Users {
		if u.Role != models.RoleStudent {
			continue
		}
		var co cohortPlan
		for _, c := range g.cohorts {
			if c.ID == u.CohortIDs[0] {
				co = c
			}
		}
		day := co.start.Add(time.Duration(externshipStart * float64(programLength))).Add(days(g.between(0, 4)))
		sites := []externshipSite{pick(g, externshipSites)}
		if g.chance(0.35) {
			if other := pick(g, externshipSites); other.site != sites[0].site {
				sites = append(sites, other)
			}
		}
		for logged := 0.0; day.Before(limit) && logged < required; day = day.Add(days(g.between(1.5, 4.5))) {
			site := sites[0]
			if len(sites) > 1 && g.chance(0.4) {
				site = sites[1]
			}
			hours := pick(g, practicumHours)
			at := stamp(earliest(day.Add(days(g.between(0.3, 2))), g.now.Add(-time.Minute)))
			p := models.PracticumEntry{ID: g.idAt(at), ProgramID: g.p.ID, StudentID: u.ID, StudentName: u.Name,
				Date: day.Format(models.DateLayout), Hours: hours, Site: site.site, Preceptor: site.preceptor,
				PreceptorCredential: site.credential, Status: models.ProcedurePending, Version: 1, CreatedAt: at, UpdatedAt: at}
			h := fmt.Sprint(hours)
			g.event(models.Event{Type: models.EventPracticumLogged, Actor: models.ActorOf(u, ""), At: at, Subject: "practicum",
				SubjectID: p.ID, StudentID: u.ID, Summary: fmt.Sprintf("logged %s practicum hours at %s on %s", h, p.Site, p.Date),
				Data: map[string]string{"date": p.Date, "hours": h, "site": p.Site, "preceptor": p.Preceptor}})
			if reviewed := stamp(at.Add(days(g.between(0.5, 6)))); reviewed.Before(g.now) {
				reviewer := pick(g, g.instructors[co.ID])
				status, typ, comment := models.ProcedureConfirmed, models.EventPracticumConfirmed, ""
				if g.chance(0.05) {
					status, typ, comment = models.ProcedureRejected, models.EventPracticumRejected, pick(g, practicumRejections)
				}
				p, _ = p.Decide(reviewer, status, comment, reviewed)
				g.event(models.Event{Type: typ, Actor: models.ActorOf(reviewer, ""), At: reviewed, Subject: "practicum",
					SubjectID: p.ID, StudentID: u.ID, Summary: fmt.Sprintf("%s %s practicum hours at %s on %s", status, h, p.Site, p.Date),
					Data: map[string]string{"status": string(status), "date": p.Date, "hours": h, "site": p.Site, "comment": comment}})
			}
			if p.Status != models.ProcedureRejected {
				logged += hours
			}
			g.b.Practicum = append(g.b.Practicum, p)
			g.sum.Practicum++
		}
	}
}
