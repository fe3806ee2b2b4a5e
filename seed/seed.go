package seed

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"time"

	"skillbook/models"
)

// Store is what seeding asks of an engine: a program, then the whole
// batch written in bulk.
type Store interface {
	CreateProgram(ctx context.Context, name string) (models.Program, error)
	InsertSeed(ctx context.Context, b models.SeedBatch) (written int, err error)
}

// Result is a seeded program.
type Result struct {
	Program  models.Program
	Cohorts  []models.Cohort
	Accounts []Account
	Summary  Summary
	// Written is the number of documents written, Took how long writing
	// them took (generation not included).
	Written int
	Took    time.Duration
}

// Program creates a program named name in st and fills it as o says, with
// lib (the library the store holds) assigned to every cohort.
func Program(ctx context.Context, st Store, name string, lib []models.Checklist, o Options) (Result, error) {
	if err := o.Validate(); err != nil {
		return Result{}, err
	}
	p, err := st.CreateProgram(ctx, name)
	if err != nil {
		return Result{}, err
	}
	batch, accounts, sum, err := Generate(p, lib, o)
	if err != nil {
		return Result{}, err
	}
	start := time.Now() // a measurement of the writes, not a record time
	n, err := st.InsertSeed(ctx, batch)
	if err != nil {
		return Result{}, fmt.Errorf("seed program %s: %w", p.ID, err)
	}
	return Result{Program: p, Cohorts: batch.Cohorts, Accounts: accounts, Summary: sum, Written: n, Took: time.Since(start)}, nil
}

// Manifest is what the seeder tells the load tool: the program, its
// cohorts and who can sign in with which password.
type Manifest struct {
	ProgramID   string `json:"programId"`
	ProgramName string `json:"programName"`
	// EmulatorHost and ProjectID are where the sign-ins were created.
	EmulatorHost string `json:"emulatorHost,omitempty"`
	ProjectID    string `json:"projectId,omitempty"`
	// Password signs in every account; PIN is the signing PIN of the
	// instructors who have one.
	Password string          `json:"password,omitempty"`
	PIN      string          `json:"pin,omitempty"`
	Cohorts  []models.Cohort `json:"cohorts"`
	Accounts []Account       `json:"accounts"`
	Summary  Summary         `json:"summary"`
	Created  time.Time       `json:"created"`
}

// WriteManifest writes m as JSON to path, readable by its owner only (it
// holds the emulator password).
func WriteManifest(path string, m Manifest) error {
	data, err := json.MarshalIndent(m, "", " ")
	if err != nil {
		return err
	}
	return os.WriteFile(path, data, 0o600)
}

// ReadManifest reads a manifest WriteManifest wrote.
func ReadManifest(path string) (Manifest, error) {
	var m Manifest
	data, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("read manifest %s: %w", path, err)
	}
	if m.ProgramID == "" || len(m.Accounts) == 0 {
		return m, fmt.Errorf("read manifest %s: no program or no accounts", path)
	}
	return m, nil
}

// Of returns the active accounts with role.
func (m Manifest) Of(role models.Role) []Account {
	var out []Account
	for _, a := range m.Accounts {
		if a.Role == role && a.Active {
			out = append(out, a)
		}
	}
	return out
}
