package worker_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"syscall"
	"testing"
	"time"

	"github.com/ferryhq/ferry/internal/app"
	"github.com/ferryhq/ferry/internal/platform/config"
	"github.com/ferryhq/ferry/internal/testing/apptest"
)

// childEnv marks the test binary re-run as a separate worker process, for
// tests that kill or signal a worker the way an orchestrator does.
const childEnv = "FERRY_TEST_WORKER_PROCESS"

func TestMain(m *testing.M) {
	if os.Getenv(childEnv) == "1" {
		if err := runChildWorker(); err != nil {
			fmt.Fprintln(os.Stderr, "worker process:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// runChildWorker is `ferry worker` inside the test binary: configured from
// the environment, stopped by SIGTERM.
func runChildWorker() error {
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	cfg, err := config.Load(os.Getenv, config.Need{Database: true, Redis: true, Encryption: true})
	if err != nil {
		return err
	}
	a, err := app.Open(ctx, cfg, cfg.Logger(os.Stderr))
	if err != nil {
		return err
	}
	defer a.Close()
	w, err := a.NewWorker()
	if err != nil {
		return err
	}
	return w.Run(ctx)
}

// startWorkerProcess runs a worker in a process of its own on e's database
// and Redis, with vars over e's environment. The process is killed at the
// end of the test if it still runs.
func startWorkerProcess(t *testing.T, e *apptest.Env, vars map[string]string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"=1")
	for k, v := range e.Vars {
		if _, ok := vars[k]; !ok {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
	}
	for k, v := range vars {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatalf("start worker process: %v", err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd
}

// waitExit waits for cmd to exit on its own within timeout.
func waitExit(t *testing.T, cmd *exec.Cmd, timeout time.Duration) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(timeout):
		t.Fatalf("worker process did not exit within %s", timeout)
		return nil
	}
}
