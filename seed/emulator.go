package seed

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
)

// UID is the sign-in uid of a seeded user: the emulator account is created
// with it, so the user document can be bound to it before any sign-in.
func UID(userID string) string { return "seed-" + userID }

// signInBatch is how many accounts one batchCreate call uploads (the
// limit of the real endpoint).
const signInBatch = 1000

// CreateSignIns creates an email/password account with a verified email in
// the Firebase Auth emulator at host for every active account, with the
// account's UID, in batches. It uploads a password hash in the emulator's
// own scheme, so the emulator does no hashing and signInWithPassword with
// password works at once.
func CreateSignIns(ctx context.Context, host, project, password string, accounts []Account) error {
	client := &http.Client{Timeout: time.Minute}
	url := fmt.Sprintf("http://%s/identitytoolkit.googleapis.com/v1/projects/%s/accounts:batchCreate", host, project)
	const salt = "skillbook-seed"
	hash := fmt.Sprintf("fakeHash:salt=%s:password=%s", salt, password)
	type userInfo struct {
		LocalID       string `json:"localId"`
		Email         string `json:"email"`
		EmailVerified bool   `json:"emailVerified"`
		DisplayName   string `json:"displayName"`
		PasswordHash  string `json:"passwordHash"`
		Salt          string `json:"salt"`
	}
	var batch []userInfo
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		body, err := json.Marshal(map[string]any{"users": batch})
		if err != nil {
			return err
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer owner")
		resp, err := client.Do(req)
		if err != nil {
			return fmt.Errorf("create emulator sign-ins: %w", err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		var out struct {
			Error []struct {
				Index   int    `json:"index"`
				Message string `json:"message"`
			} `json:"error"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(data, &out) != nil {
			return fmt.Errorf("create emulator sign-ins: %s: %.300s", resp.Status, data)
		}
		if len(out.Error) > 0 {
			e := out.Error[0]
			return fmt.Errorf("create emulator sign-ins: %d of %d refused, the first (%s): %s", len(out.Error), len(batch), batch[e.Index].Email, e.Message)
		}
		batch = batch[:0]
		return nil
	}
	for _, a := range accounts {
		if !a.Active || a.UID == "" {
			continue
		}
		batch = append(batch, userInfo{LocalID: a.UID, Email: a.Email, EmailVerified: true, DisplayName: a.Name, PasswordHash: hash, Salt: salt})
		if len(batch) == signInBatch {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}
