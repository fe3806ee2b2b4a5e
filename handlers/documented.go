package handlers

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"skillbook/models"
)

// The document lists every answer an operation may give, so that a client
// generated from it (and the contract test of handlers/apitest) meets no
// surprise.

// documentAnswers adds to op the problems any operation may answer: an
// unknown query parameter (422), an unexpected failure (500), the store
// unavailable (503), and for one taking a body, a malformed (400) or
// oversize (413) one. Public operations say they need no credentials
// (security: []).
func documentAnswers(op *huma.Operation, v1 bool) {
	general := []int{http.StatusUnprocessableEntity, http.StatusInternalServerError, http.StatusServiceUnavailable}
	switch op.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch:
		general = append(general, http.StatusBadRequest, http.StatusRequestEntityTooLarge)
	}
	errs := slices.Clone(op.Errors)
	for _, code := range general {
		if !slices.Contains(errs, code) {
			errs = append(errs, code)
		}
	}
	op.Errors = errs
	if !v1 && op.Security == nil {
		op.Security = []map[string][]string{}
	}
}

// retryAnswers are the operations that answer 200, with the stored record,
// when the same request was already applied (a retry), and 201 otherwise.
var retryAnswers = map[string]string{
	"create-assignments": "Everything asked was already assigned: the existing assignments, nothing new.",
	"create-attempt":     "A retry under the same client id: the attempt stored the first time.",
	"log-procedure":      "A retry under the same client id with the same content: the procedure stored the first time.",
	"register-device":    "A token already registered: refreshed (and moved to you if another user had it).",
}

// documentRetry documents the 200 of an operation of retryAnswers, with
// the body of its 201.
func documentRetry(api huma.API, op huma.Operation) {
	why, ok := retryAnswers[op.OperationID]
	if !ok {
		return
	}
	item := api.OpenAPI().Paths[op.Path]
	var o *huma.Operation
	switch op.Method {
	case http.MethodPost:
		o = item.Post
	case http.MethodPut:
		o = item.Put
	}
	if o == nil || o.Responses["201"] == nil {
		panic("handlers: " + op.OperationID + " answers retries with 200 but documents no 201")
	}
	again := *o.Responses["201"]
	again.Description = why
	o.Responses["200"] = &again
}

// exportFileTypes are the media types of export files (every format).
func exportFileTypes() []string {
	var out []string
	for _, formats := range models.ExportFormats {
		for _, f := range formats {
			if ct := f.ContentType(); !slices.Contains(out, ct) {
				out = append(out, ct)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Document returns the OpenAPI document the API serves at /openapi.json,
// without a store or credentials (the clients are generated from it).
func Document() ([]byte, error) {
	app := New(Deps{Logger: slog.New(slog.DiscardHandler)})
	resp, err := app.Test(httptest.NewRequest(http.MethodGet, "/openapi.json", nil), -1)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /openapi.json: %s", resp.Status)
	}
	return io.ReadAll(resp.Body)
}
