package throttle

import (
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/storetesting"
)

func TestGuardKeys(t *testing.T) {
	ip := netip.MustParseAddr
	pwd := Accounts(KindPassword, nil, nil)
	clients := Clients(nil, nil)
	for _, tc := range []struct {
		name        string
		g           *Guard
		account     string
		ip          netip.Addr
		sameAs      [2]any // account and address of a request that must share both keys
		wantAddrKey string
	}{
		{"IPv4", pwd, "alice", ip("192.0.2.1"), [2]any{"alice", ip("192.0.2.1")}, "pwd:ip:192.0.2.1"},
		{"IPv4 in IPv6", pwd, "alice", ip("::ffff:192.0.2.1"), [2]any{"alice", ip("192.0.2.1")}, "pwd:ip:192.0.2.1"},
		{"IPv6 by /64", pwd, "alice", ip("2001:db8:1:2:aaaa::1"), [2]any{"alice", ip("2001:db8:1:2:ffff::9")}, "pwd:ip:2001:db8:1:2::/64"},
		{"IPv6 zone dropped", pwd, "alice", ip("fe80::1%eth0"), [2]any{"alice", ip("fe80::2")}, "pwd:ip:fe80::/64"},
		{"unknown address: no IP counter", pwd, "alice", netip.Addr{}, [2]any{"alice", netip.Addr{}}, ""},
		{"client", clients, "app1", ip("192.0.2.1"), [2]any{"app1", ip("192.0.2.1")}, "client:ip:192.0.2.1"},
	} {
		acct, addr := tc.g.keys(tc.account, tc.ip)
		if addr != tc.wantAddrKey {
			t.Errorf("%s: address key %q, want %q", tc.name, addr, tc.wantAddrKey)
		}
		if !strings.HasPrefix(acct, tc.g.Kind+":acct:") || strings.Contains(acct, tc.account) {
			t.Errorf("%s: account key %q: want %q and a digest, not the account", tc.name, acct, tc.g.Kind+":acct:")
		}
		acct2, addr2 := tc.g.keys(tc.sameAs[0].(string), tc.sameAs[1].(netip.Addr))
		if acct2 != acct || addr2 != addr {
			t.Errorf("%s: keys differ from %v: %q %q vs %q %q", tc.name, tc.sameAs, acct, addr, acct2, addr2)
		}
	}
	// Kinds never share counters; a client's counter is per address, a
	// person's is not.
	a1, _ := pwd.keys("alice", ip("192.0.2.1"))
	a2, _ := pwd.keys("alice", ip("198.51.100.1"))
	t1, _ := Accounts(KindTOTP, nil, nil).keys("alice", ip("192.0.2.1"))
	c1, _ := clients.keys("app1", ip("192.0.2.1"))
	c2, _ := clients.keys("app1", ip("198.51.100.1"))
	if a1 != a2 || a1 == t1 || c1 == c2 {
		t.Errorf("keys: pwd %q %q, totp %q, client %q %q", a1, a2, t1, c1, c2)
	}
}

// TestGuard: the account lock holds at every address (passwords) or only
// at the failing one (clients); the address lock holds for every account;
// a success clears the account, not the address.
func TestGuard(t *testing.T) {
	home, attacker := netip.MustParseAddr("192.0.2.1"), netip.MustParseAddr("203.0.113.66")
	for _, tc := range []struct {
		name             string
		guard            func(*Guard)
		wantLockedAtHome bool
	}{
		{"account counter is global", func(*Guard) {}, true},
		{"account counter per address", func(g *Guard) { g.AccountPerIP = true }, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := newClock()
			g := Accounts(KindPassword, storetesting.SQLite(t), c.Now)
			tc.guard(g)
			begin := func(account string, ip netip.Addr) *Attempt {
				t.Helper()
				at, err := g.Begin(ctx(), account, ip)
				mustNil(t, "Begin", err)
				return at
			}
			check := func(account string, ip netip.Addr) time.Duration { return begin(account, ip).Wait }
			fail := func(account string, ip netip.Addr) { mustNil(t, "Fail", begin(account, ip).Fail(ctx())) }
			for range 6 {
				fail("alice", attacker)
			}
			if w := check("alice", attacker); w != time.Second {
				t.Fatalf("alice from the attacker: wait %v, want 1s", w)
			}
			if w := check("alice", home); (w > 0) != tc.wantLockedAtHome {
				t.Fatalf("alice from home: wait %v, locked want %v", w, tc.wantLockedAtHome)
			}
			if w := check("bob", attacker); w != 0 {
				t.Fatalf("bob from the attacker after 6 failures (IP allowance 20): wait %v", w)
			}
			for range 15 {
				fail("carol", attacker)
			}
			if w := check("bob", attacker); w != time.Second {
				t.Fatalf("bob from the attacker after 21 failures there: wait %v, want 1s", w)
			}
			if w := check("bob", home); w != 0 {
				t.Fatalf("bob from home: wait %v", w)
			}
			c.advance(time.Hour)
			mustNil(t, "Succeed", begin("alice", attacker).Succeed(ctx()))
			fail("alice", attacker)
			if w := check("alice", home); w != 0 {
				t.Fatalf("alice from home after a success and one failure: wait %v", w)
			}
			if w := check("dave", attacker); w == 0 {
				t.Fatal("a success of alice cleared the attacker's address")
			}
		})
	}
}

// TestAttemptSucceed: Succeed clears what Begin saw on record, and writes
// nothing when it saw nothing (a token request's success costs no write).
func TestAttemptSucceed(t *testing.T) {
	st := storetesting.SQLite(t)
	g := Clients(st, nil)
	ip := netip.MustParseAddr("192.0.2.1")
	acct, _ := g.keys("app1", ip)

	clean, err := g.Begin(ctx(), "app1", ip)
	mustNil(t, "Begin", err)
	// A failure recorded meanwhile by another request is not Begin's to clear.
	other, _ := g.Begin(ctx(), "app1", ip)
	mustNil(t, "Fail", other.Fail(ctx()))
	mustNil(t, "Succeed", clean.Succeed(ctx()))
	if th, err := st.GetThrottle(ctx(), acct); err != nil || th.Failures != 1 {
		t.Fatalf("counter after a success that saw none: %+v, %v", th, err)
	}

	dirty, _ := g.Begin(ctx(), "app1", ip)
	mustNil(t, "Succeed", dirty.Succeed(ctx()))
	if _, err := st.GetThrottle(ctx(), acct); err == nil {
		t.Fatal("counter survived a success")
	}
}
