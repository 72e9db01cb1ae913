package console

import "net/http"

// Pages of the navigation that are still to come: each says so and names
// the Management API routes that do the job meanwhile. Replace an entry
// by the area's own file (and its routes in Routes) when it lands.
var placeholders = []struct{ Nav, Path, Title, API string }{}

type placeholderData struct {
	Page
	APIPath string
}

func (c *Console) placeholderRoutes(rt *router) {
	for _, p := range placeholders {
		rt.Page(p.Path, func(w http.ResponseWriter, r *http.Request, a *Admin) {
			c.show(w, r, a, "placeholder", placeholderData{Page: c.page(r, a, p.Nav, p.Title), APIPath: p.API})
		})
	}
}
