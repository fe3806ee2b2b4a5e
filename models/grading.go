package models

// Grading is how a checklist is graded and when a skill counts as competent.
// A program sets defaults; a checklist may override any of them.
type Grading struct {
	// MinScore is the lowest passing score, in percent of applicable steps
	// passed. A failed critical step fails the attempt whatever the score.
	MinScore int `json:"minScore" yaml:"min_score"`
	// RequiredEvaluations is how many passed, signed instructor evaluations
	// make the skill competent.
	RequiredEvaluations int `json:"requiredEvaluations" yaml:"required_evaluations"`
	// MaxAttempts is how many failed graded attempts flag the skill for
	// remediation by the program admin.
	MaxAttempts int `json:"maxAttempts" yaml:"max_attempts"`
	// RequiredPractice is how many logged practice attempts a student needs
	// before requesting an evaluation.
	RequiredPractice int `json:"requiredPractice" yaml:"required_practice"`
}

// DefaultGrading is what a new program starts with: the common MA-program
// rule of three attempts, one signed pass and no practice quota.
var DefaultGrading = Grading{MinScore: 85, RequiredEvaluations: 1, MaxAttempts: 3, RequiredPractice: 0}

// GradingOverride holds a checklist's own values; nil fields fall back to the
// program's defaults.
type GradingOverride struct {
	MinScore            *int `json:"minScore,omitempty" yaml:"min_score,omitempty"`
	RequiredEvaluations *int `json:"requiredEvaluations,omitempty" yaml:"required_evaluations,omitempty"`
	MaxAttempts         *int `json:"maxAttempts,omitempty" yaml:"max_attempts,omitempty"`
	RequiredPractice    *int `json:"requiredPractice,omitempty" yaml:"required_practice,omitempty"`
}

// Apply returns defaults with o's set fields on top.
func (o GradingOverride) Apply(defaults Grading) Grading {
	g := defaults
	if o.MinScore != nil {
		g.MinScore = *o.MinScore
	}
	if o.RequiredEvaluations != nil {
		g.RequiredEvaluations = *o.RequiredEvaluations
	}
	if o.MaxAttempts != nil {
		g.MaxAttempts = *o.MaxAttempts
	}
	if o.RequiredPractice != nil {
		g.RequiredPractice = *o.RequiredPractice
	}
	return g
}

// Validate checks that every value is in range.
func (g Grading) Validate(prefix string) error {
	var v ValidationError
	if g.MinScore < 0 || g.MinScore > 100 {
		v.Add(prefix+"minScore", "must be between 0 and 100")
	}
	if g.RequiredEvaluations < 1 || g.RequiredEvaluations > 10 {
		v.Add(prefix+"requiredEvaluations", "must be between 1 and 10")
	}
	if g.MaxAttempts < 1 || g.MaxAttempts > 20 {
		v.Add(prefix+"maxAttempts", "must be between 1 and 20")
	}
	if g.RequiredPractice < 0 || g.RequiredPractice > 50 {
		v.Add(prefix+"requiredPractice", "must be between 0 and 50")
	}
	return v.Err()
}
