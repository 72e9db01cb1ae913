package password

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/bcrypt"
)

// TestImportKnownAnswers: digests of "password" as other servers export
// them verify once imported, ask for a rehash, and refuse another password.
func TestImportKnownAnswers(t *testing.T) {
	bc, err := bcrypt.GenerateFromPassword([]byte("password"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		alg    Algorithm
		digest string
		rehash bool
	}{
		{Argon2i, "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", true},
		{Argon2id, mustHash(t, "password", fast), false},
		{Bcrypt, string(bc), true},
		{Bcrypt, strings.Replace(string(bc), "$2a$", "$2y$", 1), true},
		{MD5, "5f4dcc3b5aa765d61d8327deb882cf99", true},
		{MD5, "5F4DCC3B5AA765D61D8327DEB882CF99", true},
		{SHA1, "5baa61e4c9b93f3f0682250b6cf8331b7ee68fd8", true},
		{SHA256, "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", true},
	}
	for _, tt := range tests {
		t.Run(string(tt.alg), func(t *testing.T) {
			stored, err := Import(tt.alg, tt.digest)
			if err != nil {
				t.Fatal(err)
			}
			ok, rehash, err := Verify("password", stored, fast)
			if err != nil || !ok || rehash != tt.rehash {
				t.Errorf("Verify(password) = %v, %v, %v; want true, %v", ok, rehash, err, tt.rehash)
			}
			ok, rehash, err = Verify("Password", stored, fast)
			if err != nil || ok || rehash {
				t.Errorf("Verify(Password) = %v, %v, %v; want false, false, nil", ok, rehash, err)
			}
			if Fast(stored) != (tt.alg == MD5 || tt.alg == SHA1 || tt.alg == SHA256) {
				t.Errorf("Fast(%s) = %v", tt.alg, Fast(stored))
			}
		})
	}
}

func TestImportRefuses(t *testing.T) {
	tests := []struct {
		alg    Algorithm
		digest string
		want   error
	}{
		{Argon2d, "$argon2d$v=19$m=64,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", ErrUnsupportedAlgorithm},
		{Legacy, `["sha256",["salt","@"],"abcd"]`, ErrUnsupportedAlgorithm},
		{"SCRYPT", "x", ErrUnsupportedAlgorithm},
		{"", "x", ErrUnsupportedAlgorithm},
		{Argon2id, "$argon2d$v=19$m=64,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", ErrUnsupportedHash},
		{Argon2id, "not a hash", ErrUnsupportedHash},
		{Bcrypt, "$2b$10$tooshort", ErrMalformedHash},
		{Bcrypt, "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", ErrMalformedHash},
		{Bcrypt, "$2b$20$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", ErrMalformedHash},
		{MD5, "5f4dcc3b5aa765d61d8327deb882cf9", ErrMalformedHash},
		{MD5, "5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8", ErrMalformedHash},
		{SHA1, "zz", ErrMalformedHash},
		{SHA256, "", ErrMalformedHash},
	}
	for _, tt := range tests {
		if _, err := Import(tt.alg, tt.digest); !errors.Is(err, tt.want) {
			t.Errorf("Import(%s, %q) = %v, want %v", tt.alg, tt.digest, err, tt.want)
		}
	}
}

// TestImportLogtoArgon2i: the Argon2i hashes older Logto releases made
// (t=256, m=4096, p=1) import and verify; a smaller memory keeps the test
// fast, the point is t above 100.
func TestImportLogtoArgon2i(t *testing.T) {
	salt := []byte("0123456789abcdef")
	h := phc{variant: "argon2i", memory: 64, time: 256, threads: 1, salt: salt,
		key: argon2.Key([]byte("password"), salt, 256, 64, 1, 32)}
	stored, err := Import(Argon2i, h.String())
	if err != nil {
		t.Fatalf("Import(%s) = %v", h, err)
	}
	if ok, rehash, err := Verify("password", stored, fast); !ok || !rehash || err != nil {
		t.Errorf("Verify = %v, %v, %v; want true, true, nil", ok, rehash, err)
	}
	if _, err := Import(Argon2i, "$argon2i$v=19$m=4096,t=256,p=1$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObGRdescudvJCs"); err != nil {
		t.Errorf("Logto's parameters refused: %v", err)
	}
}
