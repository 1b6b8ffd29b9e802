package devmode_test

import (
	"encoding/json"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
	"github.com/ferryhq/ferry/internal/tools/devmode"
)

// Dev mode seeds its event types with descriptions and sample data, gives
// types an earlier version seeded without a sample theirs, and leaves a
// sample the user set alone; running it again changes nothing.
func TestDevModeSeedsEventTypesWithSamples(t *testing.T) {
	t.Parallel()
	e := apptest.NewDev(t)
	// As an earlier ferry dev left them: one bare, one the user gave a sample.
	e.MustDo(apptest.AdminToken, `mutation { createEventType(input: {name: "QUESTION_ANSWERED", description: "seeded by ferry dev"}) { id } }`, nil, nil)
	e.MustDo(apptest.AdminToken, `mutation { createEventType(input: {name: "nutror.lesson_started", description: "mine", sample: {mine: true}}) { id } }`, nil, nil)

	for range 2 {
		if err := devmode.SeedEventTypesAt(t.Context(), e.Server.URL+"/graphql", apptest.AdminToken); err != nil {
			t.Fatalf("seed: %v", err)
		}
	}

	var out struct {
		EventTypes struct {
			TotalCount int
			Edges      []struct {
				Node struct {
					Name, Description string
					Sample            json.RawMessage
				}
			}
		}
	}
	e.MustDo(apptest.AdminToken, `{ eventTypes(first: 10) { totalCount edges { node { name description sample } } } }`, nil, &out)
	if out.EventTypes.TotalCount != len(devmode.SeedEventTypes) {
		t.Errorf("%d event types, want the %d seeded once each", out.EventTypes.TotalCount, len(devmode.SeedEventTypes))
	}
	for _, edge := range out.EventTypes.Edges {
		n := edge.Node
		var sample map[string]any
		if err := json.Unmarshal(n.Sample, &sample); err != nil || len(sample) == 0 {
			t.Errorf("%s: sample %s, want a JSON object with data", n.Name, n.Sample)
		}
		if n.Name == "nutror.lesson_started" {
			if n.Description != "mine" || len(sample) != 1 || sample["mine"] != true {
				t.Errorf("%s: %q %s, want the user's description and sample kept", n.Name, n.Description, n.Sample)
			}
			continue
		}
		if n.Description == "" || n.Description == "seeded by ferry dev" {
			t.Errorf("%s: description %q, want what the event means", n.Name, n.Description)
		}
	}
}
