package throttle

import (
	"net/netip"
	"testing"

	"github.com/monban-dev/monban/internal/storetesting"
)

// BenchmarkClientSuccess is what the throttle adds to every authenticated
// token request: a check and a success, with nothing on record.
func BenchmarkClientSuccess(b *testing.B) {
	g := Clients(storetesting.SQLite(b), nil)
	ip := netip.MustParseAddr("192.0.2.1")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			at, err := g.Begin(ctx(), "client-1", ip)
			if err != nil || at.Wait != 0 {
				b.Fatal(at, err)
			}
			if err := at.Succeed(ctx()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
