package mgmt

import (
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// applicationFilter is what GET /api/applications narrows the list by.
type applicationFilter struct {
	types        []store.ApplicationType
	isThirdParty *bool
	search       store.UserQuery
}

var applicationSearchFields = []string{"id", "name", "description"}

// applicationFilterOf reads types (repeated, or comma-separated),
// isThirdParty and Logto's search parameters.
func applicationFilterOf(q url.Values) (applicationFilter, error) {
	var f applicationFilter
	var errs validate.Errors
	for _, v := range q["types"] {
		for _, t := range strings.Split(v, ",") {
			typ := store.ApplicationType(strings.TrimSpace(t))
			if !typ.Valid() {
				errs.Add("types", "guard.invalid_input", "must be Traditional, SPA, Native or MachineToMachine")
				continue
			}
			f.types = append(f.types, typ)
		}
	}
	switch v := q.Get("isThirdParty"); v {
	case "":
	case "true", "false":
		b := v == "true"
		f.isThirdParty = &b
	default:
		errs.Add("isThirdParty", "guard.invalid_input", "must be true or false")
	}
	var err error
	f.search, err = searchQueryOf(q, applicationSearchFields)
	if se, ok := validate.As(err); ok {
		errs = append(errs, se...)
	}
	return f, errs.Err()
}

func (f applicationFilter) none() bool {
	return len(f.types) == 0 && f.isThirdParty == nil && len(f.search.Matches) == 0
}

func (f applicationFilter) keeps(app *store.Application) bool {
	if len(f.types) > 0 && !slices.Contains(f.types, app.Type) {
		return false
	}
	if f.isThirdParty != nil && app.IsThirdParty != *f.isThirdParty {
		return false
	}
	return matches(f.search, map[string]string{"id": app.ID, "name": app.Name, "description": app.Description},
		applicationSearchFields)
}

// PATCH /api/applications/{id}/custom-data {...}: the body, a JSON object,
// is merged into the application's custom data at the top level (Logto's
// route); answers the whole custom data. Concurrent merges are retried,
// so none is lost.
func (a *API) patchApplicationCustomData(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	var patch map[string]any
	if err := decode(w, r, &patch); err != nil {
		return err
	}
	if patch == nil {
		return invalidInput("body", "guard.invalid_input", "must be a JSON object")
	}
	for range staleRetries {
		app, err := a.o.Applications.Update(r.Context(), id, application.Patch{MergeCustomData: patch})
		if errors.Is(err, store.ErrStale) {
			continue
		}
		if err != nil {
			return withID(err, id)
		}
		writeJSON(w, http.StatusOK, app.CustomData)
		return nil
	}
	return conflictingUpdate()
}
