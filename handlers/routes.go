package handlers

import (
	"net/http"

	"github.com/danielgtaylor/huma/v2"
)

// routes lists every operation of the API in one place.
func (s *server) routes(api huma.API) {
	register(api, huma.Operation{OperationID: "healthz", Method: http.MethodGet, Path: "/healthz",
		Summary: "Liveness: the process is up", Tags: []string{"Health"}}, s.healthz)
	register(api, huma.Operation{OperationID: "readyz", Method: http.MethodGet, Path: "/readyz",
		Summary: "Readiness: the store answers", Tags: []string{"Health"},
		Errors: []int{http.StatusServiceUnavailable}}, s.readyz)

	register(api, huma.Operation{OperationID: "get-me", Method: http.MethodGet, Path: "/v1/me",
		Summary: "The caller's profile", Tags: []string{"Me"}, Security: bearer,
		Errors: []int{http.StatusUnauthorized, http.StatusForbidden}}, s.me)
}
