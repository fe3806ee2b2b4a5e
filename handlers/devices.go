package handlers

import (
	"context"
	"net/http"

	"skillbook/models"
	"skillbook/workflow"
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
// on every start with its current token: 201 for a new token, 200 for a
// known one refreshed (see workflow.Notices.RegisterDevice).
func (s *server) registerDevice(ctx context.Context, in *registerDeviceInput) (*deviceOutput, error) {
	b := in.Body
	r, err := s.app.Notices.RegisterDevice(ctx, callerOf(ctx),
		workflow.RegisterDeviceInput{Token: b.Token, Platform: b.Platform, AppVersion: b.AppVersion})
	if err != nil {
		return nil, err
	}
	status := http.StatusOK
	if r.Created {
		status = http.StatusCreated
	}
	return &deviceOutput{Status: status, Body: r.Device}, nil
}

type deviceTokenInput struct {
	Token string `path:"token" maxLength:"4096" doc:"The registration token, as registered."`
}

// removeDevice stops pushes to one of the caller's devices (on sign-out).
func (s *server) removeDevice(ctx context.Context, in *deviceTokenInput) (*struct{}, error) {
	if err := s.app.Notices.RemoveDevice(ctx, callerOf(ctx), in.Token); err != nil {
		return nil, err
	}
	return nil, nil
}
