//go:build unix

package lambdaruntime

import (
	"os"
	"syscall"
)

// signalGroup signals the process group the bootstrap leads, so that any
// child it started goes too; it falls back to the process alone.
func signalGroup(p *os.Process, sig syscall.Signal) {
	if err := syscall.Kill(-p.Pid, sig); err != nil {
		p.Signal(sig)
	}
}
