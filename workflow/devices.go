package workflow

import (
	"context"
	"strings"
	"time"

	"skillbook/models"
)

// DeviceStore keeps the devices pushes go to, keyed by their FCM token.
type DeviceStore interface {
	// SaveDevice stores d under its token for d.UserID, refreshed at
	// d.RefreshedAt (moving the token from whoever held it), then removes
	// the user's devices beyond the keep most recently refreshed and
	// those refreshed before staleBefore. It reports whether the token
	// was new.
	SaveDevice(ctx context.Context, d models.Device, keep int, staleBefore time.Time) (models.Device, bool, error)
	// RemoveDevice removes a device of a user; a token the user does not
	// hold is models.ErrNotFound.
	RemoveDevice(ctx context.Context, programID, userID, token string) error
}

// RegisterDeviceInput is a device the app registers on every start.
type RegisterDeviceInput struct {
	// Token is the app's FCM registration token.
	Token      string
	Platform   models.Platform
	AppVersion string
}

// RegisteredDevice is what registering did.
type RegisteredDevice struct {
	Device models.Device
	// Created is true when the token was new, false when a known token
	// was refreshed (or moved to the caller).
	Created bool
}

// RegisterDevice records the caller's device for pushes: a known token is
// refreshed (and moves to the caller if another user had it), a new one is
// added. The caller keeps models.MaxDevicesPerUser devices, the most
// recently refreshed, and none unrefreshed for models.StaleDeviceAge.
func (n *Notices) RegisterDevice(ctx context.Context, caller Caller, in RegisterDeviceInput) (RegisteredDevice, error) {
	token := strings.TrimSpace(in.Token)
	if !models.ValidDeviceToken(token) {
		return RegisteredDevice{}, &models.ValidationError{Problems: []models.FieldProblem{{Field: "body.token",
			Message: "must be an FCM registration token: printable ASCII without spaces, /, ?, # or %"}}}
	}
	now := n.clock.Now().UTC()
	d := models.Device{Token: token, ProgramID: caller.ProgramID, UserID: caller.ID, Platform: in.Platform,
		AppVersion: strings.TrimSpace(in.AppVersion), RefreshedAt: now}
	var v models.ValidationError
	v.Text("body.appVersion", &d.AppVersion, models.Line)
	if err := v.Err(); err != nil {
		return RegisteredDevice{}, err
	}
	d, created, err := n.store.SaveDevice(ctx, d, models.MaxDevicesPerUser, now.Add(-models.StaleDeviceAge))
	if err != nil {
		return RegisteredDevice{}, err
	}
	return RegisteredDevice{Device: d, Created: created}, nil
}

// RemoveDevice stops pushes to one of the caller's devices (on sign-out);
// a token the caller does not hold is models.ErrNotFound.
func (n *Notices) RemoveDevice(ctx context.Context, caller Caller, token string) error {
	return n.store.RemoveDevice(ctx, caller.ProgramID, caller.ID, token)
}
