//go:build !linux

package usersync

// dropMapped does nothing outside Linux: the mapped pages stay resident
// until the store is closed.
func dropMapped(uintptr, int64) {}
