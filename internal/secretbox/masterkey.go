package secretbox

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
)

const (
	// MasterKeyFile is the name of the master secret file in its directory.
	MasterKeyFile = "master.key"
	// masterSecretLen is the size of a generated master secret: 48 bytes
	// (384 bits) leaves margin above the 256 bits the AES-256 key needs,
	// and encodes to base64 without padding characters.
	masterSecretLen = 48
	// maxMasterKeyFile bounds how much of the file is read, so a wrong
	// path (a log, a device) fails fast instead of filling memory.
	maxMasterKeyFile = 4096
)

// LoadOrCreateMasterSecret returns the master secret kept in
// dir/master.key, creating it on first use.
//
// A new secret is 48 random bytes, stored base64-encoded (standard alphabet,
// padded) in a file of mode 0600; dir is created with mode 0700 if missing.
// An existing file readable or writable beyond its owner is tightened to
// 0600 before use, since anyone who can read it can decrypt every sealed
// secret. A file that is not valid base64 or holds fewer than 32 bytes is an
// error naming the path: silently replacing it would make all existing
// ciphertexts undecryptable.
//
// Two processes starting at once agree on one secret: each writes a complete
// temporary file in dir and hard-links it into place, which fails for all
// but the first; the others then read the winner's file. A reader thus never
// sees a partially written key.
func LoadOrCreateMasterSecret(dir string) ([]byte, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("secretbox: create master secret directory: %w", err)
	}
	path := filepath.Join(dir, MasterKeyFile)
	secret, err := readMasterSecret(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return secret, err
	}
	if err := createMasterSecret(dir, path); err != nil {
		return nil, err
	}
	// Read back whichever file won, ours or a concurrent process's.
	return readMasterSecret(path)
}

// readMasterSecret reads and decodes path, tightening its mode first. The
// returned error wraps fs.ErrNotExist when the file does not exist.
func readMasterSecret(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
		return nil, fmt.Errorf("secretbox: read master secret: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("secretbox: read master secret: %w", err)
	}
	if !info.Mode().IsRegular() {
		return nil, fmt.Errorf("secretbox: master secret %s is not a regular file", path)
	}
	// Windows has no Unix permission bits; its ACLs are the admin's job.
	if runtime.GOOS != "windows" && info.Mode().Perm()&^0o600 != 0 {
		// Chmod through the open descriptor, so the file checked is the
		// file changed.
		if err := f.Chmod(0o600); err != nil {
			return nil, fmt.Errorf("secretbox: restrict master secret %s to mode 0600: %w", path, err)
		}
	}
	data, err := io.ReadAll(io.LimitReader(f, maxMasterKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("secretbox: read master secret: %w", err)
	}
	if len(data) > maxMasterKeyFile {
		return nil, fmt.Errorf("secretbox: master secret %s is larger than %d bytes", path, maxMasterKeyFile)
	}
	// Tolerate the trailing newline an editor or `echo` adds.
	secret, err := base64.StdEncoding.DecodeString(string(bytes.TrimSpace(data)))
	if err != nil {
		// The decode error gives only an offset, never content.
		return nil, fmt.Errorf("secretbox: master secret %s is not valid base64: %w", path, err)
	}
	if len(secret) < MinMasterSecretLen {
		return nil, fmt.Errorf("secretbox: master secret %s holds %d bytes, need at least %d", path, len(secret), MinMasterSecretLen)
	}
	return secret, nil
}

// createMasterSecret writes a fresh secret to path unless a file already
// exists there; losing the race to another process is not an error.
func createMasterSecret(dir, path string) error {
	secret := make([]byte, masterSecretLen)
	rand.Read(secret)
	content := []byte(base64.StdEncoding.EncodeToString(secret) + "\n")

	// os.CreateTemp creates the file with mode 0600.
	tmp, err := os.CreateTemp(dir, "."+MasterKeyFile+".tmp-*")
	if err != nil {
		return fmt.Errorf("secretbox: create master secret: %w", err)
	}
	tmpName := tmp.Name()
	defer os.Remove(tmpName)
	if err := writeSync(tmp, content); err != nil {
		return fmt.Errorf("secretbox: write master secret: %w", err)
	}

	// Link, unlike Rename, fails if path exists, so an earlier winner's
	// secret is never replaced.
	err = os.Link(tmpName, path)
	switch {
	case err == nil:
	case errors.Is(err, fs.ErrExist):
		return nil
	default:
		// Some filesystems lack hard links. Fall back to an exclusive
		// create: still only one winner, but for the instant between
		// create and write a concurrent reader may see an incomplete
		// file and fail (it will succeed when restarted).
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("secretbox: create master secret: %w", err)
		}
		if err := writeSync(f, content); err != nil {
			os.Remove(path)
			return fmt.Errorf("secretbox: write master secret: %w", err)
		}
	}
	// Persist the directory entry too: losing the key in a crash after
	// secrets were sealed with it would make them unrecoverable.
	syncDir(dir)
	return nil
}

// writeSync writes data to f, flushes it to stable storage and closes f.
func writeSync(f *os.File, data []byte) error {
	_, err := f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// syncDir fsyncs a directory, best effort: not every platform supports it
// (Windows cannot open directories for sync).
func syncDir(dir string) {
	d, err := os.Open(dir)
	if err != nil {
		return
	}
	_ = d.Sync()
	_ = d.Close()
}
