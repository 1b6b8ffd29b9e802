package faults

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"time"
)

// runAs is a user a child runs as.
type runAs struct{ uid, gid uint32 }

// proc is one child process of the run, started again after each fault
// that stops it. Its output goes to a log file of the run directory, kept
// across its restarts.
type proc struct {
	name    string
	logPath string
	command func() *exec.Cmd // a fresh command for each start
	user    *runAs           // nil runs it as this process's user
	// restart says an unexpected exit is followed by a new start (the
	// Ferry processes: an orchestrator would restart them too).
	restart bool
	log     *slog.Logger

	mu         sync.Mutex
	cmd        *exec.Cmd
	done       chan struct{} // closed when cmd has exited
	expected   bool          // the run stopped it on purpose
	stopped    bool          // the run is over: no more restarts
	starts     int
	kills      int
	terms      int
	unexpected []string
	pids       []int
}

// start starts the process. It does not wait for it to be ready.
func (p *proc) start() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.stopped {
		return errors.New(p.name + ": the run is over")
	}
	if p.done != nil {
		select {
		case <-p.done:
		default:
			return fmt.Errorf("%s: already running as pid %d", p.name, p.cmd.Process.Pid)
		}
	}
	logf, err := os.OpenFile(p.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer logf.Close() // the child holds its own copy
	fmt.Fprintf(logf, "--- faults: start %d of %s at %s\n", p.starts+1, p.name, time.Now().Format(time.RFC3339Nano))
	cmd := p.command()
	cmd.Stdout, cmd.Stderr = logf, logf
	attr, err := sysProcAttr(p.user)
	if err != nil {
		return err
	}
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start %s: %w", p.name, err)
	}
	p.cmd, p.done, p.expected = cmd, make(chan struct{}), false
	p.starts++
	p.pids = append(p.pids, cmd.Process.Pid)
	go p.wait(cmd, p.done)
	return nil
}

// wait reaps cmd, and restarts the process when it exited by itself.
func (p *proc) wait(cmd *exec.Cmd, done chan struct{}) {
	err := cmd.Wait()
	p.mu.Lock()
	close(done)
	unexpected := !p.expected && !p.stopped
	if unexpected {
		p.unexpected = append(p.unexpected, fmt.Sprintf("pid %d at %s: %v", cmd.Process.Pid, time.Now().Format(time.TimeOnly), err))
	}
	again := unexpected && p.restart
	p.mu.Unlock()
	if !unexpected {
		return
	}
	p.log.Warn("process exited by itself", "process", p.name, "pid", cmd.Process.Pid, "err", err, "log", p.logPath)
	for again {
		time.Sleep(time.Second)
		err := p.start()
		if err == nil {
			return
		}
		p.mu.Lock()
		again = !p.stopped
		p.mu.Unlock()
		if again {
			p.log.Warn("restart failed", "process", p.name, "err", err)
		}
	}
}

// pid is the running process's id, 0 when it is not running.
func (p *proc) pid() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.done == nil {
		return 0
	}
	select {
	case <-p.done:
		return 0
	default:
		return p.cmd.Process.Pid
	}
}

// signal sends sig to the running process, which the run then expects to
// exit; it returns the pid signalled.
func (p *proc) signal(sig syscall.Signal) (int, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.cmd == nil || p.cmd.Process == nil {
		return 0, fmt.Errorf("%s is not running", p.name)
	}
	select {
	case <-p.done:
		return 0, fmt.Errorf("%s is not running", p.name)
	default:
	}
	p.expected = true
	switch sig {
	case syscall.SIGKILL:
		p.kills++
	case syscall.SIGTERM:
		p.terms++
	}
	return p.cmd.Process.Pid, p.cmd.Process.Signal(sig)
}

// expectExit tells p that something else (pg_ctl) is stopping it.
func (p *proc) expectExit() {
	p.mu.Lock()
	p.expected = true
	p.mu.Unlock()
}

// waitExit waits up to timeout for the process to exit.
func (p *proc) waitExit(ctx context.Context, timeout time.Duration) error {
	p.mu.Lock()
	done := p.done
	p.mu.Unlock()
	if done == nil {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	case <-time.After(timeout):
		return fmt.Errorf("%s did not exit within %s", p.name, timeout)
	}
}

// exited reports whether the process has exited.
func (p *proc) exited() bool { return p.pid() == 0 }

// stop ends the process for good: SIGKILL to its process group (a
// postmaster's backends with it), then waits a little for it.
func (p *proc) stop() {
	p.mu.Lock()
	p.stopped, p.expected = true, true
	cmd, done := p.cmd, p.done
	p.mu.Unlock()
	if cmd == nil || cmd.Process == nil {
		return
	}
	killGroup(cmd.Process)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
	}
}

// ProcessStats is what happened to one process during the run.
type ProcessStats struct {
	Name            string   `json:"name"`
	Starts          int      `json:"starts"`
	Kills           int      `json:"kills"`
	Terms           int      `json:"sigterms"`
	UnexpectedExits []string `json:"unexpected_exits,omitempty"`
	PIDs            []int    `json:"pids"`
	Log             string   `json:"log"`
}

func (p *proc) stats() ProcessStats {
	p.mu.Lock()
	defer p.mu.Unlock()
	return ProcessStats{Name: p.name, Starts: p.starts, Kills: p.kills, Terms: p.terms,
		UnexpectedExits: append([]string(nil), p.unexpected...), PIDs: append([]int(nil), p.pids...), Log: p.logPath}
}

// alive reports whether pid names a live process (it may be a zombie
// until reaped).
func alive(pid int) bool {
	if pid <= 0 {
		return false
	}
	p, err := os.FindProcess(pid)
	return err == nil && p.Signal(syscall.Signal(0)) == nil
}
