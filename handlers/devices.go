package handlers

import (
	"context"
	"net/http"
	"strings"

	"skillbook/models"
)

type registerDeviceInput struct {
	Body struct {
		Token      string          `json:"token" minLength:"1" maxLength:"4096" doc:"The app's FCM registration token."`
		Platform   models.Platform `json:"platform" enum:"ios,android,web"`
		AppVersion string          `json:"appVersion,omitempty" maxLength:"40" doc:"The app's version, for support."`
	}
}

type deviceOutput struct {
	Status int
	Body   models.Device
}

// registerDevice records the caller's device for pushes. The app calls it
// on every start with its current token: a known token is refreshed (and
// moves to the caller if another user had it), a new one is added, and
// beyond models.MaxDevicesPerUser the least recently refreshed is dropped.
func (s *server) registerDevice(ctx context.Context, in *registerDeviceInput) (*deviceOutput, error) {
	caller := callerFrom(ctx)
	b := in.Body
	b.Token = strings.TrimSpace(b.Token)
	b.AppVersion = strings.TrimSpace(b.AppVersion)
	if !validToken(b.Token) {
		return nil, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.token",
			Message: "must be an FCM registration token: printable ASCII without spaces, /, ?, # or %"}}}
	}
	d, created, err := s.store.RegisterDevice(ctx, models.Device{Token: b.Token, ProgramID: caller.ProgramID, UserID: caller.ID,
		Platform: b.Platform, AppVersion: b.AppVersion})
	if err != nil {
		return nil, err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return &deviceOutput{Status: status, Body: d}, nil
}

// validToken reports whether t can be a registration token, and so also a
// path segment of DELETE /v1/me/devices/{token}.
func validToken(t string) bool {
	if t == "" {
		return false
	}
	for _, c := range []byte(t) {
		if c <= ' ' || c > '~' || strings.IndexByte("/?#%\\", c) >= 0 {
			return false
		}
	}
	return true
}

type deviceTokenInput struct {
	Token string `path:"token" maxLength:"4096" doc:"The registration token, as registered."`
}

// removeDevice stops pushes to one of the caller's devices (on sign-out).
func (s *server) removeDevice(ctx context.Context, in *deviceTokenInput) (*struct{}, error) {
	caller := callerFrom(ctx)
	if err := s.store.RemoveDevice(ctx, caller.ProgramID, caller.ID, in.Token); err != nil {
		return nil, err
	}
	return nil, nil
}
