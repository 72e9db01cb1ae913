// Package secretbox encrypts secrets at rest (the private parts of signing
// keys, connector client secrets) under the deployment's master secret, so
// that a copy of the database alone does not reveal them.
package secretbox

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/sha256"
	"errors"
	"fmt"
)

const (
	// version1 tags AES-256-GCM under the HKDF key with info hkdfInfo.
	// A leading version byte lets a later scheme coexist with stored v1
	// values during a migration.
	version1 = 0x01
	// hkdfInfo separates this key from any other key derived from the same
	// master secret (RFC 5869 §3.2: "info" binds the key to its context).
	hkdfInfo = "monban secretbox v1"
	// MinMasterSecretLen is the shortest master secret New accepts: 32
	// bytes (256 bits), the key size of AES-256, so that the master secret
	// is never the weaker link of the derivation.
	MinMasterSecretLen = 32
	// nonceLen and tagLen are the GCM nonce and tag sizes: 96-bit nonces
	// are the recommended size (NIST SP 800-38D §5.2.1.1) and the tag is
	// the full 128 bits.
	nonceLen = 12
	tagLen   = 16
)

// ErrDecrypt is returned by Open for any failure: wrong master secret,
// wrong associated data, truncated or tampered ciphertext, or unknown
// version. It deliberately carries nothing secret.
var ErrDecrypt = errors.New("secretbox: cannot decrypt (wrong master secret or corrupted data)")

// Box seals and opens values with AES-256-GCM under a key derived from the
// master secret with HKDF-SHA256 (RFC 5869), info "monban secretbox v1".
// Deriving rather than using the master secret directly lets other
// subsystems derive independent keys from the same secret.
//
// A Box is safe for concurrent use.
type Box struct {
	aead cipher.AEAD
}

// New returns a Box keyed from masterSecret, which must be at least 32
// bytes. The master secret is not retained.
func New(masterSecret []byte) (*Box, error) {
	if len(masterSecret) < MinMasterSecretLen {
		return nil, fmt.Errorf("secretbox: master secret is %d bytes, need at least %d", len(masterSecret), MinMasterSecretLen)
	}
	// The master secret is already uniformly random, so no salt is needed
	// (RFC 5869 §3.1 makes the salt optional).
	key, err := hkdf.Key(sha256.New, masterSecret, nil, hkdfInfo, 32)
	if err != nil {
		return nil, fmt.Errorf("secretbox: derive key: %w", err)
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	// Random 96-bit nonces are safe for up to 2^32 messages per key
	// (NIST SP 800-38D §8.3), far more than the secrets a deployment
	// stores. The AEAD prepends the nonce to its output.
	aead, err := cipher.NewGCMWithRandomNonce(block)
	if err != nil {
		return nil, fmt.Errorf("secretbox: %w", err)
	}
	return &Box{aead: aead}, nil
}

// Seal encrypts plaintext. associatedData binds the ciphertext to its use
// (e.g. "signing-key:<kid>") so a ciphertext copied to another row fails to
// open there. The output is
//
//	0x01 (version) || 12-byte random nonce || ciphertext || 16-byte tag
//
// and differs on every call, even for equal inputs.
func (b *Box) Seal(plaintext, associatedData []byte) []byte {
	out := make([]byte, 1, 1+nonceLen+len(plaintext)+tagLen)
	out[0] = version1
	return b.aead.Seal(out, nil, plaintext, associatedData)
}

// Open reverses Seal, returning ErrDecrypt (possibly wrapped, check with
// errors.Is) when the master secret, the sealed data or the associated data
// do not match.
func (b *Box) Open(sealed, associatedData []byte) ([]byte, error) {
	if len(sealed) < 1+nonceLen+tagLen {
		return nil, fmt.Errorf("%w: too short", ErrDecrypt)
	}
	if v := sealed[0]; v != version1 {
		return nil, fmt.Errorf("%w: unknown version %#02x", ErrDecrypt, v)
	}
	plaintext, err := b.aead.Open(nil, nil, sealed[1:], associatedData)
	if err != nil {
		// The underlying error says only "message authentication
		// failed"; ErrDecrypt says the same with more context.
		return nil, ErrDecrypt
	}
	return plaintext, nil
}

// DeriveKey derives a 32-byte key for another purpose (CSRF tokens, ...)
// from the master secret with HKDF-SHA256; purpose is the HKDF info, so each
// purpose gets an independent key (RFC 5869 §3.2).
func DeriveKey(masterSecret []byte, purpose string) ([]byte, error) {
	if len(masterSecret) < MinMasterSecretLen {
		return nil, fmt.Errorf("secretbox: master secret is %d bytes, need at least %d", len(masterSecret), MinMasterSecretLen)
	}
	return hkdf.Key(sha256.New, masterSecret, nil, "monban "+purpose, 32)
}
