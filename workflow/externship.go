package workflow

import (
	"strings"

	"skillbook/models"
)

// externshipText checks and cleans an evaluation's externship site,
// preceptor and preceptor credential, recording problems in v.
func externshipText(v *models.ValidationError, site, preceptor, credential string) (string, string, string) {
	fields := []struct {
		name string
		s    *string
		max  int
	}{
		{"body.site", &site, models.MaxProcedureSiteLen},
		{"body.preceptor", &preceptor, models.MaxPreceptorLen},
		{"body.preceptorCredential", &credential, models.MaxCredentialLen},
	}
	for _, f := range fields {
		*f.s = strings.TrimSpace(*f.s)
		if len(*f.s) > f.max {
			v.Add(f.name, "must be at most %d characters", f.max)
			continue
		}
		v.Text(f.name, f.s, models.Line)
	}
	return site, preceptor, credential
}
