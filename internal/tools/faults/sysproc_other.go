//go:build !linux

package faults

import (
	"errors"
	"os"
	"syscall"
)

// sysProcAttr: the fault run reads /proc and relies on process groups and
// parent-death signals, which only Linux has as it needs them.
func sysProcAttr(*runAs) (*syscall.SysProcAttr, error) {
	return nil, errors.New("ferry faults runs on Linux only")
}

func killGroup(p *os.Process) { _ = p.Kill() }
