//go:build ignore

// entc.go generates the ent client and the entgql GraphQL schema. It is run
// by `go generate ./...` from the repository root (see generate.go).
package main

import (
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./schema/ent.graphql"),
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
	)
	if err != nil {
		log.Fatalf("entgql extension: %v", err)
	}
	templates := append(entgql.AllTemplates,
		gen.MustParse(gen.NewTemplate("nodetype").ParseFiles("./ent/template/nodetype.tmpl")))
	err = entc.Generate("./ent/schema", &gen.Config{
		Target:    "./ent",
		Package:   "github.com/ferryhq/ferry/ent",
		Templates: templates,
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureIntercept,
			gen.FeatureUpsert,
			gen.FeatureModifier,
			gen.FeatureLock,
			gen.FeatureExecQuery,
		},
	}, entc.Extensions(ex))
	if err != nil {
		log.Fatalf("ent codegen: %v", err)
	}
}
