package password

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

// Algorithm names a password hashing method as Logto's
// UsersPasswordEncryptionMethod spells it (the passwordAlgorithm of
// POST /api/users), so that users exported from Logto or another server can
// be imported with their hashes and sign in with their old passwords.
type Algorithm string

const (
	Argon2id Algorithm = "Argon2id"
	Argon2i  Algorithm = "Argon2i"
	Argon2d  Algorithm = "Argon2d"
	Bcrypt   Algorithm = "Bcrypt"
	SHA256   Algorithm = "SHA256"
	SHA1     Algorithm = "SHA1"
	MD5      Algorithm = "MD5"
	Legacy   Algorithm = "Legacy"
)

// Supported are the algorithms Import accepts. Argon2d (not in
// golang.org/x/crypto) and Logto's Legacy expressions are not.
var Supported = []Algorithm{Argon2id, Argon2i, Bcrypt, SHA256, SHA1, MD5}

// ErrUnsupportedAlgorithm: Import was given an algorithm Monban cannot
// verify (Argon2d, Legacy) or one that does not exist.
var ErrUnsupportedAlgorithm = errors.New("password: unsupported algorithm")

// maxBcryptCost bounds the work one sign-in against an imported bcrypt hash
// can cost (cost 15 is about 2 s); exporters use 10 to 12.
const maxBcryptCost = 15

// Plain digests are stored as "$<name>$<lower-case hex>", so the stored
// string says how to check it, as PHC and bcrypt strings do.
var digests = map[Algorithm]struct {
	prefix string
	size   int
}{
	MD5:    {"$md5$", md5.Size},
	SHA1:   {"$sha1$", sha1.Size},
	SHA256: {"$sha256$", sha256.Size},
}

// Import checks a digest exported by another server (Logto's
// passwordDigest) and returns the string to store as the user's password
// hash. Argon2 digests are PHC strings; bcrypt digests are "$2a$", "$2b$"
// or "$2y$" strings; MD5, SHA-1 and SHA-256 digests are the hex of the
// unsalted hash of the password, as Logto compares them. The first
// successful Verify of an imported hash reports needsRehash, so the caller
// upgrades it to Argon2id.
func Import(alg Algorithm, digest string) (string, error) {
	digest = strings.TrimSpace(digest)
	switch alg {
	case Argon2id, Argon2i:
		if _, err := parse(digest); err != nil {
			return "", err
		}
		return digest, nil
	case Bcrypt:
		if err := checkBcrypt(digest); err != nil {
			return "", err
		}
		return digest, nil
	case MD5, SHA1, SHA256:
		d := digests[alg]
		raw, err := hex.DecodeString(digest)
		if err != nil || len(raw) != d.size {
			return "", fmt.Errorf("%w: want %d hexadecimal digits", ErrMalformedHash, 2*d.size)
		}
		return d.prefix + hex.EncodeToString(raw), nil
	}
	return "", fmt.Errorf("%w: %q", ErrUnsupportedAlgorithm, truncate(string(alg)))
}

func checkBcrypt(h string) error {
	if !strings.HasPrefix(h, "$2a$") && !strings.HasPrefix(h, "$2b$") && !strings.HasPrefix(h, "$2y$") {
		return fmt.Errorf("%w: not a bcrypt string ($2a$, $2b$ or $2y$)", ErrMalformedHash)
	}
	if len(h) != 60 {
		return fmt.Errorf("%w: a bcrypt string has 60 characters", ErrMalformedHash)
	}
	cost, err := bcrypt.Cost([]byte(h))
	if err != nil {
		return fmt.Errorf("%w: %v", ErrMalformedHash, err)
	}
	if cost > maxBcryptCost {
		return fmt.Errorf("%w: bcrypt cost %d is above %d", ErrMalformedHash, cost, maxBcryptCost)
	}
	return nil
}

// isImported reports whether stored is a non-Argon2 hash Import produced.
func isImported(stored string) bool {
	return isBcrypt(stored) || digestOf(stored) != ""
}

func isBcrypt(stored string) bool { return strings.HasPrefix(stored, "$2") }

func digestOf(stored string) Algorithm {
	for alg, d := range digests {
		if strings.HasPrefix(stored, d.prefix) {
			return alg
		}
	}
	return ""
}

// Fast reports whether stored is checked much faster than an Argon2 hash
// (an unsalted digest), so that a caller can spend a dummy hash's time after
// a wrong password, and a wrong password takes as long as an unknown user.
func Fast(stored string) bool { return digestOf(stored) != "" }

// verifyImported checks password against a bcrypt string or a stored plain
// digest, in constant time.
func verifyImported(password, stored string) (bool, error) {
	if isBcrypt(stored) {
		if err := checkBcrypt(stored); err != nil {
			return false, err
		}
		return bcrypt.CompareHashAndPassword([]byte(stored), []byte(password)) == nil, nil
	}
	alg := digestOf(stored)
	want, err := hex.DecodeString(stored[len(digests[alg].prefix):])
	if err != nil || len(want) != digests[alg].size {
		return false, fmt.Errorf("%w: stored %s digest", ErrMalformedHash, alg)
	}
	var got []byte
	switch alg {
	case MD5:
		s := md5.Sum([]byte(password))
		got = s[:]
	case SHA1:
		s := sha1.Sum([]byte(password))
		got = s[:]
	default:
		s := sha256.Sum256([]byte(password))
		got = s[:]
	}
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}
