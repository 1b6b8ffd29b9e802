package main

// Code generation: ent first (it writes schema/ent.graphql), then gqlgen.
//go:generate go run -mod=mod ./ent/entc.go
//go:generate go run -mod=mod github.com/99designs/gqlgen
