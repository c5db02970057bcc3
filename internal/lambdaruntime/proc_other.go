//go:build unix && !linux

package lambdaruntime

import "syscall"

// sysProcAttr puts the bootstrap in a process group of its own.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true}
}
