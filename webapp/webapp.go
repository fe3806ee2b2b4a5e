// Package webapp holds Skillbook's installable web app: its TypeScript
// source is in src (built with Vite, see README.md), and the built output
// in dist is committed and embedded here, so `go build` needs no Node. The
// handlers package serves it at /app/.
package webapp

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Files is the built app: index.html, sw.js, manifest.webmanifest, icons
// and assets/ (file names carrying a content hash).
func Files() fs.FS {
	f, err := fs.Sub(dist, "dist")
	if err != nil {
		panic(err) // dist is embedded: it always exists
	}
	return f
}
