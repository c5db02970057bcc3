//go:build unix

package motoserver

import (
	"os"
	"syscall"
)

// signalGroup signals the server's process group, so that anything it
// started goes too; it falls back to the process alone.
func signalGroup(p *os.Process, sig syscall.Signal) {
	if err := syscall.Kill(-p.Pid, sig); err != nil {
		_ = p.Signal(sig)
	}
}
