package graph_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// concurrently runs do n times at once and returns the responses.
func concurrently(n int, do func(i int) apptest.Response) []apptest.Response {
	out := make([]apptest.Response, n)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-start
			out[i] = do(i)
		})
	}
	close(start)
	wg.Wait()
	return out
}

// tally counts the responses that succeeded, and fails t on any error but
// a QUOTA_EXCEEDED naming the quota's variable and limit.
func tally(t *testing.T, res []apptest.Response, variable string, limit int) (ok int) {
	t.Helper()
	for _, r := range res {
		if len(r.Errors) == 0 {
			ok++
			continue
		}
		err := apptest.OnlyError(t, r)
		if err.Code() != "QUOTA_EXCEEDED" || !strings.Contains(err.Message, variable) || !strings.Contains(err.Message, fmt.Sprintf("at most %d ", limit)) {
			t.Errorf("refusal %q %q, want QUOTA_EXCEEDED naming %s and %d", err.Code(), err.Message, variable, limit)
		}
	}
	return ok
}

func TestConfigurationQuotaHoldsUnderConcurrentCreates(t *testing.T) {
	t.Parallel()
	const quota = 3
	e := apptest.NewWith(t, map[string]string{"FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT": fmt.Sprint(quota)})
	rcv := apptest.NewReceiver(t, 200)
	e.CreateEventType("QUESTION_ANSWERED")
	acc := e.CreateAccount("quota")
	other := e.CreateAccount("other")
	keyID, _ := e.CreateSigningKey(acc.Token, "k")
	create := func(token, keyID string, i int) apptest.Response {
		return e.Do(token, `mutation($in: CreateConfigurationInput!) { createConfiguration(input: $in) { id } }`,
			map[string]any{"in": map[string]any{"name": fmt.Sprint("endpoint ", i), "url": rcv.URL, "signingKeyID": keyID, "eventTypes": []string{"QUESTION_ANSWERED"}}})
	}
	count := func(token string) int {
		var out struct{ Configurations struct{ TotalCount int } }
		e.MustDo(token, `{ configurations { totalCount } }`, nil, &out)
		return out.Configurations.TotalCount
	}

	res := concurrently(12, func(i int) apptest.Response { return create(acc.Token, keyID, i) })
	if ok := tally(t, res, "FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT", quota); ok != quota {
		t.Errorf("%d of 12 concurrent creates succeeded, want the quota, %d", ok, quota)
	}
	if n := count(acc.Token); n != quota {
		t.Fatalf("the account has %d configurations, want %d", n, quota)
	}

	// The quota is each account's own.
	otherKey, _ := e.CreateSigningKey(other.Token, "k")
	if r := create(other.Token, otherKey, 0); len(r.Errors) != 0 {
		t.Errorf("another account's create: %+v", r.Errors)
	}
	// Deleting one makes room for one.
	var first struct {
		Configurations struct {
			Edges []struct{ Node struct{ ID string } }
		}
	}
	e.MustDo(acc.Token, `{ configurations(first: 1) { edges { node { id } } } }`, nil, &first)
	e.MustDo(acc.Token, `mutation($id: ID!) { deleteConfiguration(id: $id) }`, map[string]any{"id": first.Configurations.Edges[0].Node.ID}, nil)
	if r := create(acc.Token, keyID, 100); len(r.Errors) != 0 {
		t.Errorf("create after a delete: %+v", r.Errors)
	}
	if ok := tally(t, []apptest.Response{create(acc.Token, keyID, 101)}, "FERRY_MAX_CONFIGURATIONS_PER_ACCOUNT", quota); ok != 0 {
		t.Errorf("a create over the quota succeeded")
	}
}

func TestSigningKeyQuotaHoldsUnderConcurrentCreatesAndSkipsRevokedKeys(t *testing.T) {
	t.Parallel()
	const quota = 2
	e := apptest.NewWith(t, map[string]string{"FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT": fmt.Sprint(quota)})
	acc := e.CreateAccount("quota")
	create := func(token string, accountID any) apptest.Response {
		return e.Do(token, `mutation($acc: ID) { createSigningKey(input: {name: "k", accountID: $acc}) { signingKey { id } } }`, map[string]any{"acc": accountID})
	}

	res := concurrently(10, func(i int) apptest.Response {
		if i%2 == 0 {
			return create(apptest.AdminToken, acc.ID) // the admin token is held to it too
		}
		return create(acc.Token, nil)
	})
	if ok := tally(t, res, "FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT", quota); ok != quota {
		t.Errorf("%d of 10 concurrent creates succeeded, want the quota, %d", ok, quota)
	}
	var keys struct {
		SigningKeys struct {
			TotalCount int
			Edges      []struct{ Node struct{ ID string } }
		}
	}
	e.MustDo(acc.Token, `{ signingKeys { totalCount edges { node { id } } } }`, nil, &keys)
	if keys.SigningKeys.TotalCount != quota {
		t.Fatalf("the account has %d keys, want %d", keys.SigningKeys.TotalCount, quota)
	}

	// A revoked key no longer counts.
	e.MustDo(acc.Token, `mutation($id: ID!) { revokeSigningKey(id: $id) { revokedAt } }`, map[string]any{"id": keys.SigningKeys.Edges[0].Node.ID}, nil)
	if r := create(acc.Token, nil); len(r.Errors) != 0 {
		t.Errorf("create after a revoke: %+v", r.Errors)
	}
	if ok := tally(t, []apptest.Response{create(acc.Token, nil)}, "FERRY_MAX_SIGNING_KEYS_PER_ACCOUNT", quota); ok != 0 {
		t.Errorf("a create over the quota succeeded")
	}
}
