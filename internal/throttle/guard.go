package throttle

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/netip"
	"time"

	"github.com/monban-dev/monban/internal/store"
)

// Kinds of credential, each with counters of its own (spec/security.md
// item 18 names all four).
const (
	KindPassword = "pwd"
	KindCode     = "code" // verification codes (email, SMS)
	KindTOTP     = "totp"
	KindClient   = "client" // client secrets at the token endpoint
)

// Guard throttles one kind of credential by account and by IP address, with
// a Limiter for each (spec/security.md item 18); see Begin. Its keys are
// "<kind>:acct:<digest>" and "<kind>:ip:<address>": the account part is a
// digest, so what people type into an identifier field (sometimes their
// password) is not kept in the clear.
type Guard struct {
	Kind string
	// Account counts failures per account (or per account and IP address
	// together, with AccountPerIP).
	Account Limiter
	// IP counts failures per client address: IPv4 addresses one by one,
	// IPv6 by /64, the block one subscriber usually holds.
	IP Limiter
	// AccountPerIP keys the account's counter by account and IP address
	// together, so failures from one address never lock the account out
	// at another.
	AccountPerIP bool
}

// Accounts is the Guard for a credential of people (KindPassword, KindCode,
// KindTOTP): per account 5 free failures, then 1 s doubling up to 15
// minutes; per IP address 20 free failures, forgotten after an hour without
// one. The account's counter is global, so guessing from many addresses is
// held too; the cost is the denial of service the package comment weighs.
func Accounts(kind string, st store.Throttles, now func() time.Time) *Guard {
	return &Guard{
		Kind:    kind,
		Account: Limiter{Store: st, Now: now},
		IP:      Limiter{Store: st, Now: now, Free: 20, Forget: time.Hour},
	}
}

// Clients is the Guard for client secrets at the token endpoint. Client ids
// are public (every authorization URL carries one) and secrets have 256 bits
// of entropy (spec/security.md item 11), so a counter per client alone would
// let anyone lock an application out of its tokens while protecting nothing
// guessing could reach: the client's counter is per client and IP address.
// The IP counter holds one address spraying many clients.
func Clients(st store.Throttles, now func() time.Time) *Guard {
	g := Accounts(KindClient, st, now)
	g.AccountPerIP = true
	return g
}

// Attempt is one use of a credential under a Guard: Begin reads the
// counters, then the caller reports the outcome with Fail or Succeed.
type Attempt struct {
	// Wait is how long the account or the address is still locked; while
	// it is more than 0 the caller refuses without verifying the credential.
	Wait time.Duration

	g          *Guard
	acct, addr string
	// onRecord: the account had failures when Begin read the counters.
	onRecord bool
}

// Begin reads the counters of account and ip, in one query.
func (g *Guard) Begin(ctx context.Context, account string, ip netip.Addr) (*Attempt, error) {
	a := &Attempt{g: g}
	a.acct, a.addr = g.keys(account, ip)
	wait, found, err := g.Account.check(ctx, a.acct, a.addr)
	if err != nil {
		return nil, err
	}
	a.Wait = wait
	for _, t := range found {
		a.onRecord = a.onRecord || t.Key == a.acct
	}
	return a, nil
}

// Fail records a wrong credential for the account and the address.
func (a *Attempt) Fail(ctx context.Context) error {
	return errors.Join(a.g.Account.Fail(ctx, a.acct), a.g.IP.Fail(ctx, a.addr))
}

// Succeed clears the account's counter after a right credential; it writes
// nothing when Begin found none, so the common case costs no write. The
// address's counter stays: see the package comment.
func (a *Attempt) Succeed(ctx context.Context) error {
	if !a.onRecord {
		return nil
	}
	return a.g.Account.Succeed(ctx, a.acct)
}

// keys returns the account's and the address's keys; the latter is "" (no
// counter) when the address is unknown.
func (g *Guard) keys(account string, ip netip.Addr) (acct, addr string) {
	where := ""
	if ip.IsValid() {
		ip = ip.Unmap()
		if ip.Is6() {
			where = netip.PrefixFrom(ip.WithZone(""), 64).Masked().String()
		} else {
			where = ip.String()
		}
		addr = g.Kind + ":ip:" + where
	}
	if g.AccountPerIP {
		account += "\x00" + where
	}
	sum := sha256.Sum256([]byte(account))
	return g.Kind + ":acct:" + hex.EncodeToString(sum[:16]), addr
}
