// Package password hashes people's passwords with Argon2id (RFC 9106) and
// stores them as PHC strings, the format other servers (Logto among them)
// also use, so hashes can be imported and exported unchanged.
//
// Passwords are hashed as the given bytes: no Unicode normalization happens
// here, so that imported hashes keep verifying.
package password

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// Params are Argon2 cost parameters.
type Params struct {
	Memory  uint32 // memory in KiB
	Time    uint32 // passes over memory (iterations)
	Threads uint8  // degree of parallelism
	KeyLen  uint32 // hash (tag) length in bytes
	SaltLen uint32 // salt length in bytes
}

// DefaultParams is the OWASP Password Storage Cheat Sheet's minimum for
// Argon2id: 19 MiB of memory, 2 iterations, 1 degree of parallelism. The
// 32-byte key and 16-byte salt follow RFC 9106 §4, which recommends a 128-bit
// salt and a 256-bit tag.
var DefaultParams = Params{
	Memory:  19 * 1024,
	Time:    2,
	Threads: 1,
	KeyLen:  32,
	SaltLen: 16,
}

// Limits on parameters, applied both when hashing and when parsing a stored
// hash. The lower bounds are RFC 9106 §3.1's (salt ≥ 8 bytes, tag ≥ 4 bytes,
// memory ≥ 8·p KiB, p ≥ 1, t ≥ 1). The upper bounds are not in the RFC: they
// keep a corrupt or hostile stored hash from making a single sign-in
// allocate terabytes or run for hours.
const (
	minSaltLen = 8
	maxSaltLen = 1024
	minKeyLen  = 4
	maxKeyLen  = 1024
	maxMemory  = 4 * 1024 * 1024 // KiB, i.e. 4 GiB
	// maxTime admits the Argon2i hashes older Logto releases made (t=256,
	// m=4096), so users exported from Logto keep their passwords; maxWork
	// (memory × time) keeps the worst case at 4 GiB × 100 passes.
	maxTime = 1024
	maxWork = uint64(maxMemory) * 100
	// maxPHCLen bounds the input so parsing never decodes megabytes:
	// the longest valid string (1024-byte salt and key) is under 3 KiB.
	maxPHCLen = 4096
)

// argonVersion is Argon2 version 1.3 (0x13), the only one
// golang.org/x/crypto/argon2 implements.
const argonVersion = argon2.Version

var (
	// ErrUnsupportedHash is returned by Verify for a hash that is not an
	// Argon2id or Argon2i PHC string of version 19 nor one Import made
	// (e.g. argon2d, scrypt, Argon2 v1.0).
	ErrUnsupportedHash = errors.New("password: unsupported hash")
	// ErrMalformedHash is returned by Verify for an Argon2 PHC string that
	// cannot be parsed or whose parameters are out of range.
	ErrMalformedHash = errors.New("password: malformed hash")
)

// b64 is the PHC string format's base64: standard alphabet, no padding.
var b64 = base64.RawStdEncoding

// Hash returns a PHC string for password hashed with Argon2id under p:
//
//	$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>
//
// with salt and hash in unpadded standard base64. The salt is random.
func Hash(password string, p Params) (string, error) {
	if err := p.validate(); err != nil {
		return "", err
	}
	salt := make([]byte, p.SaltLen)
	rand.Read(salt)
	h := phc{
		variant: "argon2id",
		memory:  p.Memory,
		time:    p.Time,
		threads: p.Threads,
		salt:    salt,
	}
	h.key = h.derive(password, p.KeyLen)
	return h.String(), nil
}

// Verify checks password against a PHC string, comparing hashes in
// constant time.
//
// It returns ok=false and err=nil for a wrong password, and an error
// (ErrUnsupportedHash or ErrMalformedHash, check with errors.Is) when phc
// cannot be used. Argon2i strings are accepted too, since Logto and other
// servers export them, and so are the bcrypt strings and plain digests that
// Import stores.
//
// needsRehash reports, only when ok is true, that the caller should store a
// fresh Hash(password, p): the stored memory, time, key length or salt length
// is below p, or the stored hash is Argon2i rather than Argon2id. It is never
// true for a wrong password, so a caller cannot overwrite a hash with an
// attacker's guess by forgetting to check ok.
func Verify(password, phc string, p Params) (ok bool, needsRehash bool, err error) {
	if isImported(phc) {
		// bcrypt or a plain digest from an import: right once, then
		// replaced by Argon2id.
		ok, err := verifyImported(password, phc)
		return ok, ok, err
	}
	h, err := parse(phc)
	if err != nil {
		return false, false, err
	}
	key := h.derive(password, uint32(len(h.key)))
	if subtle.ConstantTimeCompare(key, h.key) != 1 {
		return false, false, nil
	}
	needsRehash = h.variant != "argon2id" ||
		h.memory < p.Memory ||
		h.time < p.Time ||
		uint32(len(h.key)) < p.KeyLen ||
		uint32(len(h.salt)) < p.SaltLen
	return true, needsRehash, nil
}

// dummies holds one dummy hash per Params value; in practice there is one.
var dummies sync.Map // Params -> *dummy

type dummy struct {
	once sync.Once
	phc  string
}

// VerifyDummy spends the same time as Verify against a hash made with p, and
// returns false. Call it when the identifier matches no user, so that an
// unknown identifier and a wrong password take comparable time and response
// timing does not reveal which accounts exist (OWASP Authentication Cheat
// Sheet, "Authentication and Error Messages").
//
// The dummy is built once per p, lazily: a PHC string with p's parameters
// and random salt and digest. Verify costs the same for it as for a real
// hash (the work is deriving the key, not comparing it), and building it
// needs no hashing, so even the first call takes no extra time.
func VerifyDummy(password string, p Params) bool {
	v, _ := dummies.LoadOrStore(p, new(dummy))
	d := v.(*dummy)
	d.once.Do(func() {
		if p.validate() != nil {
			return // Verify will fail fast; nothing to imitate.
		}
		h := phc{
			variant: "argon2id",
			memory:  p.Memory,
			time:    p.Time,
			threads: p.Threads,
			salt:    make([]byte, p.SaltLen),
			key:     make([]byte, p.KeyLen),
		}
		rand.Read(h.salt)
		rand.Read(h.key)
		d.phc = h.String()
	})
	_, _, _ = Verify(password, d.phc, p)
	return false
}

func (p Params) validate() error {
	switch {
	case p.Threads < 1:
		return errors.New("password: Threads must be at least 1")
	case p.Time < 1 || p.Time > maxTime:
		return fmt.Errorf("password: Time must be 1 to %d", maxTime)
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxMemory:
		return fmt.Errorf("password: Memory must be 8*Threads to %d KiB", maxMemory)
	case uint64(p.Memory)*uint64(p.Time) > maxWork:
		return fmt.Errorf("password: Memory*Time must be at most %d", maxWork)
	case p.KeyLen < minKeyLen || p.KeyLen > maxKeyLen:
		return fmt.Errorf("password: KeyLen must be %d to %d bytes", minKeyLen, maxKeyLen)
	case p.SaltLen < minSaltLen || p.SaltLen > maxSaltLen:
		return fmt.Errorf("password: SaltLen must be %d to %d bytes", minSaltLen, maxSaltLen)
	}
	return nil
}

// phc is a parsed Argon2 PHC string.
type phc struct {
	variant string // "argon2id" or "argon2i"
	memory  uint32
	time    uint32
	threads uint8
	salt    []byte
	key     []byte
}

// String formats h as a PHC string.
func (h phc) String() string {
	return fmt.Sprintf("$%s$v=%d$m=%d,t=%d,p=%d$%s$%s",
		h.variant, argonVersion, h.memory, h.time, h.threads,
		b64.EncodeToString(h.salt), b64.EncodeToString(h.key))
}

// derive computes the Argon2 key of password with h's variant, parameters
// and salt. h must have passed parse or come from validated Params.
func (h phc) derive(password string, keyLen uint32) []byte {
	if h.variant == "argon2i" {
		return argon2.Key([]byte(password), h.salt, h.time, h.memory, h.threads, keyLen)
	}
	return argon2.IDKey([]byte(password), h.salt, h.time, h.memory, h.threads, keyLen)
}

// parse parses an Argon2 PHC string
//
//	$<variant>$v=19$m=<m>,t=<t>,p=<p>$<salt>$<hash>
//
// checking every field against the bounds above, so that the values can be
// handed to argon2 (which panics on t = 0 or p = 0) safely.
func parse(s string) (phc, error) {
	var h phc
	if len(s) > maxPHCLen {
		return h, fmt.Errorf("%w: longer than %d bytes", ErrMalformedHash, maxPHCLen)
	}
	parts := strings.Split(s, "$")
	if len(parts) < 2 || parts[0] != "" {
		return h, fmt.Errorf("%w: not a PHC string", ErrUnsupportedHash)
	}
	h.variant = parts[1]
	if h.variant != "argon2id" && h.variant != "argon2i" {
		return h, fmt.Errorf("%w: algorithm %q", ErrUnsupportedHash, truncate(h.variant))
	}
	// Argon2 v1.0 strings omit the version segment.
	if len(parts) == 5 && strings.HasPrefix(parts[2], "m=") {
		return h, fmt.Errorf("%w: Argon2 version 1.0", ErrUnsupportedHash)
	}
	if len(parts) != 6 {
		return h, fmt.Errorf("%w: %d segments, want 5", ErrMalformedHash, len(parts)-1)
	}

	vs, ok := strings.CutPrefix(parts[2], "v=")
	if !ok {
		return h, fmt.Errorf("%w: missing version", ErrMalformedHash)
	}
	v, err := strconv.ParseUint(vs, 10, 32)
	if err != nil {
		return h, fmt.Errorf("%w: bad version", ErrMalformedHash)
	}
	if v != argonVersion {
		return h, fmt.Errorf("%w: Argon2 version %d", ErrUnsupportedHash, v)
	}

	params := strings.Split(parts[3], ",")
	if len(params) != 3 {
		return h, fmt.Errorf("%w: want parameters m, t, p", ErrMalformedHash)
	}
	m, err := parseParam(params[0], "m", 32)
	if err != nil {
		return h, err
	}
	t, err := parseParam(params[1], "t", 32)
	if err != nil {
		return h, err
	}
	p, err := parseParam(params[2], "p", 8)
	if err != nil {
		return h, err
	}
	h.memory, h.time, h.threads = uint32(m), uint32(t), uint8(p)
	switch {
	case h.threads < 1:
		return h, fmt.Errorf("%w: p must be at least 1", ErrMalformedHash)
	case h.time < 1 || h.time > maxTime:
		return h, fmt.Errorf("%w: t must be 1 to %d", ErrMalformedHash, maxTime)
	case h.memory < 8*uint32(h.threads) || h.memory > maxMemory:
		return h, fmt.Errorf("%w: m must be 8*p to %d", ErrMalformedHash, maxMemory)
	case uint64(h.memory)*uint64(h.time) > maxWork:
		return h, fmt.Errorf("%w: m*t must be at most %d", ErrMalformedHash, maxWork)
	}

	if h.salt, err = decode(parts[4]); err != nil {
		return h, fmt.Errorf("%w: salt: %v", ErrMalformedHash, err)
	}
	if n := len(h.salt); n < minSaltLen || n > maxSaltLen {
		return h, fmt.Errorf("%w: salt is %d bytes, want %d to %d", ErrMalformedHash, n, minSaltLen, maxSaltLen)
	}
	if h.key, err = decode(parts[5]); err != nil {
		return h, fmt.Errorf("%w: hash: %v", ErrMalformedHash, err)
	}
	if n := len(h.key); n < minKeyLen || n > maxKeyLen {
		return h, fmt.Errorf("%w: hash is %d bytes, want %d to %d", ErrMalformedHash, n, minKeyLen, maxKeyLen)
	}
	return h, nil
}

// parseParam parses "name=<decimal>" into an unsigned integer of bitSize.
func parseParam(s, name string, bitSize int) (uint64, error) {
	vs, ok := strings.CutPrefix(s, name+"=")
	if !ok {
		return 0, fmt.Errorf("%w: want parameter %s", ErrMalformedHash, name)
	}
	v, err := strconv.ParseUint(vs, 10, bitSize)
	if err != nil {
		return 0, fmt.Errorf("%w: parameter %s is not a number in range", ErrMalformedHash, name)
	}
	return v, nil
}

// decode decodes PHC base64. The PHC format forbids padding, but some
// exporters add it; it carries no information, so it is tolerated.
func decode(s string) ([]byte, error) {
	return b64.DecodeString(strings.TrimRight(s, "="))
}

// truncate shortens untrusted text quoted in an error message.
func truncate(s string) string {
	if len(s) > 20 {
		return s[:20] + "..."
	}
	return s
}
