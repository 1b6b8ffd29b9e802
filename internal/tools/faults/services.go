package faults

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/lib/pq" // the PostgreSQL the run starts is checked through it
	"github.com/redis/go-redis/v9"
)

// postgresServer is the run's own PostgreSQL: a cluster initialised in the
// run directory, on a free loopback port.
type postgresServer struct {
	bin  string // where initdb, postgres and pg_ctl are
	data string
	port int
	as   *runAs
	proc *proc
}

// findPostgres finds PostgreSQL's server programs: pg_config's bindir
// first, then the newest of Debian's /usr/lib/postgresql/*/bin.
func findPostgres() (string, error) {
	has := func(dir string) bool {
		_, err := os.Stat(filepath.Join(dir, "postgres"))
		return err == nil
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil {
		if dir := strings.TrimSpace(string(out)); has(dir) {
			return dir, nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	slices.SortFunc(dirs, func(a, b string) int { return version(b) - version(a) })
	for _, dir := range dirs {
		if has(dir) {
			return dir, nil
		}
	}
	return "", errors.New("PostgreSQL's server programs (initdb, postgres, pg_ctl) were not found through pg_config --bindir nor in /usr/lib/postgresql/*/bin; install them (Debian: apt-get install -y postgresql)")
}

// version is the major version in a path like /usr/lib/postgresql/15/bin.
func version(dir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(dir)))
	return n
}

// postgresUser is who PostgreSQL runs as: this process's user, or the
// postgres user when that is root (PostgreSQL refuses root).
func postgresUser() (*runAs, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, fmt.Errorf("running as root, PostgreSQL must run as the postgres user: %w", err)
	}
	uid, _ := strconv.ParseUint(u.Uid, 10, 32)
	gid, _ := strconv.ParseUint(u.Gid, 10, 32)
	return &runAs{uid: uint32(uid), gid: uint32(gid)}, nil
}

// newPostgres initialises a cluster in dir/pgdata; its log is in logs.
func newPostgres(ctx context.Context, r *runDir) (*postgresServer, error) {
	bin, err := findPostgres()
	if err != nil {
		return nil, err
	}
	as, err := postgresUser()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	p := &postgresServer{bin: bin, data: filepath.Join(r.path, "pgdata"), port: port, as: as}
	sock := filepath.Join(r.path, "pgsock")
	for _, dir := range []string{p.data, sock} {
		if err := os.Mkdir(dir, 0o700); err != nil {
			return nil, err
		}
		if as != nil {
			if err := os.Chown(dir, int(as.uid), int(as.gid)); err != nil {
				return nil, err
			}
		}
	}
	logPath := r.log("postgres")
	initdb := exec.CommandContext(ctx, filepath.Join(bin, "initdb"), "-D", p.data, "-U", "postgres",
		"-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync")
	if err := runLogged(initdb, as, logPath); err != nil {
		return nil, fmt.Errorf("initdb: %w (see %s)", err, logPath)
	}
	p.proc = &proc{name: "postgres", logPath: logPath, user: as, log: r.logger, command: func() *exec.Cmd {
		// fsync off: the faults are process crashes, not machine crashes
		// (what was written survives in the kernel), and the run must not
		// wait on a shared disk. synchronous_commit stays on: with it off,
		// a commit is acknowledged before its WAL leaves PostgreSQL's
		// memory, and pg-down (an immediate stop) lost acknowledged events.
		return exec.Command(filepath.Join(bin, "postgres"), "-D", p.data, "-p", strconv.Itoa(port), "-k", sock,
			"-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "full_page_writes=off",
			"-c", "max_connections=300")
	}}
	return p, nil
}

// url is the URL of database name on this server.
func (p *postgresServer) url(name string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", p.port, name)
}

// start starts the server and waits until it takes connections.
func (p *postgresServer) start(ctx context.Context) error {
	if err := p.proc.start(); err != nil {
		return err
	}
	db, err := sql.Open("postgres", p.url("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	return waitServing(ctx, p.proc, 30*time.Second, db.PingContext)
}

// stop stops the server with pg_ctl in mode (fast: a clean restart;
// immediate: as a crash would).
func (p *postgresServer) stop(ctx context.Context, mode string) error {
	p.proc.expectExit()
	cmd := exec.CommandContext(ctx, filepath.Join(p.bin, "pg_ctl"), "stop", "-D", p.data, "-m", mode, "-w", "-t", "30")
	if err := runLogged(cmd, p.as, p.proc.logPath); err != nil {
		return fmt.Errorf("pg_ctl stop -m %s: %w", mode, err)
	}
	return p.proc.waitExit(ctx, 30*time.Second)
}

// createDatabase creates database name.
func (p *postgresServer) createDatabase(ctx context.Context, name string) error {
	db, err := sql.Open("postgres", p.url("postgres"))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+name)
	return err
}

// redisServer is the run's own redis-server, keeping nothing on disk: when
// it is started again after a kill it comes back empty, on the same port.
type redisServer struct {
	port int
	proc *proc
}

// findRedis finds redis-server on the PATH.
func findRedis() (string, error) {
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		return "", fmt.Errorf("%w; install it (Debian: apt-get install -y redis-server)", err)
	}
	return bin, nil
}

// requirePrograms fails, saying what to install, unless PostgreSQL's
// server programs and redis-server are there: before anything starts.
func requirePrograms() error {
	_, pgErr := findPostgres()
	_, redisErr := findRedis()
	return errors.Join(pgErr, redisErr)
}

func newRedis(r *runDir) (*redisServer, error) {
	bin, err := findRedis()
	if err != nil {
		return nil, err
	}
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	dir := filepath.Join(r.path, "redis")
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	s := &redisServer{port: port}
	s.proc = &proc{name: "redis", logPath: r.log("redis"), log: r.logger, command: func() *exec.Cmd {
		return exec.Command(bin, "--bind", "127.0.0.1", "--port", strconv.Itoa(port),
			"--save", "", "--appendonly", "no", "--dir", dir)
	}}
	return s, nil
}

func (s *redisServer) url() string { return fmt.Sprintf("redis://127.0.0.1:%d/0", s.port) }

// client is a client of the server, for FLUSHALL.
func (s *redisServer) client() *redis.Client {
	opts, _ := redis.ParseURL(s.url())
	opts.MaxRetries = -1
	return redis.NewClient(opts)
}

// start starts the server and waits until it answers PING.
func (s *redisServer) start(ctx context.Context) error {
	if err := s.proc.start(); err != nil {
		return err
	}
	c := s.client()
	defer c.Close()
	return waitServing(ctx, s.proc, 15*time.Second, func(ctx context.Context) error { return c.Ping(ctx).Err() })
}

// waitServing waits up to timeout until ping succeeds, and fails at once
// should p exit meanwhile.
func waitServing(ctx context.Context, p *proc, timeout time.Duration, ping func(context.Context) error) error {
	return waitUntil(ctx, timeout, 20*time.Millisecond, p.name+" answering", func() (bool, error) {
		if p.exited() {
			return false, fmt.Errorf("%s exited (see %s)", p.name, p.logPath)
		}
		pctx, cancel := context.WithTimeout(ctx, time.Second)
		defer cancel()
		return ping(pctx) == nil, nil
	})
}

// runLogged runs cmd to its end as user, its output appended to logPath.
func runLogged(cmd *exec.Cmd, as *runAs, logPath string) error {
	logf, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close()
	cmd.Stdout, cmd.Stderr = logf, logf
	if cmd.SysProcAttr, err = sysProcAttr(as); err != nil {
		return err
	}
	return cmd.Run()
}

// freePort is a loopback TCP port nobody listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// waitUntil calls cond every interval until it reports true, fails, ctx
// ends, or timeout passes; then it says what was still not so.
func waitUntil(ctx context.Context, timeout, interval time.Duration, what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(timeout)
	for {
		ok, err := cond()
		if ok || err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("not %s after %s", what, timeout)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
	}
}
