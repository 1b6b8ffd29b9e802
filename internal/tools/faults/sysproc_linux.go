package faults

import (
	"os"
	"syscall"
)

// sysProcAttr puts a child in a process group of its own, so that stop
// ends its children too, and has the kernel kill it should this process
// die without cleaning up. user, when set, runs it as that user
// (PostgreSQL refuses to run as root).
func sysProcAttr(user *runAs) (*syscall.SysProcAttr, error) {
	attr := &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if user != nil {
		attr.Credential = &syscall.Credential{Uid: user.uid, Gid: user.gid}
	}
	return attr, nil
}

// killGroup sends SIGKILL to p's process group.
func killGroup(p *os.Process) { _ = syscall.Kill(-p.Pid, syscall.SIGKILL) }
