package usersync

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"syscall"
)

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

// lockHolder names the process holding the flock of the file at path, as
// /proc/locks lists it ("process 1234"), or "another process".
func lockHolder(path string) string {
	var st syscall.Stat_t
	if err := syscall.Stat(path, &st); err != nil {
		return "another process"
	}
	f, err := os.Open("/proc/locks")
	if err != nil {
		return "another process"
	}
	defer f.Close()
	// 1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF
	suffix := fmt.Sprintf(":%d", st.Ino)
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) >= 6 && fields[1] == "FLOCK" && strings.HasSuffix(fields[5], suffix) {
			return "process " + fields[4]
		}
	}
	return "another process"
}
