package lambdaruntime

import "syscall"

// sysProcAttr puts the bootstrap in a process group of its own (so that a
// terminal's Ctrl-C reaches only the parent, which stops it in order) and
// has the kernel kill it if the parent dies without stopping it.
func sysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
