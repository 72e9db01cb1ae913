package console

import (
	"net/http"
	"strings"
)

func (c *Console) getStartedRoutes(rt *router) {
	rt.Page("/console/get-started", c.getStarted)
}

type getStartedData struct {
	Page
	Featured         []Framework
	Endpoint, Issuer string
}

// getStarted is the first page after set-up (sign-in lands on the
// dashboard): featured framework cards
// (each starts creating an application), the reference scenario's steps,
// and this deployment's endpoint and issuer.
func (c *Console) getStarted(w http.ResponseWriter, r *http.Request, a *Admin) {
	d := getStartedData{Page: c.page(r, a, "get-started", "getstarted.title"),
		Endpoint: c.o.Endpoint, Issuer: strings.TrimRight(c.o.Endpoint, "/") + "/oidc"}
	for _, f := range frameworks {
		if f.Featured {
			d.Featured = append(d.Featured, f)
		}
	}
	c.show(w, r, a, "get-started", d)
}
