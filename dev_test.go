package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// asFerry makes the test binary run as the ferry command, for tests that
// need a real process: FERRY_TEST_AS_FERRY holds its arguments.
const asFerry = "FERRY_TEST_AS_FERRY"

func TestMain(m *testing.M) {
	if args := os.Getenv(asFerry); args != "" {
		os.Args = append([]string{"ferry"}, strings.Fields(args)...)
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// devProcess is a running `ferry dev` with what its banner said.
type devProcess struct {
	cmd        *exec.Cmd
	playground string
	demoToken  string
	console    string
}

func startDev(t *testing.T, dir string) *devProcess {
	t.Helper()
	return startDevWith(t, dir, "--port 0")
}

// startDevWith runs `ferry dev --data ferry-dev.db` with more flags and
// environment variables.
func startDevWith(t *testing.T, dir, flags string, env ...string) *devProcess {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), asFerry+"=dev --data ferry-dev.db "+flags, "FERRY_LOG_LEVEL=warn")
	cmd.Env = append(cmd.Env, env...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start ferry dev: %v", err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	p := &devProcess{cmd: cmd}
	lines := make(chan string)
	go func() {
		defer close(lines)
		s := bufio.NewScanner(out)
		for s.Scan() {
			lines <- s.Text()
		}
	}()
	timeout := time.After(60 * time.Second)
	for p.playground == "" || p.demoToken == "" || p.console == "" {
		select {
		case line, ok := <-lines:
			if !ok {
				t.Fatal("ferry dev exited before printing its banner")
			}
			fields := strings.Fields(line)
			switch {
			case len(fields) >= 2 && fields[0] == "playground":
				p.playground = fields[1]
			case len(fields) >= 3 && fields[0] == "demo" && fields[1] == "token":
				p.demoToken = fields[2]
			case len(fields) >= 2 && fields[0] == "console":
				p.console = fields[1]
			}
		case <-timeout:
			t.Fatal("no banner from ferry dev within 60 s")
		}
	}
	go func() {
		for range lines { // keep the pipe drained
		}
	}()
	return p
}

func (p *devProcess) graphql(t *testing.T, query string, out any) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query})
	req, _ := http.NewRequest(http.MethodPost, strings.TrimSuffix(p.playground, "/")+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+p.demoToken)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("graphql: %v", err)
	}
	defer res.Body.Close()
	var r struct {
		Data   json.RawMessage
		Errors []struct{ Message string }
	}
	if err := json.NewDecoder(res.Body).Decode(&r); err != nil || len(r.Errors) > 0 {
		t.Fatalf("graphql %s: %v %+v", query, err, r.Errors)
	}
	if err := json.Unmarshal(r.Data, out); err != nil {
		t.Fatal(err)
	}
}

type devDeliveries struct {
	Deliveries struct {
		Edges []struct {
			Node struct {
				Status, EventID, URL string
			}
		}
	}
}

func (p *devProcess) delivery(t *testing.T, eventID string) (status, url string) {
	var out devDeliveries
	p.graphql(t, `{ deliveries(first: 10, where: {eventID: "`+eventID+`"}) { edges { node { status eventID url } } } }`, &out)
	if len(out.Deliveries.Edges) != 1 {
		return "", ""
	}
	n := out.Deliveries.Edges[0].Node
	return n.Status, n.URL
}

func TestFerryDevDeliversToItsEchoReceiverAndKeepsHistoryAcrossRestarts(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	p := startDev(t, dir)
	var pub struct{ PublishEvent struct{ ID string } }
	p.graphql(t, `mutation { publishEvent(input: {type: "QUESTION_ANSWERED", data: {hello: "dev"}}) { id } }`, &pub)
	evtID := pub.PublishEvent.ID
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, url := p.delivery(t, evtID)
		if status == "SUCCEEDED" {
			if !strings.HasSuffix(url, "/dev/echo") {
				t.Errorf("delivered to %s, want the echo receiver", url)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the echo delivery is %q after 20 s, want SUCCEEDED", status)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := p.cmd.Wait(); err != nil {
		t.Fatalf("ferry dev exited with %v after SIGTERM", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "ferry-dev.db")); err != nil {
		t.Fatalf("no data file: %v", err)
	}

	again := startDev(t, dir)
	if again.demoToken != p.demoToken {
		t.Errorf("the demo token changed across restarts: %s then %s", p.demoToken, again.demoToken)
	}
	if status, _ := again.delivery(t, evtID); status != "SUCCEEDED" {
		t.Errorf("after a restart the delivery is %q, want it still in the history as SUCCEEDED", status)
	}
}

// ferry dev prints a console URL that opens signed in as the demo account:
// the page is served, and the session in its fragment acts for that
// account with every capability.
func TestFerryDevPrintsAConsoleURLSignedInAsTheDemoAccount(t *testing.T) {
	t.Parallel()
	p := startDev(t, t.TempDir())
	page, session, ok := strings.Cut(p.console, "#session=")
	if !ok || !strings.HasPrefix(session, "fcs_") || !strings.HasSuffix(page, "/console/") {
		t.Fatalf("console URL %q: want …/console/#session=fcs_…", p.console)
	}
	res, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(string(body), "<div id=") {
		t.Fatalf("GET %s: HTTP %d %.200s, want the console's page", page, res.StatusCode, body)
	}
	demo := &devProcess{playground: p.playground, demoToken: session}
	var out struct {
		Viewer struct {
			Capabilities []string
			Account      struct{ Name string }
		}
	}
	demo.graphql(t, `{ viewer { capabilities account { name } } }`, &out)
	if out.Viewer.Account.Name != "Demo" || len(out.Viewer.Capabilities) != 4 {
		t.Errorf("the console session acts as %+v, want the Demo account with the four capabilities", out.Viewer)
	}
}

// What the user sets wins over what dev mode would pick or generate: PORT
// (when --port is not given) and the admin token.
func TestFerryDevHonoursPortAndAdminTokenFromTheEnvironment(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := strconv.Itoa(ln.Addr().(*net.TCPAddr).Port)
	ln.Close()
	admin := "my-own-admin-token-0123456789abcdefghij"
	p := startDevWith(t, t.TempDir(), "", "PORT="+port, "FERRY_ADMIN_TOKEN="+admin)
	if !strings.Contains(p.playground, ":"+port+"/") && !strings.HasSuffix(p.playground, ":"+port) {
		t.Errorf("ferry dev serves at %s, want port %s from PORT", p.playground, port)
	}
	body := strings.NewReader(`{"query":"{ viewer { role } }"}`)
	req, _ := http.NewRequest(http.MethodPost, "http://127.0.0.1:"+port+"/graphql", body)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+admin)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(b), `"role":"ADMIN"`) {
		t.Errorf("the admin token from FERRY_ADMIN_TOKEN got %s, want the ADMIN viewer", b)
	}
}

// Every command prints its help for --help, -h or help and succeeds,
// without starting anything.
func TestEveryCommandHasHelp(t *testing.T) {
	none := func(string) string { return "" }
	for _, cmd := range []string{"dev", "serve", "api", "worker", "migrate", "admin", "bench", "faults", "version", "healthcheck"} {
		for _, flag := range []string{"--help", "-h", "help"} {
			var out bytes.Buffer
			if err := runCommand(t.Context(), []string{cmd, flag}, none, &out); err != nil {
				t.Errorf("ferry %s %s: %v, want its help", cmd, flag, err)
			}
			if !strings.Contains(out.String(), cmd) || !strings.Contains(strings.ToLower(out.String()), "usage") {
				t.Errorf("ferry %s %s printed %q, want the usage of %s", cmd, flag, out.String(), cmd)
			}
		}
	}
	if err := runCommand(t.Context(), []string{"nonsense", "--help"}, none, io.Discard); err == nil {
		t.Error("ferry nonsense --help succeeded, want an unknown command")
	}
}
