package faults

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/ferryhq/ferry/internal/tools/bench"
)

// runDir holds a run's logs and the data of its servers.
type runDir struct {
	path   string
	logger *slog.Logger
}

// newRunDir makes a run directory under parent ("" is the system's temp
// directory), readable by the postgres user, who must reach its data.
func newRunDir(parent string, logger *slog.Logger) (*runDir, error) {
	path, err := os.MkdirTemp(parent, "ferry-faults-")
	if err != nil {
		return nil, err
	}
	if err := os.Chmod(path, 0o755); err != nil {
		return nil, err
	}
	return &runDir{path: path, logger: logger}, nil
}

// log is the path of process name's log file.
func (r *runDir) log(name string) string { return filepath.Join(r.path, name+".log") }

// ferry is the Ferry under test: one `ferry api` and `ferry worker`s, each
// a process of its own started from bin.
type ferry struct {
	bin        string
	env        []string
	adminToken string
	apiURL     string
	api        *proc
	workers    []*proc
	readyURLs  map[*proc]string
	logPath    func(string) string
	logger     *slog.Logger
}

// newFerry prepares (and does not start) an API and workers on databaseURL
// and redisURL; extra environment variables override the defaults.
func newFerry(r *runDir, bin, databaseURL, redisURL string, workers int, extra map[string]string) (*ferry, error) {
	apiPort, err := freePort()
	if err != nil {
		return nil, err
	}
	vars := bench.Environment()
	maps.Copy(vars, map[string]string{
		"DATABASE_URL":      databaseURL,
		"REDIS_URL":         redisURL,
		"PORT":              strconv.Itoa(apiPort),
		"FERRY_WORKER_ADDR": "off",
		// Recovery soon after a fault, so a run takes minutes, not hours.
		"FERRY_RECOVERY_INTERVAL": "2s",
		"FERRY_RECOVERY_GRACE":    "5s",
		"FERRY_SHUTDOWN_TIMEOUT":  "3s",
	})
	maps.Copy(vars, extra)
	f := &ferry{bin: bin, adminToken: vars["FERRY_ADMIN_TOKEN"], apiURL: fmt.Sprintf("http://127.0.0.1:%d", apiPort),
		readyURLs: map[*proc]string{}, logPath: r.log, logger: r.logger}
	// Only what Ferry needs, so a developer's own FERRY_* or DATABASE_URL
	// cannot leak into the run.
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			f.env = append(f.env, k+"="+v)
		}
	}
	for k, v := range vars {
		f.env = append(f.env, k+"="+v)
	}
	slices.Sort(f.env)
	f.api = f.process("api", "api", nil)
	f.readyURLs[f.api] = f.apiURL + "/readyz"
	for i := range workers {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		addr := fmt.Sprintf("127.0.0.1:%d", port)
		w := f.process(fmt.Sprintf("worker-%d", i+1), "worker", []string{"FERRY_WORKER_ADDR=" + addr})
		f.readyURLs[w] = "http://" + addr + "/readyz"
		f.workers = append(f.workers, w)
	}
	return f, nil
}

// process is `ferry cmd` as a restartable child named name.
func (f *ferry) process(name, cmd string, env []string) *proc {
	return &proc{name: name, logPath: f.logPath(name), restart: true, log: f.logger, command: func() *exec.Cmd {
		c := exec.Command(f.bin, cmd)
		c.Env = append(slices.Clone(f.env), env...)
		return c
	}}
}

// migrate runs `ferry migrate` to its end.
func (f *ferry) migrate(ctx context.Context) error {
	c := exec.CommandContext(ctx, f.bin, "migrate")
	c.Env = f.env
	if err := runLogged(c, nil, f.logPath("migrate")); err != nil {
		return fmt.Errorf("ferry migrate: %w (see %s)", err, f.logPath("migrate"))
	}
	return nil
}

// all is every Ferry process.
func (f *ferry) all() []*proc { return append([]*proc{f.api}, f.workers...) }

// start starts p and waits until it says it is ready (PostgreSQL and
// Redis answer it).
func (f *ferry) start(ctx context.Context, p *proc) error {
	if err := p.start(); err != nil {
		return err
	}
	return f.ready(ctx, p)
}

// ready waits until p's /readyz answers 200.
func (f *ferry) ready(ctx context.Context, p *proc) error {
	client := &http.Client{Timeout: time.Second}
	return waitUntil(ctx, 60*time.Second, 100*time.Millisecond, p.name+" ready", func() (bool, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.readyURLs[p], nil)
		if err != nil {
			return false, err
		}
		res, err := client.Do(req)
		if err != nil {
			return false, nil
		}
		res.Body.Close()
		return res.StatusCode == http.StatusOK, nil
	})
}

// workerPIDs are the running workers' process ids.
func (f *ferry) workerPIDs() []int {
	var pids []int
	for _, w := range f.workers {
		if pid := w.pid(); pid != 0 {
			pids = append(pids, pid)
		}
	}
	return pids
}
