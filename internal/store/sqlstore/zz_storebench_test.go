package sqlstore_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/store/sqlstore"
	"github.com/monban-dev/monban/internal/storetesting"
)

func BenchmarkPerms(b *testing.B) {
	for _, n := range []int{0, 50} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			ctx := context.Background()
			s := storetesting.SQLite(b)
			if idx := os.Getenv("IDX"); idx != "" {
				if err := s.ExecForBench(idx); err != nil { b.Fatal(err) }
			}
			now := time.Now()
			s.CreateApplication(ctx, &store.Application{ID: "app", Name: "a", Type: store.AppMachineToMachine, CreatedAt: now, UpdatedAt: now})
			s.CreateResource(ctx, &store.Resource{ID: "res", Name: "r", Indicator: "https://r", AccessTokenTTL: time.Hour, CreatedAt: now})
			s.CreateRole(ctx, &store.Role{ID: "role", Name: "role", Type: store.RoleMachineToMachine, CreatedAt: now})
			var ids []string
			for i := range n {
				id := fmt.Sprint("s", i)
				s.CreateScope(ctx, &store.Scope{ID: id, ResourceID: "res", Name: fmt.Sprint("perm:", i), CreatedAt: now})
				ids = append(ids, id)
			}
			if n > 0 {
				s.AddRoleScopes(ctx, "role", ids)
			}
			s.AddApplicationRoles(ctx, "app", []string{"role"})
			plan, err := s.PlanForBench(sqlstore.PermQ, "app", "https://r")
			b.Log(plan, err)
			for b.Loop() {
				_, p, err := s.ApplicationResourcePermissions(ctx, "app", "https://r")
				if err != nil || len(p) != n {
					b.Fatal(err, len(p))
				}
			}
		})
	}
}
