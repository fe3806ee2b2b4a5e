package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"skillbook/clock"
	"skillbook/models"
)

// bootstrap creates a program and invites its first admin, who becomes an
// active user on their first sign-in with that verified email.
func bootstrap(ctx context.Context, args []string, getenv func(string) string, stdout, _ io.Writer) error {
	fs := flag.NewFlagSet("bootstrap", flag.ContinueOnError)
	program := fs.String("program", "", "the program's name (required)")
	email := fs.String("admin-email", "", "the first admin's email (required)")
	name := fs.String("admin-name", "", "the first admin's name (default: the email's local part)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if strings.TrimSpace(*program) == "" || strings.TrimSpace(*email) == "" {
		return usageErrorf(fs, "--program and --admin-email are required")
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, cfg, clock.System{}, newLogger(io.Discard, cfg.LogLevel))
	if err != nil {
		return err
	}
	defer st.Close(context.WithoutCancel(ctx))

	p, admin, err := createProgram(ctx, st, *program, *email, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "program %q created (id %s)\nadmin %s invited (id %s): they become active on their first sign-in with a verified email\n",
		p.Name, p.ID, admin.Email, admin.ID)
	return nil
}

// createProgram stores a program and its first admin's invitation.
func createProgram(ctx context.Context, st engine, program, email, name string) (models.Program, models.User, error) {
	email = models.NormalizeEmail(email)
	if name == "" {
		name, _, _ = strings.Cut(email, "@")
	}
	admin := models.User{Email: email, Name: name, Role: models.RoleAdmin}
	if err := admin.Validate(); err != nil {
		return models.Program{}, models.User{}, &usageError{msg: "bootstrap: " + err.Error()}
	}
	if _, err := st.UserByEmail(ctx, email); err == nil {
		return models.Program{}, models.User{}, fmt.Errorf("bootstrap: %s already has an account", email)
	} else if !errors.Is(err, models.ErrNotFound) {
		return models.Program{}, models.User{}, err
	}
	p, err := st.CreateProgram(ctx, strings.TrimSpace(program))
	if err != nil {
		return models.Program{}, models.User{}, err
	}
	admin.ProgramID = p.ID
	admin, err = st.CreateUser(ctx, models.SystemActor, admin)
	if err != nil {
		return models.Program{}, models.User{}, err
	}
	return p, admin, nil
}
