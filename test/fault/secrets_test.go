package fault_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/pem"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"skillbook/models"
)

// TestLogsHoldNoSecrets runs the server at debug level through a flow
// that carries every secret the API handles — ID tokens, a device's push
// token (registered, pushed to, removed by its path), a signing PIN (set,
// mistyped, used) — with the signing key in the data directory, then
// reads everything it logged and looks for each of them.
func TestLogsHoldNoSecrets(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	bin := build(t, dir)
	dataDir := filepath.Join(dir, "data")
	env := environment(t, dataDir, "LOG_LEVEL=debug")
	m := seedProgram(t, bin, env, 4, 1)
	srv := serve(t, bin, env, logFile(t, dir, "serve"))
	a := newAPI(srv.Addr)

	student := m.Of(models.RoleStudent)[0]
	instructor := teacherOf(m)[student.CohortIDs[0]]
	studentToken, instructorToken := signIn(t, student), signIn(t, instructor)
	raw := make([]byte, 96)
	rand.Read(raw)
	deviceToken := base64.RawURLEncoding.EncodeToString(raw) // as long as an FCM token
	const pin, wrongPIN = "739146", "582036"

	must := func(r answer, status int, what string) answer {
		t.Helper()
		if r.status != status {
			t.Fatalf("%s = %d %s; want %d", what, r.status, r.body, status)
		}
		return r
	}
	must(a.do(http.MethodPost, "/v1/me/devices", studentToken, map[string]any{"token": deviceToken, "platform": "android", "appVersion": "3.2.0"}, nil),
		http.StatusCreated, "register a device")
	must(a.do(http.MethodPut, "/v1/me/signing-pin", instructorToken, map[string]any{"pin": pin}, nil), http.StatusNoContent, "set a signing PIN")
	var at models.Attempt
	for _, sk := range assignments(t, a, studentToken) {
		if sk.Status == models.SkillNotStarted {
			must(a.do(http.MethodPost, "/v1/attempts", studentToken, map[string]any{"checklistId": sk.ChecklistID, "kind": "evaluation"}, nil),
				http.StatusCreated, "request an evaluation").json(t, &at)
			break
		}
	}
	if at.ID == "" {
		t.Fatal("the student has no skill left to request")
	}
	s := &signOff{attempt: at, token: instructorToken, passing: true}
	body := grading(t, a, s, true)
	body["signer"] = map[string]any{"instructorId": instructor.UserID, "pin": wrongPIN}
	if r := a.do(http.MethodPost, "/v1/attempts/"+at.ID+"/evaluations", studentToken, body, nil); r.status < 400 || r.status >= 500 {
		t.Fatalf("a sign-off with a wrong PIN = %d %s; want refused", r.status, r.body)
	}
	body["signer"] = map[string]any{"instructorId": instructor.UserID, "pin": pin}
	must(a.do(http.MethodPost, "/v1/attempts/"+at.ID+"/evaluations", studentToken, body, nil), http.StatusCreated, "a PIN sign-off")
	logPath := filepath.Join(dir, "serve.log")
	// The result's push to the student's device is logged (no FCM here).
	if !poll(30*time.Second, 100*time.Millisecond, func() bool {
		b, _ := os.ReadFile(logPath)
		return strings.Contains(string(b), `"msg":"push (logged, not sent)"`) && strings.Contains(string(b), "Skill signed off")
	}) {
		t.Fatal("the sign-off's push was not logged within 30s")
	}
	must(a.do(http.MethodDelete, "/v1/me/devices/"+deviceToken, studentToken, nil, nil), http.StatusNoContent, "remove the device")
	must(a.do(http.MethodGet, "/.well-known/skillbook-keys.json", "", nil, nil), http.StatusOK, "the published keys")
	if err := srv.Stop(30 * time.Second); err != nil {
		t.Fatalf("stop the server: %v", err)
	}

	logs, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	key, err := os.ReadFile(filepath.Join(dataDir, "signing-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(key)
	if block == nil {
		t.Fatal("the demo signing key is not PEM")
	}
	secrets := map[string]string{
		"the device token":          deviceToken,
		"the device token's middle": deviceToken[20:60],
		"the student's ID token":    studentToken,
		// The emulator's tokens are unsigned: their claims are the secret part.
		"the student's ID token's claims":        strings.Split(studentToken, ".")[1],
		"the instructor's ID token's claims":     strings.Split(instructorToken, ".")[1],
		"the signing PIN":                        `"` + pin + `"`,
		"the mistyped PIN":                       `"` + wrongPIN + `"`,
		"the seeded password":                    password,
		"the signing key (PEM body)":             base64.StdEncoding.EncodeToString(block.Bytes),
		"the signing key (its seed, base64)":     base64.StdEncoding.EncodeToString(block.Bytes[len(block.Bytes)-32:]),
		"the signing key (its seed, base64url)":  base64.RawURLEncoding.EncodeToString(block.Bytes[len(block.Bytes)-32:]),
		"the instructor's ID token":              instructorToken,
		"an Authorization header's bearer value": "Bearer ey",
	}
	for what, secret := range secrets {
		if strings.Contains(string(logs), secret) {
			t.Errorf("the logs hold %s", what)
		}
	}
	// The flow did happen and was logged, redacted.
	for _, want := range []string{`"path":"/v1/me/devices/[redacted]"`, deviceToken[:6] + "…", `"role":"student"`, "signing-pin"} {
		if !strings.Contains(string(logs), want) {
			t.Errorf("the logs lack %q; the flow did not run as the test expects", want)
		}
	}
}
