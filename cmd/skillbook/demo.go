package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	fbauth "firebase.google.com/go/v4/auth"

	"skillbook/auth"
	"skillbook/models"
)

// demoPassword is the password of every demo sign-in; they exist only in
// the local auth emulator.
const demoPassword = "skillbook-demo"

type demoUser struct {
	email, name, credential string
	role                    models.Role
}

var demoUsers = []demoUser{
	{"admin@demo.skillbook.test", "Dana Director", "", models.RoleAdmin},
	{"instructor@demo.skillbook.test", "Ian Instructor", "CMA (AAMA)", models.RoleInstructor},
	{"student1@demo.skillbook.test", "Sam Student", "", models.RoleStudent},
	{"student2@demo.skillbook.test", "Riley Student", "", models.RoleStudent},
	{"student3@demo.skillbook.test", "Jordan Student", "", models.RoleStudent},
}

// seedDemo creates, once, a demo program with an admin, an instructor and
// students, and their sign-ins in the auth emulator; then it prints how to
// use them. Running it again changes nothing.
func seedDemo(ctx context.Context, st engine, v *auth.Verifier, cfg config, stdout io.Writer) error {
	var program models.Program
	admin, err := st.UserByEmail(ctx, demoUsers[0].email)
	switch {
	case errors.Is(err, models.ErrNotFound):
		program, admin, err = createProgram(ctx, st, "Demo Medical Assistant Program", demoUsers[0].email, demoUsers[0].name)
		if err != nil {
			return err
		}
	case err != nil:
		return err
	default:
		if program, err = st.Program(ctx, admin.ProgramID); err != nil {
			return err
		}
	}
	for _, du := range demoUsers[1:] {
		_, err := st.CreateUser(ctx, models.SystemActor, models.User{ProgramID: program.ID, Email: du.email, Name: du.name, Role: du.role, Credential: du.credential})
		if err != nil && !errors.Is(err, models.ErrConflict) {
			return err
		}
	}
	for _, du := range demoUsers {
		params := (&fbauth.UserToCreate{}).Email(du.email).Password(demoPassword).DisplayName(du.name).EmailVerified(true)
		if _, err := v.Client().CreateUser(ctx, params); err != nil && !fbauth.IsEmailAlreadyExists(err) {
			return fmt.Errorf("create emulator sign-in %s: %w", du.email, err)
		}
	}
	printDemo(stdout, cfg, program)
	return nil
}

func printDemo(w io.Writer, cfg config, program models.Program) {
	fmt.Fprintf(w, "\n=== Skillbook demo: %s ===\n", program.Name)
	fmt.Fprintf(w, "Sign-ins (auth emulator at %s, password %q for all):\n", cfg.EmulatorHost, demoPassword)
	for _, du := range demoUsers {
		fmt.Fprintf(w, "  %-12s %-34s %s\n", du.role, du.email, du.name)
	}
	fmt.Fprintf(w, `
Get an ID token and call the API:
  TOKEN=$(curl -s 'http://%[1]s/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword?key=demo' \
    -H 'Content-Type: application/json' \
    -d '{"email":"student1@demo.skillbook.test","password":"%[2]s","returnSecureToken":true}' | sed -E 's/.*"idToken": ?"([^"]+)".*/\1/')
  curl -s http://%[3]s/v1/me -H "Authorization: Bearer $TOKEN"
API description: http://%[3]s/openapi.json   docs: http://%[3]s/docs

`, cfg.EmulatorHost, demoPassword, cfg.addr())
}
