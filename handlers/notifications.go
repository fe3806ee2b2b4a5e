package handlers

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"github.com/danielgtaylor/huma/v2"
	"github.com/prometheus/common/expfmt"

	"skillbook/models"
	"skillbook/workflow"
)

type listNotificationsInput struct {
	Order  string `query:"order" enum:"unread-first,newest" default:"unread-first" doc:"unread-first: unread ones first, each part newest first; newest: by time only."`
	Unread bool   `query:"unread" doc:"Only unread notifications."`
	Limit  int    `query:"limit" minimum:"1" maximum:"200" default:"50"`
	Cursor string `query:"cursor" maxLength:"512"`
}

type listNotificationsOutput struct {
	Body models.List[models.FeedItem]
}

// notifications is the caller's in-app feed: every notification, whether
// its push was delivered, muted or failed.
func (s *server) notifications(ctx context.Context, in *listNotificationsInput) (*listNotificationsOutput, error) {
	l, err := s.app.Notices.Notifications(ctx, callerOf(ctx), workflow.NotificationsInput{
		Order: models.FeedOrder(in.Order), UnreadOnly: in.Unread, Page: models.Page{Limit: in.Limit, Cursor: in.Cursor}})
	if err != nil {
		return nil, err
	}
	return &listNotificationsOutput{Body: l}, nil
}

type notificationIDInput struct {
	ID string `path:"id" maxLength:"64"`
}

type feedItemOutput struct {
	Body models.FeedItem
}

// readNotification marks one of the caller's notifications read.
func (s *server) readNotification(ctx context.Context, in *notificationIDInput) (*feedItemOutput, error) {
	item, err := s.app.Notices.ReadNotification(ctx, callerOf(ctx), in.ID)
	if err != nil {
		return nil, err
	}
	return &feedItemOutput{Body: item}, nil
}

type readAllOutput struct {
	Body struct {
		Marked int64 `json:"marked" doc:"How many notifications were unread and are now read."`
	}
}

// readAllNotifications marks every unread notification of the caller read.
func (s *server) readAllNotifications(ctx context.Context, _ *struct{}) (*readAllOutput, error) {
	n, err := s.app.Notices.ReadAllNotifications(ctx, callerOf(ctx))
	if err != nil {
		return nil, err
	}
	out := &readAllOutput{}
	out.Body.Marked = n
	return out, nil
}

type preferencesOutput struct {
	ETag string `header:"ETag"`
	Body models.NotificationPreferences
}

// notificationPreferences returns the caller's muted categories.
func (s *server) notificationPreferences(ctx context.Context, _ *struct{}) (*preferencesOutput, error) {
	p, err := s.app.Notices.NotificationPreferences(ctx, callerOf(ctx))
	if err != nil {
		return nil, err
	}
	return &preferencesOutput{ETag: etag(p.Version), Body: p}, nil
}

type setPreferencesInput struct {
	IfMatch string `header:"If-Match" maxLength:"40" doc:"Optional: the ETag the preferences were read with (\"0\" before any were set); 412 if they changed since."`
	Body    struct {
		MutedCategories []string `json:"mutedCategories" maxItems:"10" enum:"evaluation-requests,evaluation-results,assignments,reminders,remediation,signing-pin,pin-sign-offs" doc:"Categories not pushed to your devices; they still appear in the in-app feed."`
	}
}

// setNotificationPreferences replaces the caller's muted categories. The
// preferences exist before any were set (at version 0), so an If-Match
// naming "0" is a condition too: that none were set since.
func (s *server) setNotificationPreferences(ctx context.Context, in *setPreferencesInput) (*preferencesOutput, error) {
	v, err := parseIfMatch(in.IfMatch)
	if err != nil {
		return nil, err
	}
	var ifVersion *int64
	if h := strings.TrimSpace(in.IfMatch); h != "" && h != "*" {
		ifVersion = &v
	}
	p, err := s.app.Notices.SetNotificationPreferences(ctx, callerOf(ctx),
		workflow.SetPreferencesInput{MutedCategories: in.Body.MutedCategories, IfVersion: ifVersion})
	if err != nil {
		return nil, err
	}
	return &preferencesOutput{ETag: etag(p.Version), Body: p}, nil
}

type metricsOutput struct {
	ContentType string `header:"Content-Type"`
	Body        []byte
}

// metrics exposes the server's metrics in the Prometheus text format.
func (s *server) metrics(ctx context.Context, _ *struct{}) (*metricsOutput, error) {
	format := expfmt.NewFormat(expfmt.TypeTextPlain)
	out := &metricsOutput{ContentType: string(format)}
	if s.gatherer == nil {
		return nil, huma.Error404NotFound("metrics are not served on this address (METRICS_ADDR gives them their own)")
	}
	families, err := s.gatherer.Gather()
	if err != nil {
		logFrom(ctx).Warn("gather metrics", "error", err)
	}
	var buf bytes.Buffer
	enc := expfmt.NewEncoder(&buf, format)
	for _, f := range families {
		if err := enc.Encode(f); err != nil {
			return nil, fmt.Errorf("encode metrics: %w", err)
		}
	}
	out.Body = buf.Bytes()
	return out, nil
}
