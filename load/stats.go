package load

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"sort"
	"strconv"
	"sync"
	"text/tabwriter"
	"time"
)

// recorder collects the outcome of every request, by route.
type recorder struct {
	mu     sync.Mutex
	routes map[string]*routeSamples
}

type routeSamples struct {
	latencies []time.Duration
	statuses  map[int]int
	// transport counts requests that got no HTTP answer at all.
	transport int
}

func newRecorder() *recorder { return &recorder{routes: map[string]*routeSamples{}} }

// record notes one request of route that took d and answered status (0
// when no answer came).
func (r *recorder) record(route string, d time.Duration, status int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.routes[route]
	if s == nil {
		s = &routeSamples{statuses: map[int]int{}}
		r.routes[route] = s
	}
	s.latencies = append(s.latencies, d)
	if status == 0 {
		s.transport++
		return
	}
	s.statuses[status]++
}

// count is the number of requests recorded so far.
func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, s := range r.routes {
		n += len(s.latencies)
	}
	return n
}

// RouteStats is what one route did during a run. Latencies are in
// milliseconds; Errors counts every request that was not answered 2xx
// (transport failures included), Status5xx the 5xx among them.
type RouteStats struct {
	Route     string         `json:"route"`
	Requests  int            `json:"requests"`
	RPS       float64        `json:"rps"`
	P50       float64        `json:"p50_ms"`
	P95       float64        `json:"p95_ms"`
	P99       float64        `json:"p99_ms"`
	Max       float64        `json:"max_ms"`
	Errors    int            `json:"errors"`
	Status5xx int            `json:"status_5xx"`
	Transport int            `json:"transport_errors"`
	Statuses  map[string]int `json:"statuses"`
}

// Report is the outcome of a run: every route and all of them together.
type Report struct {
	Target   string       `json:"target"`
	Users    int          `json:"users"`
	Mix      string       `json:"mix"`
	Started  time.Time    `json:"started"`
	Duration float64      `json:"duration_s"`
	Total    RouteStats   `json:"total"`
	Routes   []RouteStats `json:"routes"`
}

// report summarizes the samples of a run that lasted elapsed.
func (r *recorder) report(elapsed time.Duration) (total RouteStats, routes []RouteStats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	all := &routeSamples{statuses: map[int]int{}}
	names := make([]string, 0, len(r.routes))
	for name, s := range r.routes {
		names = append(names, name)
		all.latencies = append(all.latencies, s.latencies...)
		all.transport += s.transport
		for code, n := range s.statuses {
			all.statuses[code] += n
		}
	}
	sort.Strings(names)
	for _, name := range names {
		routes = append(routes, r.routes[name].stats(name, elapsed))
	}
	return all.stats("all routes", elapsed), routes
}

func (s *routeSamples) stats(name string, elapsed time.Duration) RouteStats {
	lat := slices.Clone(s.latencies)
	slices.Sort(lat)
	out := RouteStats{Route: name, Requests: len(lat), Transport: s.transport, Errors: s.transport, Statuses: map[string]int{}}
	if elapsed > 0 {
		out.RPS = round(float64(len(lat)) / elapsed.Seconds())
	}
	if len(lat) > 0 {
		out.P50, out.P95, out.P99 = ms(percentile(lat, 50)), ms(percentile(lat, 95)), ms(percentile(lat, 99))
		out.Max = ms(lat[len(lat)-1])
	}
	for code, n := range s.statuses {
		out.Statuses[strconv.Itoa(code)] = n
		if code < 200 || code > 299 {
			out.Errors += n
		}
		if code >= 500 {
			out.Status5xx += n
		}
	}
	return out
}

// percentile is the nearest-rank p-th percentile of sorted.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(float64(len(sorted))*p/100+0.999999) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}

func ms(d time.Duration) float64 { return round(float64(d) / float64(time.Millisecond)) }

func round(x float64) float64 { return float64(int64(x*100+0.5)) / 100 }

// Print writes the report as a table.
func (r Report) Print(w io.Writer) {
	fmt.Fprintf(w, "target %s, %d users (%s), %.1fs\n", r.Target, r.Users, r.Mix, r.Duration)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "route\trequests\treq/s\tp50 ms\tp95 ms\tp99 ms\tmax ms\terrors\t5xx\tstatuses\t")
	for _, s := range append(r.Routes, r.Total) {
		fmt.Fprintf(tw, "%s\t%d\t%.1f\t%.1f\t%.1f\t%.1f\t%.1f\t%d\t%d\t%s\t\n",
			s.Route, s.Requests, s.RPS, s.P50, s.P95, s.P99, s.Max, s.Errors, s.Status5xx, statusList(s))
	}
	tw.Flush()
}

func statusList(s RouteStats) string {
	codes := make([]string, 0, len(s.Statuses))
	for c := range s.Statuses {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	out := ""
	for _, c := range codes {
		if out != "" {
			out += " "
		}
		out += fmt.Sprintf("%s:%d", c, s.Statuses[c])
	}
	if s.Transport > 0 {
		out += fmt.Sprintf(" no-answer:%d", s.Transport)
	}
	return out
}

// WriteJSON writes the report as indented JSON.
func (r Report) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}
