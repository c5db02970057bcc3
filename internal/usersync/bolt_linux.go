package usersync

import "syscall"

// dropMapped tells the kernel to drop the resident pages of the size
// bytes mapped at addr (a shared, read-only file map): they leave the
// process's RSS and are read again from the page cache when touched. A
// failure only leaves them resident.
func dropMapped(addr uintptr, size int64) {
	if addr == 0 || size <= 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, addr, uintptr(size), syscall.MADV_DONTNEED)
}
