//go:build ignore

// entc.go generates the ent client and the entgql GraphQL schema. It is run
// by `go generate ./...` from the repository root (see generate.go).
package main

import (
	"fmt"
	"log"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithSchemaPath("./schema/ent.graphql"),
		entgql.WithConfigPath("./gqlgen.yml"),
		entgql.WithWhereInputs(true),
		entgql.WithRelaySpec(true),
		entgql.WithSchemaHook(describeTypes),
	)
	if err != nil {
		log.Fatalf("entgql extension: %v", err)
	}
	templates := append(entgql.AllTemplates,
		gen.MustParse(gen.NewTemplate("nodetype").ParseFiles("./ent/template/nodetype.tmpl")),
		gen.MustParse(gen.NewTemplate("bind").ParseFiles("./ent/template/bind.tmpl")))
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

// describeTypes gives each entity's GraphQL type the description of its
// schema.Comment annotation, and Query one of its own, so the playground
// documents every type.
func describeTypes(g *gen.Graph, s *ast.Schema) error {
	for _, n := range g.Nodes {
		def := s.Types[n.Name]
		if def == nil {
			continue
		}
		c, _ := n.Annotations["Comment"].(map[string]any)
		text, _ := c["Text"].(string)
		if text == "" {
			return fmt.Errorf("schema %s has no schema.Comment annotation: its GraphQL type would be undocumented", n.Name)
		}
		def.Description = text
	}
	if q := s.Types["Query"]; q != nil {
		q.Description = "Everything Ferry answers: lookups by id, connections with filters, and the viewer's own account."
	}
	return nil
}
