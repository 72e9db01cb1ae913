package secretbox

import (
	"bytes"
	"errors"
	"testing"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func mustNew(t *testing.T, master []byte) *Box {
	t.Helper()
	b, err := New(master)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestNewKeyLength(t *testing.T) {
	tests := []struct {
		n       int
		wantErr bool
	}{
		{0, true},
		{16, true},
		{31, true},
		{32, false},
		{48, false},
		{100, false},
	}
	for _, tt := range tests {
		_, err := New(make([]byte, tt.n))
		if (err != nil) != tt.wantErr {
			t.Errorf("New(%d bytes) error = %v, wantErr %v", tt.n, err, tt.wantErr)
		}
	}
}

func TestRoundTrip(t *testing.T) {
	b := mustNew(t, key(1))
	tests := []struct {
		name      string
		plaintext []byte
		ad        []byte
	}{
		{"empty", nil, nil},
		{"no ad", []byte("secret"), nil},
		{"with ad", []byte("-----BEGIN PRIVATE KEY-----"), []byte("signing-key:abc")},
		{"binary", bytes.Repeat([]byte{0, 0xff}, 1000), []byte("connector:x")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sealed := b.Seal(tt.plaintext, tt.ad)
			if want := 1 + nonceLen + len(tt.plaintext) + tagLen; len(sealed) != want {
				t.Errorf("len(sealed) = %d, want %d", len(sealed), want)
			}
			if sealed[0] != 0x01 {
				t.Errorf("version byte = %#x, want 0x01", sealed[0])
			}
			got, err := b.Open(sealed, tt.ad)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, tt.plaintext) {
				t.Errorf("Open = %q, want %q", got, tt.plaintext)
			}
		})
	}
}

func TestSealIsRandomized(t *testing.T) {
	b := mustNew(t, key(1))
	p, ad := []byte("same"), []byte("ad")
	s1, s2 := b.Seal(p, ad), b.Seal(p, ad)
	if bytes.Equal(s1, s2) {
		t.Error("two Seals of the same plaintext are equal")
	}
	if bytes.Equal(s1[1:1+nonceLen], s2[1:1+nonceLen]) {
		t.Error("nonce reused")
	}
}

func TestSameMasterSameKey(t *testing.T) {
	// A restart with the same master secret must open old ciphertexts.
	sealed := mustNew(t, key(7)).Seal([]byte("x"), []byte("ad"))
	if _, err := mustNew(t, key(7)).Open(sealed, []byte("ad")); err != nil {
		t.Fatal(err)
	}
}

func TestOpenFailures(t *testing.T) {
	b := mustNew(t, key(1))
	ad := []byte("signing-key:k1")
	sealed := b.Seal([]byte("private key"), ad)
	flip := func(i int) []byte {
		s := bytes.Clone(sealed)
		s[i] ^= 0x01
		return s
	}
	tests := []struct {
		name   string
		box    *Box
		sealed []byte
		ad     []byte
	}{
		{"wrong key", mustNew(t, key(2)), sealed, ad},
		{"longer master secret", mustNew(t, append(key(1), 0)), sealed, ad},
		{"wrong ad", b, sealed, []byte("signing-key:k2")},
		{"missing ad", b, sealed, nil},
		{"tampered nonce", b, flip(1), ad},
		{"tampered ciphertext", b, flip(1 + nonceLen), ad},
		{"tampered tag", b, flip(len(sealed) - 1), ad},
		{"unknown version 0x00", b, append([]byte{0x00}, sealed[1:]...), ad},
		{"unknown version 0x02", b, append([]byte{0x02}, sealed[1:]...), ad},
		{"truncated", b, sealed[:len(sealed)-1], ad},
		{"too short", b, sealed[:1+nonceLen+tagLen-1], ad},
		{"version only", b, sealed[:1], ad},
		{"empty", b, nil, ad},
		{"extra byte", b, append(bytes.Clone(sealed), 0), ad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.box.Open(tt.sealed, tt.ad)
			if !errors.Is(err, ErrDecrypt) {
				t.Errorf("Open error = %v, want ErrDecrypt", err)
			}
			if got != nil {
				t.Errorf("Open returned plaintext %q on failure", got)
			}
		})
	}
}
