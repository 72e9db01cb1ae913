package password

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

// fast keeps tests quick; real deployments use DefaultParams or higher.
var fast = Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}

func mustHash(t testing.TB, password string, p Params) string {
	t.Helper()
	h, err := Hash(password, p)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

func TestHashDefaultParamsFormat(t *testing.T) {
	h := mustHash(t, "correct horse battery staple", DefaultParams)
	// 16-byte salt -> 22 base64 chars, 32-byte key -> 43, no padding.
	re := regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)
	if !re.MatchString(h) {
		t.Errorf("Hash = %q, does not match %s", h, re)
	}
	ok, rehash, err := Verify("correct horse battery staple", h, DefaultParams)
	if !ok || rehash || err != nil {
		t.Errorf("Verify = %v, %v, %v; want true, false, nil", ok, rehash, err)
	}
}

func TestHashSalted(t *testing.T) {
	if mustHash(t, "pw", fast) == mustHash(t, "pw", fast) {
		t.Error("two hashes of the same password are equal")
	}
}

func TestHashInvalidParams(t *testing.T) {
	tests := []struct {
		name string
		p    Params
	}{
		{"zero", Params{}},
		{"no threads", Params{Memory: 64, Time: 1, Threads: 0, KeyLen: 32, SaltLen: 16}},
		{"no time", Params{Memory: 64, Time: 0, Threads: 1, KeyLen: 32, SaltLen: 16}},
		{"time too high", Params{Memory: 64, Time: 1025, Threads: 1, KeyLen: 32, SaltLen: 16}},
		{"work too high", Params{Memory: 4 * 1024 * 1024, Time: 101, Threads: 1, KeyLen: 32, SaltLen: 16}},
		{"memory below 8p", Params{Memory: 15, Time: 1, Threads: 2, KeyLen: 32, SaltLen: 16}},
		{"memory too high", Params{Memory: 4*1024*1024 + 1, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}},
		{"short key", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 3, SaltLen: 16}},
		{"short salt", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if h, err := Hash("pw", tt.p); err == nil {
				t.Errorf("Hash = %q, want error", h)
			}
		})
	}
}

func TestVerify(t *testing.T) {
	h := mustHash(t, "s3cret", fast)
	tests := []struct {
		name     string
		password string
		p        Params
		ok       bool
		rehash   bool
	}{
		{"correct", "s3cret", fast, true, false},
		{"wrong", "s3creT", fast, false, false},
		{"empty", "", fast, false, false},
		{"prefix", "s3cre", fast, false, false},
		{"lower target params", "s3cret", Params{Memory: 32, Time: 1, Threads: 1, KeyLen: 16, SaltLen: 8}, true, false},
		{"memory raised", "s3cret", Params{Memory: 128, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 16}, true, true},
		{"time raised", "s3cret", Params{Memory: 64, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}, true, true},
		{"key length raised", "s3cret", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 64, SaltLen: 16}, true, true},
		{"salt length raised", "s3cret", Params{Memory: 64, Time: 1, Threads: 1, KeyLen: 32, SaltLen: 32}, true, true},
		{"threads differ", "s3cret", Params{Memory: 64, Time: 1, Threads: 4, KeyLen: 32, SaltLen: 16}, true, false},
		// A wrong password must never ask for a rehash.
		{"wrong with params raised", "nope", DefaultParams, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := Verify(tt.password, h, tt.p)
			if err != nil {
				t.Fatal(err)
			}
			if ok != tt.ok || rehash != tt.rehash {
				t.Errorf("Verify = %v, %v; want %v, %v", ok, rehash, tt.ok, tt.rehash)
			}
		})
	}
}

// TestVerifyKnownAnswers uses the encoded outputs of the Argon2 reference
// implementation (github.com/P-H-C/phc-winner-argon2):
//
//	echo -n password | argon2 somesalt -t 2 -m 16 -p 4 -l 24       (Argon2i)
//	echo -n password | argon2 somesalt -t 2 -m 16 -p 4 -l 32 -id   (Argon2id)
//
// proving that hashes made elsewhere (e.g. exported from Logto) verify.
func TestVerifyKnownAnswers(t *testing.T) {
	tests := []struct {
		name   string
		phc    string
		rehash bool
	}{
		{"argon2i", "$argon2i$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG", true},
		{"argon2id", "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo", false},
		{"argon2id padded", "$argon2id$v=19$m=65536,t=2,p=4$c29tZXNhbHQ=$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo=", false},
	}
	target := Params{Memory: 65536, Time: 2, Threads: 4, KeyLen: 24, SaltLen: 8}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := Verify("password", tt.phc, target)
			if err != nil {
				t.Fatal(err)
			}
			if !ok || rehash != tt.rehash {
				t.Errorf("Verify(password) = %v, %v; want true, %v", ok, rehash, tt.rehash)
			}
			ok, _, err = Verify("Password", tt.phc, target)
			if ok || err != nil {
				t.Errorf("Verify(Password) = %v, %v; want false, nil", ok, err)
			}
		})
	}
}

func TestVerifyErrors(t *testing.T) {
	good := mustHash(t, "pw", fast)
	parts := strings.Split(good, "$") // "", alg, v, params, salt, hash
	salt, key := parts[4], parts[5]
	with := func(alg, v, params, salt, key string) string {
		return strings.Join([]string{"", alg, v, params, salt, key}, "$")
	}
	tests := []struct {
		name string
		phc  string
		want error
	}{
		{"empty", "", ErrUnsupportedHash},
		{"plain text", "password", ErrUnsupportedHash},
		{"bcrypt cut short", "$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhW", ErrMalformedHash},
		{"bcrypt cost 31", "$2b$31$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", ErrMalformedHash},
		{"md5 not hex", "$md5$zz", ErrMalformedHash},
		{"argon2d", with("argon2d", "v=19", "m=64,t=1,p=1", salt, key), ErrUnsupportedHash},
		{"scrypt", "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E", ErrUnsupportedHash},
		{"argon2 v1.0", "$argon2i$m=64,t=1,p=1$" + salt + "$" + key, ErrUnsupportedHash},
		{"version 16", with("argon2id", "v=16", "m=64,t=1,p=1", salt, key), ErrUnsupportedHash},
		{"too few segments", "$argon2id$v=19$m=64,t=1,p=1$" + salt, ErrMalformedHash},
		{"too many segments", good + "$x", ErrMalformedHash},
		{"no version", with("argon2id", "19", "m=64,t=1,p=1", salt, key), ErrMalformedHash},
		{"bad version", with("argon2id", "v=x", "m=64,t=1,p=1", salt, key), ErrMalformedHash},
		{"two params", with("argon2id", "v=19", "m=64,t=1", salt, key), ErrMalformedHash},
		{"four params", with("argon2id", "v=19", "m=64,t=1,p=1,k=2", salt, key), ErrMalformedHash},
		{"params out of order", with("argon2id", "v=19", "t=1,m=64,p=1", salt, key), ErrMalformedHash},
		{"non-numeric m", with("argon2id", "v=19", "m=lots,t=1,p=1", salt, key), ErrMalformedHash},
		{"negative t", with("argon2id", "v=19", "m=64,t=-1,p=1", salt, key), ErrMalformedHash},
		{"empty p", with("argon2id", "v=19", "m=64,t=1,p=", salt, key), ErrMalformedHash},
		{"m overflows uint32", with("argon2id", "v=19", "m=4294967296,t=1,p=1", salt, key), ErrMalformedHash},
		{"m above 4 GiB", with("argon2id", "v=19", "m=4194305,t=1,p=1", salt, key), ErrMalformedHash},
		{"m below 8p", with("argon2id", "v=19", "m=15,t=1,p=2", salt, key), ErrMalformedHash},
		{"m zero", with("argon2id", "v=19", "m=0,t=1,p=1", salt, key), ErrMalformedHash},
		{"t zero", with("argon2id", "v=19", "m=64,t=0,p=1", salt, key), ErrMalformedHash},
		{"t above 1024", with("argon2id", "v=19", "m=64,t=1025,p=1", salt, key), ErrMalformedHash},
		{"m*t above 4 GiB * 100", with("argon2id", "v=19", "m=4194304,t=101,p=1", salt, key), ErrMalformedHash},
		{"p zero", with("argon2id", "v=19", "m=64,t=1,p=0", salt, key), ErrMalformedHash},
		{"p above 255", with("argon2id", "v=19", "m=64000,t=1,p=256", salt, key), ErrMalformedHash},
		{"bad salt base64", with("argon2id", "v=19", "m=64,t=1,p=1", "!!!!!!!!!!!!", key), ErrMalformedHash},
		{"bad hash base64", with("argon2id", "v=19", "m=64,t=1,p=1", salt, "a*b"), ErrMalformedHash},
		{"short salt", with("argon2id", "v=19", "m=64,t=1,p=1", "c2FsdA", key), ErrMalformedHash},
		{"empty salt", with("argon2id", "v=19", "m=64,t=1,p=1", "", key), ErrMalformedHash},
		{"short hash", with("argon2id", "v=19", "m=64,t=1,p=1", salt, "AAA"), ErrMalformedHash},
		{"empty hash", with("argon2id", "v=19", "m=64,t=1,p=1", salt, ""), ErrMalformedHash},
		{"huge", good + strings.Repeat("A", 5000), ErrMalformedHash},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, rehash, err := Verify("pw", tt.phc, fast)
			if !errors.Is(err, tt.want) {
				t.Errorf("Verify error = %v, want %v", err, tt.want)
			}
			if ok || rehash {
				t.Errorf("Verify = %v, %v on error", ok, rehash)
			}
		})
	}
}

func TestVerifyDummy(t *testing.T) {
	if VerifyDummy("anything", fast) {
		t.Error("VerifyDummy returned true")
	}
	if VerifyDummy("", Params{}) {
		t.Error("VerifyDummy with invalid params returned true")
	}
	v, ok := dummies.Load(fast)
	if !ok {
		t.Fatal("no dummy stored")
	}
	d := v.(*dummy)
	if _, err := parse(d.phc); err != nil {
		t.Errorf("dummy %q does not parse: %v", d.phc, err)
	}
	// The dummy is fixed after the first call.
	VerifyDummy("again", fast)
	if v2, _ := dummies.Load(fast); v2.(*dummy).phc != d.phc {
		t.Error("dummy changed between calls")
	}
}

// TestVerifyDummyTiming checks that VerifyDummy costs about as much as a
// failed Verify against a real hash, the point of calling it. The bound is
// loose (a factor of 3) so that a loaded machine does not make it flaky;
// skipping the hash entirely would be ~1000 times faster.
func TestVerifyDummyTiming(t *testing.T) {
	if testing.Short() {
		t.Skip("timing")
	}
	p := Params{Memory: 4 * 1024, Time: 2, Threads: 1, KeyLen: 32, SaltLen: 16}
	stored := mustHash(t, "pw", p)
	VerifyDummy("warm", p)
	const rounds = 5
	measure := func(fn func()) time.Duration {
		best := time.Duration(1<<63 - 1)
		for range rounds {
			start := time.Now()
			fn()
			best = min(best, time.Since(start))
		}
		return best
	}
	verify := measure(func() { Verify("wrong", stored, p) })
	dummy := measure(func() { VerifyDummy("wrong", p) })
	if dummy*3 < verify || verify*3 < dummy {
		t.Errorf("VerifyDummy took %v, Verify %v: not comparable", dummy, verify)
	}
}

// FuzzVerify checks that no input makes Verify panic. Inputs whose costs
// would make a fuzzing run crawl are only parsed, not hashed.
func FuzzVerify(f *testing.F) {
	seeds := []string{
		"",
		"$",
		"$$$$$",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo",
		"$argon2i$v=19$m=64,t=1,p=1$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG",
		"$argon2id$v=19$m=64,t=1,p=0$c29tZXNhbHQ$GpZ3sK/oH9p7VIiV56G/64Zo/8GaUw434IimaPqxwCo",
		"$argon2id$v=19$m=0,t=0,p=1$c29tZXNhbHQ$AAAA",
		"$argon2id$v=19$m=99999999999,t=1,p=1$c29tZXNhbHQ$AAAA",
		"$argon2id$v=19$m=64,t=1,p=1$$",
		"$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ=$AAAAAA==",
		"$argon2i$m=64,t=1,p=1$c29tZXNhbHQ$AAAAAA",
		"$2b$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		mustHash(f, "password", fast),
	}
	for _, s := range seeds {
		f.Add("password", s)
	}
	f.Fuzz(func(t *testing.T, password, s string) {
		if isImported(s) {
			// bcrypt or a plain digest: never a panic; right only with a rehash.
			ok, rehash, _ := Verify(password, s, fast)
			if ok != rehash {
				t.Fatalf("imported hash: ok %v but needsRehash %v", ok, rehash)
			}
			return
		}
		h, err := parse(s)
		if err != nil {
			ok, rehash, verr := Verify(password, s, fast)
			if verr == nil || ok || rehash {
				t.Fatalf("parse failed (%v) but Verify = %v, %v, %v", err, ok, rehash, verr)
			}
			if !errors.Is(verr, ErrMalformedHash) && !errors.Is(verr, ErrUnsupportedHash) {
				t.Fatalf("error %v is neither ErrMalformedHash nor ErrUnsupportedHash", verr)
			}
			return
		}
		if h.memory > 1024 || h.time > 4 {
			return // valid but too slow to hash in a fuzz loop
		}
		ok, rehash, err := Verify(password, s, fast)
		if err != nil {
			t.Fatalf("parse succeeded but Verify failed: %v", err)
		}
		if rehash && !ok {
			t.Fatal("needsRehash without ok")
		}
	})
}
