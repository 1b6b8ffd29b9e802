package devmode

import "context"

// SeedEventTypesAt runs dev mode's seeding of the catalog against the API at
// graphqlURL with the admin token.
func SeedEventTypesAt(ctx context.Context, graphqlURL, adminToken string) error {
	return seedEventTypes(ctx, client{url: graphqlURL, token: adminToken})
}
