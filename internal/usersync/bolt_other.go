//go:build !linux

package usersync

// dropMapped does nothing outside Linux: the mapped pages stay resident
// until the store is closed.
func dropMapped(uintptr, int64) {}

// lockHolder cannot tell the holder outside Linux.
func lockHolder(string) string { return "another process" }
