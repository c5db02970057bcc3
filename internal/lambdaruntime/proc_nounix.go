//go:build !unix

package lambdaruntime

import (
	"os"
	"syscall"
)

// sysProcAttr: no process groups here.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// signalGroup: only SIGKILL can be delivered here; SIGTERM kills as well.
func signalGroup(p *os.Process, _ syscall.Signal) { p.Kill() }
