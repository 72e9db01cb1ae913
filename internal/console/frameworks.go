package console

import (
	"html/template"

	"github.com/monban-dev/monban/internal/store"
)

// Framework is a card of the application catalogue ("Create application"):
// what kind of application it creates, how it looks (a text badge: the
// console loads no images from elsewhere), the redirect URIs its guide
// assumes, and the guide shown after creation (a template of guides.html).
type Framework struct {
	ID   string
	Name string
	Type store.ApplicationType
	// Badge and Color draw the logo: a few letters on a colored square
	// (Color is a class of console.css: .logo-badge.<Color>).
	Badge, Color string
	// Guide names the guide template ("guide-flask"); Language is the
	// snippets' language, for the page's labels.
	Guide string
	// RedirectURI and PostLogoutURI prefill the creation form: the values
	// the guide's sample app uses. Empty for machine-to-machine.
	RedirectURI, PostLogoutURI string
	// Featured cards are on the get-started page.
	Featured bool
}

// Logo and TypeLabel let a card be passed to the "logo" block and show
// its type.
func (f Framework) Logo() template.URL { return "" }

// TypeLabel is the phrase key of the card's application type.
func (f Framework) TypeLabel() string { return typeLabel(f.Type) }

func typeLabel(t store.ApplicationType) string {
	switch t {
	case store.AppTraditional:
		return "apptype.traditional"
	case store.AppSPA:
		return "apptype.spa"
	case store.AppNative:
		return "apptype.native"
	case store.AppMachineToMachine:
		return "apptype.m2m"
	}
	return string(t)
}

const (
	web3000    = "http://localhost:3000/callback"
	web3000Out = "http://localhost:3000/"
	nativeURI  = "io.monban.app://callback"
	nativeOut  = "io.monban.app://signed-out"
)

// frameworks is the catalogue, grouped by type in this order. The Flask
// guide mirrors the reference scenario (/shared/seed).
var frameworks = []Framework{
	{ID: "flask", Name: "Flask", Type: store.AppTraditional, Badge: "Py", Color: "py", Guide: "guide-flask", RedirectURI: web3000, PostLogoutURI: web3000Out, Featured: true},
	{ID: "django", Name: "Django", Type: store.AppTraditional, Badge: "Dj", Color: "dj", Guide: "guide-django", RedirectURI: web3000, PostLogoutURI: web3000Out},
	{ID: "express", Name: "Express", Type: store.AppTraditional, Badge: "Ex", Color: "js", Guide: "guide-express", RedirectURI: web3000, PostLogoutURI: web3000Out, Featured: true},
	{ID: "nextjs", Name: "Next.js", Type: store.AppTraditional, Badge: "N", Color: "next", Guide: "guide-nextjs", RedirectURI: web3000, PostLogoutURI: web3000Out, Featured: true},
	{ID: "go", Name: "Go", Type: store.AppTraditional, Badge: "Go", Color: "go", Guide: "guide-go", RedirectURI: web3000, PostLogoutURI: web3000Out, Featured: true},
	{ID: "php", Name: "PHP", Type: store.AppTraditional, Badge: "php", Color: "php", Guide: "guide-traditional", RedirectURI: web3000, PostLogoutURI: web3000Out},
	{ID: "ruby", Name: "Ruby on Rails", Type: store.AppTraditional, Badge: "Rb", Color: "rb", Guide: "guide-traditional", RedirectURI: web3000, PostLogoutURI: web3000Out},
	{ID: "spring-boot", Name: "Spring Boot", Type: store.AppTraditional, Badge: "Jv", Color: "java", Guide: "guide-traditional", RedirectURI: web3000, PostLogoutURI: web3000Out},
	{ID: "aspnet-core", Name: "ASP.NET Core", Type: store.AppTraditional, Badge: ".N", Color: "dotnet", Guide: "guide-traditional", RedirectURI: web3000, PostLogoutURI: web3000Out},
	{ID: "traditional", Name: "Traditional web (other)", Type: store.AppTraditional, Badge: "W", Color: "m2m", Guide: "guide-traditional", RedirectURI: web3000, PostLogoutURI: web3000Out},

	{ID: "react", Name: "React", Type: store.AppSPA, Badge: "Re", Color: "react", Guide: "guide-react", RedirectURI: web3000, PostLogoutURI: web3000Out, Featured: true},
	{ID: "vue", Name: "Vue", Type: store.AppSPA, Badge: "Vue", Color: "vue", Guide: "guide-vue", RedirectURI: web3000, PostLogoutURI: web3000Out},
	{ID: "angular", Name: "Angular", Type: store.AppSPA, Badge: "Ng", Color: "ng", Guide: "guide-spa", RedirectURI: web3000, PostLogoutURI: web3000Out},
	{ID: "vanilla-js", Name: "Vanilla JS", Type: store.AppSPA, Badge: "JS", Color: "js", Guide: "guide-spa", RedirectURI: web3000, PostLogoutURI: web3000Out},

	{ID: "ios", Name: "iOS (Swift)", Type: store.AppNative, Badge: "iOS", Color: "swift", Guide: "guide-native", RedirectURI: nativeURI, PostLogoutURI: nativeOut, Featured: true},
	{ID: "android", Name: "Android", Type: store.AppNative, Badge: "And", Color: "android", Guide: "guide-native", RedirectURI: nativeURI, PostLogoutURI: nativeOut},
	{ID: "react-native", Name: "React Native", Type: store.AppNative, Badge: "RN", Color: "react", Guide: "guide-native", RedirectURI: nativeURI, PostLogoutURI: nativeOut},
	{ID: "flutter", Name: "Flutter", Type: store.AppNative, Badge: "Fl", Color: "go", Guide: "guide-native", RedirectURI: nativeURI, PostLogoutURI: nativeOut},

	{ID: "m2m", Name: "Machine-to-machine", Type: store.AppMachineToMachine, Badge: "M2M", Color: "m2m", Guide: "guide-m2m", Featured: true},
}

// frameworkTypes is the catalogue's grouping order.
var frameworkTypes = []store.ApplicationType{store.AppTraditional, store.AppSPA, store.AppNative, store.AppMachineToMachine}

func frameworkByID(id string) (Framework, bool) {
	for _, f := range frameworks {
		if f.ID == id {
			return f, true
		}
	}
	return Framework{}, false
}

// frameworkFor is the card named id when it fits the application's type
// (the guide page's ?framework=), else the generic card of its type.
func frameworkFor(app *store.Application, id string) Framework {
	if f, ok := frameworkByID(id); ok && f.Type == app.Type {
		return f
	}
	generic := map[store.ApplicationType]string{store.AppTraditional: "traditional", store.AppSPA: "vanilla-js",
		store.AppNative: "ios", store.AppMachineToMachine: "m2m"}[app.Type]
	f, _ := frameworkByID(generic)
	return f
}
