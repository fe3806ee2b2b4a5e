package load

import (
	"context"
	"testing"
	"time"
)

func TestPercentileIsNearestRank(t *testing.T) {
	var lat []time.Duration
	for i := 1; i <= 100; i++ {
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	for _, tt := range []struct {
		p    float64
		want time.Duration
	}{{50, 50 * time.Millisecond}, {95, 95 * time.Millisecond}, {99, 99 * time.Millisecond}, {100, 100 * time.Millisecond}, {1, time.Millisecond}} {
		if got := percentile(lat, tt.p); got != tt.want {
			t.Errorf("percentile(1..100ms, %v) = %v; want %v", tt.p, got, tt.want)
		}
	}
	if got := percentile([]time.Duration{7}, 99); got != 7 {
		t.Errorf("percentile of one sample = %v", got)
	}
}

func TestReportCountsErrorsAnd5xx(t *testing.T) {
	r := newRecorder()
	r.record("GET /a", 10*time.Millisecond, 200)
	r.record("GET /a", 30*time.Millisecond, 503)
	r.record("GET /a", 20*time.Millisecond, 409)
	r.record("GET /b", 5*time.Millisecond, 0)
	total, routes := r.report(2 * time.Second)
	if len(routes) != 2 || routes[0].Requests != 3 || routes[0].Errors != 2 || routes[0].Status5xx != 1 || routes[0].Max != 30 || routes[0].P50 != 20 {
		t.Errorf("route stats %+v", routes)
	}
	if total.Requests != 4 || total.Errors != 3 || total.Transport != 1 || total.Status5xx != 1 || total.RPS != 2 {
		t.Errorf("total %+v", total)
	}
}

func TestMixSplitsUsersByWeight(t *testing.T) {
	m, err := ParseMix("students=80,instructors=15,admins=5")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ n, s, i, a int }{{50, 41, 7, 2}, {3, 1, 1, 1}, {100, 80, 15, 5}, {5, 3, 1, 1}} {
		s, i, a := m.split(tt.n)
		if s != tt.s || i != tt.i || a != tt.a || s+i+a != tt.n {
			t.Errorf("split(%d) = %d, %d, %d; want %d, %d, %d", tt.n, s, i, a, tt.s, tt.i, tt.a)
		}
	}
	for _, bad := range []string{"students=x", "teachers=1", "students=0,admins=0", "students"} {
		if _, err := ParseMix(bad); err == nil {
			t.Errorf("ParseMix(%q) = nil error", bad)
		}
	}
}

func TestCheckLoopbackRefusesOtherHosts(t *testing.T) {
	ctx := context.Background()
	for _, ok := range []string{"127.0.0.1:8080", "localhost:9099", "[::1]:80", "127.0.0.2"} {
		if err := CheckLoopback(ctx, ok); err != nil {
			t.Errorf("CheckLoopback(%q) = %v", ok, err)
		}
	}
	for _, bad := range []string{"192.0.2.10:8080", "10.0.0.1", "[2001:db8::1]:80", "0.0.0.0:8080"} {
		if err := CheckLoopback(ctx, bad); err == nil {
			t.Errorf("CheckLoopback(%q) = nil; want refused", bad)
		}
	}
}

func TestRunRefusesARemoteTarget(t *testing.T) {
	_, err := Run(context.Background(), Config{Target: "http://192.0.2.10:8080", Emulator: "127.0.0.1:9099", Password: "x",
		Users: 1, Duration: time.Second, Mix: Mix{Students: 1}})
	if err == nil {
		t.Fatal("Run against 192.0.2.10 = nil error")
	}
}
