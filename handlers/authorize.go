package handlers

import (
	"net/http"
	"slices"

	"github.com/danielgtaylor/huma/v2"

	"skillbook/models"
)

// Who may call an operation is declared once, next to its path in
// routes.go, and enforced here before the operation reads its input: the
// roles that may call it, and whether it needs a session checked for
// revocation now. Rules about one record (same program, own record, teaches
// this cohort) are not declared here; they live in models (access.go) and
// are applied by the use cases.

// accessKey is the operation metadata key holding its access rule.
const accessKey = "skillbook-access"

// allowed is the roles that may call an operation and what a caller of
// any other role is told.
type allowed struct {
	roles   []models.Role
	refusal string
}

// rule is an operation's access rule as stored in its metadata.
type rule struct {
	allowed
	fresh bool
}

// requirement is something an operation asks of the session beyond a
// role.
type requirement int

// fresh asks for a revocation check made now rather than from the cache:
// signing an evaluation must not ride on a session revoked a minute ago.
const fresh requirement = 1

// anyRole opens an operation to every role; what each caller sees is then
// decided record by record.
var anyRole = allowed{roles: []models.Role{models.RoleStudent, models.RoleInstructor, models.RoleAdmin}}

// only allows roles and refuses anyone else with refusal.
func only(refusal string, roles ...models.Role) allowed {
	return allowed{roles: roles, refusal: refusal}
}

// admins allows program admins only, refusing others with "only program
// admins may <doing>".
func admins(doing string) allowed {
	return only("only program admins may "+doing, models.RoleAdmin)
}

// access is the metadata of an operation that who may call, with the
// requirements given.
func access(who allowed, reqs ...requirement) map[string]any {
	if len(who.roles) == 0 {
		panic("handlers: access with no roles; use anyRole for an operation open to all")
	}
	return map[string]any{accessKey: rule{allowed: who, fresh: slices.Contains(reqs, fresh)}}
}

// ruleOf returns the access rule op declares.
func ruleOf(op *huma.Operation) (rule, bool) {
	r, ok := op.Metadata[accessKey].(rule)
	return r, ok
}

// authorize is the one middleware that enforces the declared rules. The
// caller was authenticated by the /v1 Fiber middleware; a fresh operation
// verifies the token again with the identity provider first, then the
// caller's role must be one the operation allows (403 otherwise).
func (s *server) authorize(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(hctx huma.Context, next func(huma.Context)) {
		r, ok := ruleOf(hctx.Operation())
		if !ok { // an unauthenticated operation (see register)
			next(hctx)
			return
		}
		ctx := hctx.Context()
		if r.fresh {
			if _, err := s.caller(ctx, hctx.Header("Authorization"), s.tokens.VerifyFresh); err != nil {
				answerProblem(api, hctx, problemFor(ctx, err))
				return
			}
		}
		if !slices.Contains(r.roles, callerFrom(ctx).Role) {
			answerProblem(api, hctx, newProblem(http.StatusForbidden, r.refusal))
			return
		}
		next(hctx)
	}
}

// answerProblem answers with p from a huma middleware.
func answerProblem(api huma.API, hctx huma.Context, p *Problem) {
	if p.Instance == "" {
		p.Instance = requestIDFrom(hctx.Context())
	}
	for k, vs := range p.headers {
		for _, v := range vs {
			hctx.SetHeader(k, v)
		}
	}
	hctx.SetHeader("Content-Type", "application/problem+json")
	hctx.SetStatus(p.Status)
	_ = api.Marshal(hctx.BodyWriter(), "application/json", p)
}
