package schema

import (
	"entgo.io/ent"
	"entgo.io/ent/privacy"
)

// privacyPolicy applies one rule to both queries and mutations.
func privacyPolicy(rule privacy.QueryMutationRule) ent.Policy {
	return privacy.Policy{
		Query:    privacy.QueryPolicy{rule},
		Mutation: privacy.MutationPolicy{rule},
	}
}
