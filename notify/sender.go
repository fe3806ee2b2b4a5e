package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	firebase "firebase.google.com/go/v4"
	"firebase.google.com/go/v4/messaging"
	"golang.org/x/oauth2/google"
	"google.golang.org/api/option"
)

// Sender delivers pushes: the Admin SDK's *messaging.Client, or LogSender.
// SendEach sends each message with its own HTTP call (FCM HTTP v1) and
// reports each outcome in order.
type Sender interface {
	SendEach(ctx context.Context, messages []*messaging.Message) (*messaging.BatchResponse, error)
}

// SenderConfig says how to reach FCM.
type SenderConfig struct {
	ProjectID string
	// CredentialsFile is a service-account JSON file.
	CredentialsFile string
	// Endpoint overrides FCM's address (a local test server); no
	// credentials are sent to it.
	Endpoint string
	Logger   *slog.Logger
}

// NewSender returns the Admin SDK's messaging client when there are FCM
// credentials (a credentials file, or the environment's default
// credentials for a real project) or an endpoint override, and otherwise a
// LogSender. It reports whether pushes really leave the process.
func NewSender(ctx context.Context, cfg SenderConfig) (Sender, bool, error) {
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	var opts []option.ClientOption
	switch {
	case cfg.Endpoint != "":
		opts = append(opts, option.WithEndpoint(cfg.Endpoint), option.WithoutAuthentication())
	case cfg.CredentialsFile != "":
		opts = append(opts, option.WithCredentialsFile(cfg.CredentialsFile))
	case strings.HasPrefix(cfg.ProjectID, "demo-") || !hasDefaultCredentials(ctx):
		return &LogSender{Logger: cfg.Logger}, false, nil
	}
	app, err := firebase.NewApp(ctx, &firebase.Config{ProjectID: cfg.ProjectID}, opts...)
	if err != nil {
		return nil, false, fmt.Errorf("firebase app for messaging: %w", err)
	}
	client, err := app.Messaging(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("firebase messaging: %w", err)
	}
	return client, true, nil
}

// hasDefaultCredentials reports whether the environment (a cloud runtime,
// gcloud's application-default login) has credentials for FCM.
func hasDefaultCredentials(ctx context.Context) bool {
	_, err := google.FindDefaultCredentials(ctx, "https://www.googleapis.com/auth/firebase.messaging")
	return err == nil
}

// LogSender sends nothing: it logs each push it would send and reports it
// delivered. The server uses it when it has no FCM credentials (local
// runs).
type LogSender struct {
	Logger *slog.Logger
}

// SendEach logs messages.
func (l *LogSender) SendEach(ctx context.Context, messages []*messaging.Message) (*messaging.BatchResponse, error) {
	out := &messaging.BatchResponse{Responses: make([]*messaging.SendResponse, len(messages))}
	for i, m := range messages {
		title, body := "", ""
		if m.Notification != nil {
			title, body = m.Notification.Title, m.Notification.Body
		}
		l.Logger.InfoContext(ctx, "push (logged, not sent)", "token", redact(m.Token), "title", title, "body", body,
			"notificationId", m.Data[dataNotificationID], "category", m.Data[dataCategory])
		out.Responses[i] = &messaging.SendResponse{Success: true, MessageID: "logged/" + m.Data[dataNotificationID]}
		out.SuccessCount++
	}
	return out, nil
}

// redact shortens a registration token for logs: it is a credential of
// sorts (anyone holding it and a server key can push to the device).
func redact(token string) string {
	if len(token) <= 12 {
		return token
	}
	return token[:6] + "…" + token[len(token)-4:]
}
