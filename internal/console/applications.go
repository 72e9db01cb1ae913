package console

import (
	"errors"
	"net/http"
	"regexp"
	"strings"

	"github.com/monban-dev/monban/internal/application"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// Applications: the list, the catalogue of framework cards, creation, the
// guide with this deployment's values, and the details page (ids and
// secrets, URIs, CORS origins, secret rotation, deletion). Every change
// goes through application.Service, as POST/PATCH/DELETE /api/applications
// and /api/applications/{id}/secrets do.
func (c *Console) applicationRoutes(rt *router) {
	rt.Page("/console/applications", c.applications)
	rt.Page("/console/applications/new", c.catalogue)
	rt.Action("/console/applications", c.createApplication)
	rt.Page("/console/applications/{id}", c.applicationDetails)
	rt.Page("/console/applications/{id}/guide", c.guide)
	rt.Action("/console/applications/{id}", c.updateApplication)
	rt.Action("/console/applications/{id}/secrets", c.addSecret)
	rt.Action("/console/applications/{id}/secrets/delete", c.deleteSecret)
	rt.Action("/console/applications/{id}/delete", c.deleteApplication)
}

type appRow struct {
	*store.Application
	TypeLabel string
}

type applicationsData struct {
	Page
	Apps []appRow
}

// applications lists every application (in the server's HTML).
func (c *Console) applications(w http.ResponseWriter, r *http.Request, a *Admin) {
	apps, _, err := c.o.Store.ListApplications(r.Context(), store.Page{})
	if err != nil {
		c.fail(w, r, "list applications", err)
		return
	}
	d := applicationsData{Page: c.page(r, a, "applications", "apps.title")}
	for _, app := range apps {
		d.Apps = append(d.Apps, appRow{Application: app, TypeLabel: typeLabel(app.Type)})
	}
	c.show(w, r, a, "applications", d)
}

type frameworkGroup struct {
	Type  store.ApplicationType
	Label string
	Cards []Framework
}

type catalogueData struct {
	Page
	Filter string
	Groups []frameworkGroup
	Types  []frameworkGroup // the filter links
}

// catalogue is "Create application": the framework cards grouped by type,
// optionally filtered (?type=Traditional); a card leads to
// ?framework=<id>, the creation form.
func (c *Console) catalogue(w http.ResponseWriter, r *http.Request, a *Admin) {
	if r.URL.Query().Has("framework") {
		c.createForm(w, r, a)
		return
	}
	filter := store.ApplicationType(r.URL.Query().Get("type"))
	if !filter.Valid() {
		filter = ""
	}
	d := catalogueData{Page: c.page(r, a, "applications", "apps.create"), Filter: string(filter)}
	for _, t := range frameworkTypes {
		g := frameworkGroup{Type: t, Label: typeLabel(t)}
		d.Types = append(d.Types, g)
		if filter != "" && t != filter {
			continue
		}
		for _, f := range frameworks {
			if f.Type == t {
				g.Cards = append(g.Cards, f)
			}
		}
		d.Groups = append(d.Groups, g)
	}
	c.show(w, r, a, "applications-new", d)
}

type createData struct {
	Page
	Framework Framework
	TypeLabel string
	Form      *Form
}

// createForm asks for the new application's name, with the redirect URIs
// the framework's guide uses already filled in.
func (c *Console) createForm(w http.ResponseWriter, r *http.Request, a *Admin) {
	f, ok := frameworkByID(r.URL.Query().Get("framework"))
	if !ok {
		c.notFound(w, r)
		return
	}
	form := NewForm(nil)
	form.Values.Set("framework", f.ID)
	form.Values.Set("redirectUris", f.RedirectURI)
	form.Values.Set("postLogoutRedirectUris", f.PostLogoutURI)
	c.show(w, r, a, "applications-create", createData{Page: c.page(r, a, "applications", "apps.create_framework", "framework", f.Name),
		Framework: f, TypeLabel: typeLabel(f.Type), Form: form})
}

// appFields maps the application service's field names to the forms'.
func appFields(tr translator) fieldMap {
	return func(apiField string) (string, string) {
		switch {
		case apiField == "name":
			return "name", tr.T("apps.name")
		case apiField == "description":
			return "description", tr.T("apps.description")
		case strings.HasPrefix(apiField, "oidcClientMetadata.redirectUris"):
			return "redirectUris", tr.T("apps.redirect_uris")
		case strings.HasPrefix(apiField, "oidcClientMetadata.postLogoutRedirectUris"):
			return "postLogoutRedirectUris", tr.T("apps.post_logout_uris")
		case strings.HasPrefix(apiField, "customClientMetadata.corsAllowedOrigins"):
			return "corsOrigins", tr.T("apps.cors_origins")
		case apiField == "type":
			return "framework", tr.T("apps.type")
		}
		return "", ""
	}
}

// createApplication is POST /console/applications: application.Service.Create
// (as POST /api/applications), then the guide, showing the secret.
func (c *Console) createApplication(w http.ResponseWriter, r *http.Request, a *Admin) {
	f, ok := frameworkByID(r.PostForm.Get("framework"))
	if !ok {
		c.errorPage(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	in := application.NewApplication{Name: r.PostForm.Get("name"), Description: strings.TrimSpace(r.PostForm.Get("description")),
		Type: f.Type}
	if f.Type != store.AppMachineToMachine {
		in.RedirectURIs = lines(r.PostForm.Get("redirectUris"))
		in.PostLogoutRedirectURIs = lines(r.PostForm.Get("postLogoutRedirectUris"))
	} else {
		in.ManagementAPIAccess = r.PostForm.Get("managementApiAccess") == "on"
	}
	// Every check is the service's, so one answer names every wrong field.
	form := NewForm(r.PostForm)
	app, secret, err := c.o.Applications.Create(r.Context(), in)
	if errs, ok := validate.As(err); ok {
		form.FieldErrors(a.Tr, errs, appFields(a.Tr))
	} else if err != nil {
		c.fail(w, r, "create application", err)
		return
	}
	if form.HasErrors() {
		c.render(w, r, a.Lang, http.StatusBadRequest, "applications-create", createData{
			Page:      c.page(r, a, "applications", "apps.create_framework", "framework", f.Name),
			Framework: f, TypeLabel: typeLabel(f.Type), Form: form})
		return
	}
	c.log(r.Context()).Info("console: application created", "application_id", app.ID, "admin", a.User.ID)
	if secret != "" {
		c.flashSecret(w, a, app.ID, application.DefaultSecretName, secret)
	}
	c.done(w, r, "/applications/"+app.ID+"/guide?framework="+f.ID, "notice.app_created")
}

// appByPath loads the application of the URL's {id}; false (answered 404
// or 500) when there is none.
func (c *Console) appByPath(w http.ResponseWriter, r *http.Request) (*store.Application, bool) {
	app, err := c.o.Applications.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		c.notFound(w, r)
		return nil, false
	}
	if err != nil {
		c.fail(w, r, "load application", err)
		return nil, false
	}
	return app, true
}

type guideData struct {
	Page
	App          *store.Application
	Framework    Framework
	TypeLabel    string
	Endpoint     string
	Issuer       string
	Secret       *shownSecret
	Confidential bool
	// RedirectURI and PostLogoutURI are the application's first registered
	// ones (else the framework's defaults), as the snippets use them.
	RedirectURI, PostLogoutURI string
	// AppBase is the sample app's origin, from RedirectURI.
	AppBase string
	Others  []Framework
}

// guide is the integration guide of an application: the framework's code
// with this deployment's endpoint, the app's id and (while it is shown,
// see secretflash.go) secret already in it.
func (c *Console) guide(w http.ResponseWriter, r *http.Request, a *Admin) {
	app, ok := c.appByPath(w, r)
	if !ok {
		return
	}
	f := frameworkFor(app, r.URL.Query().Get("framework"))
	d := guideData{Page: c.page(r, a, "applications", "guide.title", "framework", f.Name), App: app, Framework: f,
		TypeLabel: typeLabel(app.Type), Endpoint: c.o.Endpoint, Issuer: strings.TrimRight(c.o.Endpoint, "/") + "/oidc",
		Secret: c.flashedSecret(r, a, app.ID), Confidential: app.Type.Confidential(),
		RedirectURI: f.RedirectURI, PostLogoutURI: f.PostLogoutURI}
	if len(app.RedirectURIs) > 0 {
		d.RedirectURI = app.RedirectURIs[0]
	}
	if len(app.PostLogoutRedirectURIs) > 0 {
		d.PostLogoutURI = app.PostLogoutRedirectURIs[0]
	}
	d.AppBase = originOf(d.RedirectURI)
	for _, o := range frameworks {
		if o.Type == app.Type && o.ID != f.ID {
			d.Others = append(d.Others, o)
		}
	}
	c.show(w, r, a, "applications-guide", d)
}

var originRe = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9+.-]*://[^/?#]*`)

func originOf(uri string) string { return originRe.FindString(uri) }

type detailsData struct {
	Page
	App          *store.Application
	TypeLabel    string
	Confidential bool
	Endpoint     string
	Issuer       string
	Secrets      []*store.ApplicationSecret
	NewSecret    *shownSecret
	Form         *Form // the settings
	SecretForm   *Form
	DeleteForm   *Form
	Framework    Framework
}

// details builds the details page's data, forms filled from the stored
// application unless a rejected POST gives them.
func (c *Console) details(r *http.Request, a *Admin, app *store.Application) (detailsData, error) {
	secrets, err := c.o.Applications.Secrets(r.Context(), app.ID)
	if err != nil {
		return detailsData{}, err
	}
	settings := NewForm(nil)
	settings.Values.Set("name", app.Name)
	settings.Values.Set("description", app.Description)
	settings.Values.Set("redirectUris", strings.Join(app.RedirectURIs, "\n"))
	settings.Values.Set("postLogoutRedirectUris", strings.Join(app.PostLogoutRedirectURIs, "\n"))
	settings.Values.Set("corsOrigins", strings.Join(app.CORSAllowedOrigins, "\n"))
	return detailsData{Page: c.page(r, a, "applications", "apps.details", "name", app.Name), App: app,
		TypeLabel: typeLabel(app.Type), Confidential: app.Type.Confidential(), Endpoint: c.o.Endpoint,
		Issuer: strings.TrimRight(c.o.Endpoint, "/") + "/oidc", Secrets: secrets, NewSecret: c.flashedSecret(r, a, app.ID),
		Form: settings, SecretForm: NewForm(nil), DeleteForm: NewForm(nil), Framework: frameworkFor(app, "")}, nil
}

func (c *Console) applicationDetails(w http.ResponseWriter, r *http.Request, a *Admin) {
	app, ok := c.appByPath(w, r)
	if !ok {
		return
	}
	d, err := c.details(r, a, app)
	if err != nil {
		c.fail(w, r, "list secrets", err)
		return
	}
	c.show(w, r, a, "applications-details", d)
}

// updateApplication saves the settings form (application.Service.Update, as
// PATCH /api/applications/{id}).
func (c *Console) updateApplication(w http.ResponseWriter, r *http.Request, a *Admin) {
	app, ok := c.appByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	name, desc := r.PostForm.Get("name"), strings.TrimSpace(r.PostForm.Get("description"))
	p := application.Patch{Name: &name, Description: &desc}
	cors := lines(r.PostForm.Get("corsOrigins"))
	p.CORSAllowedOrigins = &cors
	if app.Type != store.AppMachineToMachine {
		redirects, logouts := lines(r.PostForm.Get("redirectUris")), lines(r.PostForm.Get("postLogoutRedirectUris"))
		p.RedirectURIs, p.PostLogoutRedirectURIs = &redirects, &logouts
	}
	_, err := c.o.Applications.Update(r.Context(), app.ID, p)
	if errs, ok := validate.As(err); ok {
		form.FieldErrors(a.Tr, errs, appFields(a.Tr))
	} else if err != nil {
		c.fail(w, r, "update application", err)
		return
	}
	if form.HasErrors() {
		c.detailsAgain(w, r, a, app, func(d *detailsData) { d.Form = form })
		return
	}
	c.done(w, r, "/applications/"+app.ID, "notice.saved")
}

// detailsAgain renders the details page with a 400 after a rejected POST;
// set puts the rejected form in place.
func (c *Console) detailsAgain(w http.ResponseWriter, r *http.Request, a *Admin, app *store.Application, set func(*detailsData)) {
	d, err := c.details(r, a, app)
	if err != nil {
		c.fail(w, r, "list secrets", err)
		return
	}
	set(&d)
	c.render(w, r, a.Lang, http.StatusBadRequest, "applications-details", d)
}

// addSecret makes a new secret (rotation: the old ones stay valid until
// deleted), as POST /api/applications/{id}/secrets, and shows it.
func (c *Console) addSecret(w http.ResponseWriter, r *http.Request, a *Admin) {
	app, ok := c.appByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	name := strings.TrimSpace(r.PostForm.Get("secretName"))
	if name == "" {
		form.Fail("secretName", a.Tr.T("apps.secret_name"), a.Tr.T("form.required"))
	}
	if !form.HasErrors() {
		_, secret, err := c.o.Applications.AddSecret(r.Context(), app.ID, name, nil)
		if errs, ok := validate.As(err); ok {
			form.FieldErrors(a.Tr, errs, func(string) (string, string) { return "secretName", a.Tr.T("apps.secret_name") })
		} else if err != nil {
			c.fail(w, r, "add secret", err)
			return
		} else {
			c.flashSecret(w, a, app.ID, name, secret)
			c.done(w, r, "/applications/"+app.ID+"#secrets", "")
			return
		}
	}
	c.detailsAgain(w, r, a, app, func(d *detailsData) { d.SecretForm = form })
}

// deleteSecret removes a secret by name (DELETE
// /api/applications/{id}/secrets/{name}).
func (c *Console) deleteSecret(w http.ResponseWriter, r *http.Request, a *Admin) {
	app, ok := c.appByPath(w, r)
	if !ok {
		return
	}
	err := c.o.Applications.DeleteSecret(r.Context(), app.ID, r.PostForm.Get("secretName"))
	switch {
	case errors.Is(err, application.ErrSecretNotFound):
		c.notFound(w, r)
	case err != nil:
		c.fail(w, r, "delete secret", err)
	default:
		c.done(w, r, "/applications/"+app.ID, "notice.secret_deleted")
	}
}

// deleteApplication removes the application once its name is typed to
// confirm (works without script), as DELETE /api/applications/{id}.
func (c *Console) deleteApplication(w http.ResponseWriter, r *http.Request, a *Admin) {
	app, ok := c.appByPath(w, r)
	if !ok {
		return
	}
	if r.PostForm.Get("confirmName") != app.Name {
		form := NewForm(r.PostForm)
		form.Fail("confirmName", a.Tr.T("apps.delete_confirm"), a.Tr.T("apps.delete_mismatch"))
		c.detailsAgain(w, r, a, app, func(d *detailsData) { d.DeleteForm = form })
		return
	}
	if err := c.o.Applications.Delete(r.Context(), app.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		c.fail(w, r, "delete application", err)
		return
	}
	c.log(r.Context()).Info("console: application deleted", "application_id", app.ID, "admin", a.User.ID)
	c.done(w, r, "/applications", "notice.app_deleted")
}
