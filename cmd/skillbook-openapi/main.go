// Command skillbook-openapi prints the API's OpenAPI document, as the
// server serves it at /openapi.json, for the clients generated from it
// (scripts/clients.sh).
//
//	skillbook-openapi > clients/typescript/openapi.json
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"skillbook/handlers"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "skillbook-openapi:", err)
		os.Exit(1)
	}
}

func run(stdout io.Writer) error {
	doc, err := handlers.Document()
	if err != nil {
		return err
	}
	// Indented, so a change to the API reads as a small diff.
	var out bytes.Buffer
	if err := json.Indent(&out, doc, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	_, err = stdout.Write(out.Bytes())
	return err
}
