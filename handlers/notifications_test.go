package handlers_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"skillbook/clock"
	"skillbook/handlers"
	"skillbook/handlers/apitest"
	"skillbook/models"
	"skillbook/notify"
	"skillbook/notify/fcmtest"
	"skillbook/store/storetest"
)

// startWorker runs a notification worker on env's store that delivers to
// the test FCM server, until the test ends.
func startWorker(t *testing.T, env *apitest.Env, fcm *fcmtest.Server) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	w := notify.New(notify.Config{Store: env.Store, Sender: fcm.Client(t), Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		PollInterval: 10 * time.Millisecond, BackoffBase: 10 * time.Millisecond, HousekeepingInterval: time.Hour})
	done := make(chan struct{})
	go func() {
		defer close(done)
		w.Run(ctx)
	}()
	t.Cleanup(func() { cancel(); <-done })
}

func registerDevice(t *testing.T, env *apitest.Env, u apitest.User, token string, status int) models.Device {
	t.Helper()
	var d models.Device
	env.Post(t, "/v1/me/devices", u.Token, map[string]any{"token": token, "platform": "android", "appVersion": "3.2.0"}).
		WantStatus(t, status).JSON(t, &d)
	return d
}

// TestWorkflowPushesReachDevices is the evaluation workflow end to end with
// pushes: the instructor's device hears of the request, the student's of
// the signed result.
func TestWorkflowPushesReachDevices(t *testing.T) {
	t.Parallel()
	c := newClass(t, 1, models.AreaMedication)
	student := c.students[0]
	fcm := fcmtest.New(t)
	instructorToken, studentToken := "inst-"+c.instructor.ID, "stud-"+student.ID
	registerDevice(t, c.env, c.instructor, instructorToken, http.StatusCreated)
	registerDevice(t, c.env, student, studentToken, http.StatusCreated)
	startWorker(t, c.env, fcm)

	a := c.request(t, student, "intramuscular-injection")
	requested := fcm.WaitFor(t, 20*time.Second, "the evaluation request push", func(ms []fcmtest.Message) bool {
		return len(pushesTo(ms, instructorToken, "Evaluation requested")) > 0
	})
	req := pushesTo(requested, instructorToken, "Evaluation requested")[0]
	if req.Data["attemptId"] != a.ID || req.Data["screen"] != "queue" || req.Data["category"] != "evaluation-requests" ||
		req.Data["notificationId"] == "" || !strings.Contains(req.Body, "intramuscular injection") || !strings.Contains(req.Body, student.Name) {
		t.Errorf("instructor's push = %+v; want the request of attempt %s", req, a.ID)
	}

	c.env.Post(t, "/v1/attempts/"+a.ID+"/evaluations", c.instructor.Token, map[string]any{
		"steps": c.grades(t, a), "setting": "skills-lab", "attest": true,
	}).WantStatus(t, http.StatusCreated)
	signed := fcm.WaitFor(t, 20*time.Second, "the result push", func(ms []fcmtest.Message) bool {
		return len(pushesTo(ms, studentToken, "Skill signed off")) > 0
	})
	res := pushesTo(signed, studentToken, "Skill signed off")[0]
	if res.Data["attemptId"] != a.ID || res.Data["category"] != "evaluation-results" || !strings.Contains(res.Body, "passed") {
		t.Errorf("student's push = %+v; want the signed result of attempt %s", res, a.ID)
	}
	// Each went to its recipient only, once.
	for _, m := range fcm.Messages() {
		if (m.Token == studentToken && m.Title == "Evaluation requested") || (m.Token == instructorToken && m.Title == "Skill signed off") {
			t.Errorf("push %q reached the wrong device %s", m.Title, m.Token)
		}
	}
	if n := len(pushesTo(fcm.Messages(), studentToken, "Skill signed off")); n != 1 {
		t.Errorf("%d result pushes; want 1", n)
	}

	// The feed has it too, read or not.
	var feed models.List[models.FeedItem]
	c.env.Get(t, "/v1/me/notifications", student.Token).WantStatus(t, http.StatusOK).JSON(t, &feed)
	if len(feed.Items) == 0 || feed.Items[0].Title != "Skill signed off" || feed.Items[0].Read || feed.Items[0].ID != res.Data["notificationId"] {
		t.Errorf("student's feed = %+v; want the result first, unread, with the push's id", feed.Items)
	}
}

func pushesTo(ms []fcmtest.Message, token, title string) []fcmtest.Message {
	var out []fcmtest.Message
	for _, m := range ms {
		if m.Token == token && m.Title == title {
			out = append(out, m)
		}
	}
	return out
}

func TestDeviceRegistration(t *testing.T) {
	t.Parallel()
	// Devices are pruned oldest first by the time they were registered,
	// kept to the millisecond: the clock moves between registrations.
	clk := clock.NewFake(time.Now())
	env := apitest.NewWithClock(t, clk)
	p := env.Program(t)
	alice, bob := env.NewUser(t, p.ID, models.RoleStudent), env.NewUser(t, p.ID, models.RoleInstructor)
	tok := "fcm-" + strings.ReplaceAll(uuid.Must(uuid.NewV7()).String(), "-", "") + ":APA91b-x_y"

	first := registerDevice(t, env, alice, tok, http.StatusCreated)
	again := registerDevice(t, env, alice, tok, http.StatusOK)
	if first.Token != tok || first.Platform != models.PlatformAndroid || first.AppVersion != "3.2.0" || again.RefreshedAt.Before(first.RefreshedAt) {
		t.Errorf("registered %+v, then %+v", first, again)
	}
	// The phone changes hands: the token moves to Bob.
	registerDevice(t, env, bob, tok, http.StatusOK)
	del := func(u apitest.User, token string) apitest.Response {
		return env.Do(t, apitest.Request{Method: http.MethodDelete, Path: "/v1/me/devices/" + url.PathEscape(token), Token: u.Token})
	}
	del(alice, tok).WantProblem(t, http.StatusNotFound, "not-found")
	del(bob, tok).WantStatus(t, http.StatusNoContent)
	del(bob, tok).WantProblem(t, http.StatusNotFound, "not-found")

	for _, body := range []map[string]any{
		{"token": "has space", "platform": "ios"},
		{"token": "a/b", "platform": "ios"},
		{"token": "ok-token", "platform": "blackberry"},
		{"token": "", "platform": "web"},
		{"token": strings.Repeat("x", 4097), "platform": "web"},
	} {
		env.Post(t, "/v1/me/devices", alice.Token, body).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	}

	for i := range models.MaxDevicesPerUser + 3 {
		clk.Advance(time.Millisecond)
		registerDevice(t, env, alice, fmt.Sprintf("tok-%02d-%s", i, alice.ID), http.StatusCreated)
	}
	ds, err := env.Store.DevicesOf(context.Background(), []string{alice.ID})
	if err != nil || len(ds) != models.MaxDevicesPerUser {
		t.Fatalf("Alice's devices = %d, %v; want %d", len(ds), err, models.MaxDevicesPerUser)
	}
	for _, d := range ds {
		if strings.HasPrefix(d.Token, "tok-00-") || strings.HasPrefix(d.Token, "tok-02-") {
			t.Errorf("the oldest device %s was kept", d.Token)
		}
	}
	env.Post(t, "/v1/me/devices", "", map[string]any{"token": "x", "platform": "ios"}).WantProblem(t, http.StatusUnauthorized, "unauthenticated")
}

func TestNotificationFeed(t *testing.T) {
	t.Parallel()
	clk := clock.NewFake(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	env := apitest.NewWithClock(t, clk)
	p := env.Program(t)
	student, other := env.NewUser(t, p.ID, models.RoleStudent), env.NewUser(t, p.ID, models.RoleStudent)
	ctx := context.Background()
	for i := range 4 {
		a := models.Assignment{ProgramID: p.ID, ChecklistID: fmt.Sprintf("cl-%d", i), ChecklistVersion: 1, StudentID: student.ID}
		n := []models.Notification{{UserID: student.ID, Category: "assignments", Title: fmt.Sprintf("Skill %d", i), Body: "b",
			Data: map[string]string{"checklistId": a.ChecklistID}}}
		if _, _, err := storetest.CreateAssignment(ctx, env.Store, models.SystemActor, a, n); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Millisecond)
	}
	list := func(u apitest.User, query string) models.List[models.FeedItem] {
		t.Helper()
		var l models.List[models.FeedItem]
		env.Get(t, "/v1/me/notifications"+query, u.Token).WantStatus(t, http.StatusOK).JSON(t, &l)
		return l
	}
	titles := func(items []models.FeedItem) string {
		var out []string
		for _, it := range items {
			out = append(out, it.Title)
		}
		return strings.Join(out, ",")
	}
	all := list(student, "?order=newest")
	if got := titles(all.Items); got != "Skill 3,Skill 2,Skill 1,Skill 0" || all.Items[0].Push != models.PushPending {
		t.Fatalf("feed = %s (%+v); want newest first, pending", got, all.Items)
	}
	if l := list(other, ""); len(l.Items) != 0 {
		t.Errorf("another student's feed = %+v; want empty", l.Items)
	}

	// Read "Skill 2": unread first puts it last.
	var read models.FeedItem
	env.Post(t, "/v1/me/notifications/"+all.Items[1].ID+"/read", student.Token, nil).WantStatus(t, http.StatusOK).JSON(t, &read)
	if !read.Read || read.ReadAt == nil {
		t.Errorf("read = %+v", read)
	}
	env.Post(t, "/v1/me/notifications/"+all.Items[1].ID+"/read", other.Token, nil).WantProblem(t, http.StatusNotFound, "not-found")
	var got []models.FeedItem
	l := list(student, "?limit=3")
	got = append(got, l.Items...)
	if l.NextCursor == "" {
		t.Fatal("no next cursor after a full page")
	}
	l = list(student, "?limit=3&cursor="+l.NextCursor)
	got = append(got, l.Items...)
	if s := titles(got); s != "Skill 3,Skill 1,Skill 0,Skill 2" || l.NextCursor != "" {
		t.Errorf("unread first, in pages of 3 = %s (next %q)", s, l.NextCursor)
	}
	if s := titles(list(student, "?unread=true").Items); s != "Skill 3,Skill 1,Skill 0" {
		t.Errorf("unread only = %s", s)
	}
	env.Get(t, "/v1/me/notifications?cursor=bogus", student.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	env.Get(t, "/v1/me/notifications?order=oldest", student.Token).WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")

	var marked struct {
		Marked int `json:"marked"`
	}
	env.Post(t, "/v1/me/notifications/read-all", student.Token, nil).WantStatus(t, http.StatusOK).JSON(t, &marked)
	if marked.Marked != 3 || len(list(student, "?unread=true").Items) != 0 {
		t.Errorf("read-all marked %d; want 3 and none left unread", marked.Marked)
	}
}

func TestNotificationPreferences(t *testing.T) {
	t.Parallel()
	env := apitest.New(t)
	p := env.Program(t)
	u := env.NewUser(t, p.ID, models.RoleInstructor)
	put := func(ifMatch string, muted ...string) apitest.Response {
		h := map[string]string{}
		if ifMatch != "" {
			h["If-Match"] = ifMatch
		}
		return env.Do(t, apitest.Request{Method: http.MethodPut, Path: "/v1/me/notification-preferences", Token: u.Token,
			Body: map[string]any{"mutedCategories": append([]string{}, muted...)}, Header: h})
	}
	var prefs models.NotificationPreferences
	r := env.Get(t, "/v1/me/notification-preferences", u.Token).WantStatus(t, http.StatusOK)
	r.JSON(t, &prefs)
	if r.Header.Get("ETag") != `"0"` || len(prefs.MutedCategories) != 0 {
		t.Errorf("preferences before any = %+v, ETag %s", prefs, r.Header.Get("ETag"))
	}
	r = put(`"0"`, "reminders", "assignments").WantStatus(t, http.StatusOK)
	r.JSON(t, &prefs)
	if r.Header.Get("ETag") != `"1"` || strings.Join(prefs.MutedCategories, ",") != "reminders,assignments" {
		t.Errorf("after PUT = %+v, ETag %s", prefs, r.Header.Get("ETag"))
	}
	put(`"0"`, "reminders").WantProblem(t, http.StatusPreconditionFailed, "precondition-failed")
	put(`W/"x"`).WantProblem(t, http.StatusPreconditionFailed, "precondition-failed")
	put("", "gossip").WantProblem(t, http.StatusUnprocessableEntity, "validation-failed")
	if r = put("").WantStatus(t, http.StatusOK); r.Header.Get("ETag") != `"2"` {
		t.Errorf("unconditional PUT ETag = %s; want \"2\"", r.Header.Get("ETag"))
	}
	// Every category the server sends can be muted (the schema lists them all).
	put("", models.Categories...).WantStatus(t, http.StatusOK)
}

func TestMetricsEndpoint(t *testing.T) {
	t.Parallel()
	reg := prometheus.NewRegistry()
	m := notify.NewMetrics(reg)
	m.Sent.Add(3)
	env := apitest.New(t, func(d *handlers.Deps) { d.Metrics = reg })
	r := env.Get(t, "/metrics", "").WantStatus(t, http.StatusOK)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain; version=0.0.4") {
		t.Errorf("Content-Type = %q; want the Prometheus text format", ct)
	}
	body := string(r.Body)
	for _, want := range []string{"skillbook_notify_sent_total 3", "skillbook_notify_queued_total 0", `skillbook_notify_pruned_total{reason="stale"} 0`,
		"skillbook_notify_retried_total", "skillbook_notify_failed_total"} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics has no %q:\n%s", want, body)
		}
	}
}

func TestMetricsOnTheirOwnAddressAreNotOnTheAPIs(t *testing.T) {
	t.Parallel()
	env := apitest.New(t, func(d *handlers.Deps) { d.Metrics = nil })
	env.Get(t, "/metrics", "").WantProblem(t, http.StatusNotFound, "not-found")
}
