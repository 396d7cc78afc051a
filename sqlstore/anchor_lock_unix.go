//go:build unix

package sqlstore

import (
	"os"
	"syscall"
)

// lockFile takes an exclusive lock on f (flock), so that anchor writers in
// several processes append one at a time; the returned function releases
// it.
func lockFile(f *os.File) (func(), error) {
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		return nil, err
	}
	return func() { syscall.Flock(int(f.Fd()), syscall.LOCK_UN) }, nil
}
