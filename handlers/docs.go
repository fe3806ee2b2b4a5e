package handlers

import (
	"embed"
	"io/fs"
	"mime"
	"path"

	"github.com/gofiber/fiber/v2"
)

// docsVersion is the Swagger UI release embedded in handlers/docs (see its
// README). Asset URLs carry it, so browsers may keep them forever.
const docsVersion = "5.31.1"

//go:embed docs/swagger-ui-bundle.js docs/swagger-ui.css docs/docs.js docs/LICENSE docs/NOTICE docs/swagger-ui-bundle.js.LICENSE.txt
var docsFiles embed.FS

// docsPage loads the viewer from this server only: /docs needs no network
// beyond the API itself.
const docsPage = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Skillbook API reference</title>
<link rel="stylesheet" href="/docs/assets/` + docsVersion + `/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/` + docsVersion + `/swagger-ui-bundle.js"></script>
<script src="/docs/assets/` + docsVersion + `/docs.js"></script>
</body>
</html>
`

// docsCSP is the policy of the docs page: everything from this origin;
// inline styles because the viewer sets them as it renders.
const docsCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'"

// mountDocs serves the API reference page and its embedded assets.
func mountDocs(app *fiber.App) {
	app.Get("/docs", func(c *fiber.Ctx) error {
		c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
		return c.SendString(docsPage)
	})
	app.Get("/docs/assets/"+docsVersion+"/:file", func(c *fiber.Ctx) error {
		name := c.Params("file")
		b, err := fs.ReadFile(docsFiles, path.Join("docs", path.Base(name)))
		if err != nil {
			return fiber.ErrNotFound
		}
		ct := mime.TypeByExtension(path.Ext(name))
		if ct == "" || path.Ext(name) == ".txt" || name == "LICENSE" || name == "NOTICE" {
			ct = fiber.MIMETextPlainCharsetUTF8
		}
		c.Set(fiber.HeaderContentType, ct)
		c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		return c.Send(b)
	})
}
