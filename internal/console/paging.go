package console

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/monban-dev/monban/internal/store"
)

// listPageSize is the rows of one page of the long lists (users, roles,
// audit log).
const listPageSize = 20

// Pager is the pagination under a long list: links to the previous and
// next pages that keep the list's filters (plain links: no script).
type Pager struct {
	Number, Pages int
	Total         int64
	Prev, Next    string // "" when there is none
}

// pageOf is the ?page= of r (1 when absent or not a positive number).
func pageOf(r *http.Request) store.Page {
	n, err := strconv.Atoi(r.URL.Query().Get("page"))
	if err != nil || n < 1 || n > 1_000_000 {
		n = 1
	}
	return store.Page{Number: n, Size: listPageSize}
}

// pager builds the pagination of a list at path (below the root) whose
// filters are q, at page p of total rows.
func (c *Console) pager(path string, q url.Values, p store.Page, total int64) Pager {
	pages := int((total + int64(p.Size) - 1) / int64(p.Size))
	if pages < 1 {
		pages = 1
	}
	pg := Pager{Number: p.Number, Pages: pages, Total: total}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			for _, s := range vs {
				if s != "" && k != "page" && k != "done" {
					v.Add(k, s)
				}
			}
		}
		if n > 1 {
			v.Set("page", strconv.Itoa(n))
		}
		if len(v) == 0 {
			return c.root + path
		}
		return c.root + path + "?" + v.Encode()
	}
	if p.Number > 1 {
		pg.Prev = link(min(p.Number-1, pages))
	}
	if p.Number < pages {
		pg.Next = link(p.Number + 1)
	}
	return pg
}
