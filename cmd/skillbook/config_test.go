package main

import (
	"errors"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadConfigDefaults(t *testing.T) {
	c, err := loadConfig(env(nil))
	if err != nil {
		t.Fatalf("loadConfig(no environment) = %v", err)
	}
	if c.Port != 8080 || c.Host != "" || c.MongoURI != "" || c.DataDir != "./data" || c.ProjectID != "demo-skillbook" ||
		c.BodyLimit != 1<<20 || c.RequestTimeout != 15*time.Second || c.Database != "skillbook" {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadConfigEmulatorDefaultsToLoopback(t *testing.T) {
	c, err := loadConfig(env(map[string]string{"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Host != "127.0.0.1" {
		t.Errorf("Host in emulator mode = %q; want 127.0.0.1", c.Host)
	}
}

func TestLoadConfigRejectsBadValues(t *testing.T) {
	tests := []map[string]string{
		{"PORT": "eighty"},
		{"PORT": "70000"},
		{"LOG_LEVEL": "loud"},
		{"BODY_LIMIT": "-1"},
		{"REQUEST_TIMEOUT": "soon"},
		{"MONGODB_URI": "postgres://x"},
		{"CORS_ORIGINS": "not a url"},
		{"TRUSTED_PROXIES": "10.0.0.0/99"},
		{"SKILLBOOK_DATABASE": "a/b"},
		{"HOST": "example.com"},
		{"METRICS_ADDR": "9090"},
		{"METRICS_ADDR": "metrics.example.com:9090"},
		{"METRICS_ADDR": "127.0.0.1:99999"},
		{"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099", "FIREBASE_PROJECT_ID": "real-project"},
		{"FIREBASE_AUTH_EMULATOR_HOST": "127.0.0.1:9099", "HOST": "0.0.0.0"},
		{"FIREBASE_WEB_PUSH_KEY": "BKey"},
		{"FIREBASE_WEB_PUSH_KEY": "BKey", "FIREBASE_WEB_APP_ID": "1:2:web:3"},
		{"FIREBASE_MESSAGING_SENDER_ID": "2"},
	}
	for _, tt := range tests {
		_, err := loadConfig(env(tt))
		var ce *configError
		if !errors.As(err, &ce) {
			t.Errorf("loadConfig(%v) = %v; want a configuration error", tt, err)
		}
	}
}
