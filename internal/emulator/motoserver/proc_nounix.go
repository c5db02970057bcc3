//go:build !unix

package motoserver

import (
	"os"
	"syscall"
)

// sysProcAttr: no process groups here.
func sysProcAttr() *syscall.SysProcAttr { return nil }

// signalGroup: only a kill can be delivered here.
func signalGroup(p *os.Process, _ syscall.Signal) { _ = p.Kill() }
