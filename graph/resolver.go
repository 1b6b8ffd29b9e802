// Package graph is Ferry's GraphQL layer: thin resolvers that validate, call a
// domain package and let the error presenter map errors to codes.
package graph

import (
	"github.com/99designs/gqlgen/graphql"

	"github.com/ferryhq/ferry/ent"
	"github.com/ferryhq/ferry/graph/generated"
	"github.com/ferryhq/ferry/internal/adapter/live"
	"github.com/ferryhq/ferry/internal/domain/branding"
	"github.com/ferryhq/ferry/internal/domain/configurations"
	"github.com/ferryhq/ferry/internal/domain/delivery"
	"github.com/ferryhq/ferry/internal/domain/publish"
	"github.com/ferryhq/ferry/internal/domain/signingkeys"
	"github.com/ferryhq/ferry/internal/edge/auth"
	"github.com/ferryhq/ferry/internal/edge/sockets"
)

// Resolver is the root resolver; it holds the dependencies resolvers need.
type Resolver struct {
	Client   *ent.Client
	Keys     *signingkeys.Service
	Configs  *configurations.Service
	Publish  *publish.Publisher
	Attempts *delivery.Service
	Hub      *live.Hub
	// Sockets closes a revoked token's websockets on every API instance.
	Sockets *sockets.Registry
	// Auth's clock times console sessions, so they expire by the clock
	// that authenticates them.
	Auth *auth.Authenticator
	// PublicURL (FERRY_PUBLIC_URL) is the base of console session URLs;
	// "" uses the request's own scheme and host.
	PublicURL string
	// Branding (FERRY_CONSOLE_*) is the console's look where a console
	// session sets none.
	Branding branding.Branding
}

// NewSchema builds the executable schema around r.
func NewSchema(r *Resolver) graphql.ExecutableSchema {
	return generated.NewExecutableSchema(generated.Config{
		Resolvers:  r,
		Directives: generated.DirectiveRoot{Admin: adminOnly},
	})
}
