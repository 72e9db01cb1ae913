package console

import (
	"encoding/json"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/monban-dev/monban/internal/connector"
	"github.com/monban-dev/monban/internal/store"
	"github.com/monban-dev/monban/internal/validate"
)

// Connectors: the configured ones and the catalogue (social factories with
// their logos; email and SMS, which are server configuration), the form
// rendered from a factory's formItems, the callback URL to register at
// the provider, and whether the connector is a button of the sign-in page
// (the sign-in experience's socialSignInConnectorTargets). Every change goes
// through connector.Service and signinexp.Service, as /api/connectors and
// PATCH /api/sign-in-exp do. Social connectors have no test (signing in is
// the test); the email and SMS connectors get a "send a test message" form
// (testmessage.go), as POST /api/connectors/test-message.
func (c *Console) connectorRoutes(rt *router) {
	rt.Page("/console/connectors", c.connectors)
	rt.Page("/console/connectors/new", c.connectorCreateForm)
	rt.Action("/console/connectors/test-message", c.sendTestMessage)
	rt.Action("/console/connectors", c.createConnector)
	rt.Page("/console/connectors/{id}", c.connectorDetails)
	rt.Action("/console/connectors/{id}", c.updateConnector)
	rt.Action("/console/connectors/{id}/sign-in", c.connectorSignIn)
	rt.Action("/console/connectors/{id}/delete", c.deleteConnector)
}

// factoryCard is a factory as the catalogue shows it.
type factoryCard struct {
	ID, Name, Description string
	Logo                  template.URL
	Configured            string // id of its configured connector, "" for none
}

// logoURL lets a factory's logo into an <img src>: html/template refuses
// data: URIs unless told, and factories' logos are data:image/ URIs or
// https URLs written in our code (connectortest checks every factory).
func logoURL(s string) template.URL {
	if strings.HasPrefix(s, "data:image/") || strings.HasPrefix(s, "https://") {
		return template.URL(s)
	}
	return ""
}

func localized(m map[string]string, lang string) string {
	if s := m[lang]; s != "" {
		return s
	}
	return m["en"]
}

type connectorRow struct {
	*connector.Configured
	Name     string
	Logo     template.URL
	OnSignIn bool
}

type connectorsData struct {
	Page
	Social                         []connectorRow
	Catalogue                      []factoryCard
	EmailConfigured, SMSConfigured bool
	// TestForm is the test-message form (nil when there is no connector
	// to test), kept with its errors when a send was refused.
	TestForm *Form
}

func (c *Console) connectors(w http.ResponseWriter, r *http.Request, a *Admin) {
	c.connectorsPage(w, r, a, http.StatusOK, nil)
}

// connectorsPage renders the connectors page with status; test is the
// test-message form as submitted (nil: a fresh one).
func (c *Console) connectorsPage(w http.ResponseWriter, r *http.Request, a *Admin, status int, test *Form) {
	list, err := c.o.Connectors.List(r.Context())
	if err != nil {
		c.fail(w, r, "list connectors", err)
		return
	}
	x, err := c.o.SignInExperience.Get(r.Context())
	if err != nil {
		c.fail(w, r, "load sign-in experience", err)
		return
	}
	d := connectorsData{Page: c.page(r, a, "connectors", "conn.title"), EmailConfigured: c.o.EmailConfigured, SMSConfigured: c.o.SMSConfigured}
	byFactory := map[string]string{}
	for _, cn := range list {
		byFactory[cn.FactoryID] = cn.ID
		if cn.Factory == nil || cn.Factory.Type == "" || cn.Factory.Type == connector.KindSocial {
			d.Social = append(d.Social, connectorRow{Configured: cn, Name: connectorName(cn, a.Lang), Logo: logoURL(cn.Factory.Logo),
				OnSignIn: slices.Contains(x.SocialSignInConnectorTargets, cn.Target)})
		}
	}
	for _, f := range connector.Factories() {
		if f.Type != connector.KindSocial {
			continue
		}
		card := factoryCard{ID: f.ID, Name: localized(f.Name, a.Lang), Description: localized(f.Description, a.Lang), Logo: logoURL(f.Logo)}
		if !f.IsStandard {
			card.Configured = byFactory[f.ID]
		}
		d.Catalogue = append(d.Catalogue, card)
	}
	if c.o.Verification != nil && (d.EmailConfigured || d.SMSConfigured) {
		d.TestForm = test
		if d.TestForm == nil {
			d.TestForm = NewForm(url.Values{})
		}
	}
	c.render(w, r, a.Lang, status, "connectors", d)
}

func connectorName(cn *connector.Configured, lang string) string {
	if n, ok := cn.Metadata["name"].(string); ok && n != "" {
		return n
	}
	if cn.Factory != nil && len(cn.Factory.Name) > 0 {
		return localized(cn.Factory.Name, lang)
	}
	return cn.FactoryID
}

// configField is one formItem rendered as a form field.
type configField struct {
	connector.FormItem
	// Name is the form field's name: "config.<key>".
	Name string
	// Input is how it is drawn: text, number, password, textarea, checkbox,
	// select, multiselect.
	Input   string
	Options []connector.SelectItem
	// Stored: a confidential value is stored (the field is left empty to
	// keep it).
	Stored bool
}

func configFields(f *connector.Factory, stored map[string]any) []configField {
	var out []configField
	for _, it := range f.FormItems {
		cf := configField{FormItem: it, Name: "config." + it.Key, Options: it.SelectItems}
		switch it.Type {
		case connector.MultilineText, connector.JSON:
			cf.Input = "textarea"
		case connector.Number:
			cf.Input = "number"
		case connector.Switch:
			cf.Input = "checkbox"
		case connector.Select:
			cf.Input = "select"
		case connector.MultiSelect:
			cf.Input = "multiselect"
		default:
			cf.Input = "text"
		}
		if it.IsConfidential && cf.Input == "text" {
			cf.Input = "password"
		}
		if v, ok := stored[it.Key]; ok && it.IsConfidential && v == connector.Masked {
			cf.Stored = true
		}
		out = append(out, cf)
	}
	return out
}

// configValues fills a form from a stored (masked) config, or from the
// factory's defaults for a new connector.
func configValues(form *Form, f *connector.Factory, cfg map[string]any) {
	for _, it := range f.FormItems {
		v, ok := cfg[it.Key]
		if !ok {
			v = it.DefaultValue
		}
		name := "config." + it.Key
		switch val := v.(type) {
		case nil:
		case string:
			if it.IsConfidential {
				continue // never written into the page
			}
			form.Values.Set(name, val)
		case bool:
			if val {
				form.Values.Set(name, "on")
			}
		case []any:
			for _, e := range val {
				if s, ok := e.(string); ok {
					form.Values.Add(name, s)
				}
			}
		case map[string]any:
			b, _ := json.MarshalIndent(val, "", "  ")
			form.Values.Set(name, string(b))
		default:
			b, _ := json.Marshal(val)
			form.Values.Set(name, string(b))
		}
	}
}

// parseConfig turns the posted form into a config for connector.Service:
// types converted per formItem (a value that cannot be converted is a
// field error), an empty confidential field kept as stored (Masked) when
// keep is true.
func parseConfig(form *Form, tr translator, f *connector.Factory, keep bool) map[string]any {
	cfg := map[string]any{}
	for _, it := range f.FormItems {
		name := "config." + it.Key
		raw := strings.TrimSpace(form.Get(name))
		switch it.Type {
		case connector.Switch:
			cfg[it.Key] = form.Checked(name)
		case connector.MultiSelect:
			list := []any{}
			for _, v := range form.Values[name] {
				list = append(list, v)
			}
			cfg[it.Key] = list
		case connector.Number:
			if raw == "" {
				continue
			}
			n, err := strconv.ParseFloat(raw, 64)
			if err != nil {
				form.Fail(name, it.Label, tr.T("conn.not_a_number"))
				continue
			}
			cfg[it.Key] = n
		case connector.JSON:
			if raw == "" {
				continue
			}
			var v any
			if err := json.Unmarshal([]byte(raw), &v); err != nil {
				form.Fail(name, it.Label, tr.T("conn.not_json"))
				continue
			}
			cfg[it.Key] = v
		default:
			if raw == "" && it.IsConfidential && keep {
				cfg[it.Key] = connector.Masked
				continue
			}
			if raw != "" {
				cfg[it.Key] = raw
			}
		}
	}
	return cfg
}

func configErrors(f *connector.Factory) fieldMap {
	return func(apiField string) (string, string) {
		key, ok := strings.CutPrefix(apiField, "config.")
		if !ok {
			return "", ""
		}
		for _, it := range f.FormItems {
			if it.Key == key {
				return apiField, it.Label
			}
		}
		return "", ""
	}
}

type connectorFormData struct {
	Page
	Factory     *connector.Factory
	Name        string
	Description string
	Logo        template.URL
	Fields      []configField
	Form        *Form
	// CallbackPattern is {endpoint}/callback/ (the id follows once saved).
	CallbackPattern string
}

func (c *Console) connectorCreateForm(w http.ResponseWriter, r *http.Request, a *Admin) {
	f, ok := connector.Lookup(r.URL.Query().Get("factory"))
	if !ok || f.Type != connector.KindSocial {
		c.notFound(w, r)
		return
	}
	form := NewForm(nil)
	configValues(form, f, map[string]any{})
	form.Values.Set("syncProfile", "")
	c.show(w, r, a, "connectors-create", c.connectorFormData(r, a, f, form))
}

func (c *Console) connectorFormData(r *http.Request, a *Admin, f *connector.Factory, form *Form) connectorFormData {
	name := localized(f.Name, a.Lang)
	return connectorFormData{Page: c.page(r, a, "connectors", "conn.add", "name", name), Factory: f, Name: name,
		Description: localized(f.Description, a.Lang), Logo: logoURL(f.Logo), Fields: configFields(f, nil), Form: form,
		CallbackPattern: strings.TrimRight(c.o.Endpoint, "/") + "/callback/"}
}

// createConnector is POST /api/connectors through the console.
func (c *Console) createConnector(w http.ResponseWriter, r *http.Request, a *Admin) {
	f, ok := connector.Lookup(r.PostForm.Get("factory"))
	if !ok || f.Type != connector.KindSocial {
		c.errorPage(w, r, http.StatusBadRequest, "error.bad_request")
		return
	}
	form := NewForm(r.PostForm)
	cfg := parseConfig(form, a.Tr, f, false)
	var created *connector.Configured
	if !form.HasErrors() {
		var err error
		created, err = c.o.Connectors.Create(r.Context(), f.ID, cfg, nil, form.Checked("syncProfile"))
		if errs, ok := validate.As(err); ok {
			form.FieldErrors(a.Tr, errs, configErrors(f))
		} else if err != nil {
			c.fail(w, r, "create connector", err)
			return
		}
	}
	if form.HasErrors() {
		for _, it := range f.FormItems {
			if it.IsConfidential {
				form.Values.Del("config." + it.Key)
			}
		}
		d := c.connectorFormData(r, a, f, form)
		c.render(w, r, a.Lang, http.StatusBadRequest, "connectors-create", d)
		return
	}
	c.log(r.Context()).Info("console: connector created", "connector_id", created.ID, "factory", f.ID, "admin", a.User.ID)
	c.done(w, r, "/connectors/"+created.ID, "notice.connector_created")
}

type connectorDetailsData struct {
	Page
	Connector   *connector.Configured
	Name        string
	Logo        template.URL
	CallbackURL string
	Fields      []configField
	Form        *Form
	OnSignIn    bool
	SignInError string
	DeleteForm  *Form
}

func (c *Console) connectorByPath(w http.ResponseWriter, r *http.Request) (*connector.Configured, bool) {
	cn, err := c.o.Connectors.Get(r.Context(), r.PathValue("id"))
	if errors.Is(err, store.ErrNotFound) {
		c.notFound(w, r)
		return nil, false
	}
	if err != nil {
		c.fail(w, r, "load connector", err)
		return nil, false
	}
	if cn.Factory == nil || len(cn.Factory.FormItems) == 0 && cn.Factory.Type == "" {
		c.notFound(w, r) // a factory this build does not have
		return nil, false
	}
	return cn, true
}

func (c *Console) connectorDetailsData(r *http.Request, a *Admin, cn *connector.Configured) (connectorDetailsData, error) {
	x, err := c.o.SignInExperience.Get(r.Context())
	if err != nil {
		return connectorDetailsData{}, err
	}
	form := NewForm(nil)
	configValues(form, cn.Factory, cn.Config)
	if cn.SyncProfile {
		form.Values.Set("syncProfile", "on")
	}
	name := connectorName(cn, a.Lang)
	return connectorDetailsData{Page: c.page(r, a, "connectors", "conn.details", "name", name), Connector: cn, Name: name,
		Logo: logoURL(cn.Factory.Logo), CallbackURL: strings.TrimRight(c.o.Endpoint, "/") + "/callback/" + cn.ID,
		Fields: configFields(cn.Factory, cn.Config), Form: form, DeleteForm: NewForm(nil),
		OnSignIn: slices.Contains(x.SocialSignInConnectorTargets, cn.Target)}, nil
}

func (c *Console) connectorDetails(w http.ResponseWriter, r *http.Request, a *Admin) {
	cn, ok := c.connectorByPath(w, r)
	if !ok {
		return
	}
	d, err := c.connectorDetailsData(r, a, cn)
	if err != nil {
		c.fail(w, r, "connector details", err)
		return
	}
	c.show(w, r, a, "connectors-details", d)
}

func (c *Console) connectorAgain(w http.ResponseWriter, r *http.Request, a *Admin, cn *connector.Configured, set func(*connectorDetailsData)) {
	d, err := c.connectorDetailsData(r, a, cn)
	if err != nil {
		c.fail(w, r, "connector details", err)
		return
	}
	set(&d)
	c.render(w, r, a.Lang, http.StatusBadRequest, "connectors-details", d)
}

// updateConnector saves the configuration (PATCH /api/connectors/{id}); an
// empty confidential field keeps the stored value.
func (c *Console) updateConnector(w http.ResponseWriter, r *http.Request, a *Admin) {
	cn, ok := c.connectorByPath(w, r)
	if !ok {
		return
	}
	form := NewForm(r.PostForm)
	cfg := parseConfig(form, a.Tr, cn.Factory, true)
	sync := form.Checked("syncProfile")
	if !form.HasErrors() {
		var err error
		for range 3 { // a concurrent change: retry on the fresh row
			if _, err = c.o.Connectors.Update(r.Context(), cn.ID, connector.Update{Config: cfg, SyncProfile: &sync}); !errors.Is(err, store.ErrStale) {
				break
			}
		}
		if errs, ok := validate.As(err); ok {
			form.FieldErrors(a.Tr, errs, configErrors(cn.Factory))
		} else if err != nil {
			c.fail(w, r, "update connector", err)
			return
		}
	}
	if form.HasErrors() {
		for _, it := range cn.Factory.FormItems {
			if it.IsConfidential {
				form.Values.Del("config." + it.Key)
			}
		}
		c.connectorAgain(w, r, a, cn, func(d *connectorDetailsData) { d.Form = form })
		return
	}
	c.done(w, r, "/connectors/"+cn.ID, "notice.saved")
}

// connectorSignIn adds the connector's target to the sign-in page's social
// buttons, or removes it (PATCH /api/sign-in-exp
// {socialSignInConnectorTargets}).
func (c *Console) connectorSignIn(w http.ResponseWriter, r *http.Request, a *Admin) {
	cn, ok := c.connectorByPath(w, r)
	if !ok {
		return
	}
	x, err := c.o.SignInExperience.Get(r.Context())
	if err != nil {
		c.fail(w, r, "load sign-in experience", err)
		return
	}
	targets := slices.DeleteFunc(slices.Clone(x.SocialSignInConnectorTargets), func(t string) bool { return t == cn.Target })
	if r.PostForm.Get("show") == "on" {
		targets = append(targets, cn.Target)
	}
	patch, _ := json.Marshal(map[string]any{"socialSignInConnectorTargets": targets})
	_, err = c.o.SignInExperience.Patch(r.Context(), patch)
	if errs, ok := validate.As(err); ok {
		msgs := make([]string, len(errs))
		for i, fe := range errs {
			msgs[i] = message(a.Tr, fe)
		}
		c.connectorAgain(w, r, a, cn, func(d *connectorDetailsData) { d.SignInError = strings.Join(msgs, " ") })
		return
	}
	if err != nil {
		c.fail(w, r, "update sign-in experience", err)
		return
	}
	notice := "notice.connector_hidden"
	if r.PostForm.Get("show") == "on" {
		notice = "notice.connector_shown"
	}
	c.done(w, r, "/connectors/"+cn.ID, notice)
}

// deleteConnector removes the connector (DELETE /api/connectors/{id}) once
// its name is typed. A target left in socialSignInConnectorTargets shows
// no button without a connector (as in Logto).
func (c *Console) deleteConnector(w http.ResponseWriter, r *http.Request, a *Admin) {
	cn, ok := c.connectorByPath(w, r)
	if !ok {
		return
	}
	if strings.TrimSpace(r.PostForm.Get("confirmName")) != connectorName(cn, a.Lang) {
		form := NewForm(r.PostForm)
		form.Fail("confirmName", a.Tr.T("conn.delete_confirm"), a.Tr.T("conn.delete_mismatch"))
		c.connectorAgain(w, r, a, cn, func(d *connectorDetailsData) { d.DeleteForm = form })
		return
	}
	if err := c.o.Connectors.Delete(r.Context(), cn.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		c.fail(w, r, "delete connector", err)
		return
	}
	c.log(r.Context()).Info("console: connector deleted", "connector_id", cn.ID, "admin", a.User.ID)
	c.done(w, r, "/connectors", "notice.connector_deleted")
}
