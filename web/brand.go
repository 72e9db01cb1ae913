package web

import (
	"context"
	"net/url"
	"strings"
)

// Brand is the look the sign-in experience gives every page: the
// administrator's logo (and its dark-mode variant), favicon, a same-origin
// stylesheet carrying the primary color and the custom CSS, and whether
// the pages follow the system's dark mode. The zero Brand is Monban's own
// look.
//
// Images are https URLs on other origins: Render adds their origins to the
// CSP's img-src (ImageSource). Nothing here can put markup or inline style
// into a page: the colors and the custom CSS reach the browser only through
// StyleURL, a stylesheet of this server, so the CSP keeps style-src 'self'.
type Brand struct {
	LogoURL     string
	DarkLogoURL string
	Favicon     string
	DarkFavicon string
	// StyleURL is the branding stylesheet with the base path, e.g.
	// "/auth/custom.css?v=3f2a"; "" for none.
	StyleURL string
	// LightOnly turns dark mode off: the pages ignore the system's
	// preference and the dark logo and favicon are not used.
	LightOnly bool
}

// brandKey is the context key of a request's Brand source.
type brandKey struct{}

// WithBrand returns ctx carrying brand, a function Render calls (at most
// once per page) when the page's data has no Brand of its own. Pages the
// OIDC front door renders (error pages, the signed-out page) get the sign-in
// experience's look this way; loading it lazily keeps requests that render
// no page (token, JWKS) from paying for it.
func WithBrand(ctx context.Context, brand func(context.Context) *Brand) context.Context {
	return context.WithValue(ctx, brandKey{}, brand)
}

// brandOf returns the Brand of ctx (see WithBrand), or nil.
func brandOf(ctx context.Context) *Brand {
	if f, ok := ctx.Value(brandKey{}).(func(context.Context) *Brand); ok && f != nil {
		return f(ctx)
	}
	return nil
}

// ImageSource turns an image URL into the CSP source expression that allows
// it: "https://host[:port]", or "" for anything but a well-formed https URL
// (a branding image is never loaded over http, from data: or javascript:).
func ImageSource(rawURL string) string {
	u, err := url.Parse(rawURL)
	if err != nil || !strings.EqualFold(u.Scheme, "https") || u.Host == "" || u.User != nil {
		return ""
	}
	src := "https://" + strings.ToLower(u.Host)
	if !safeSource(src) {
		return ""
	}
	return src
}

// imageSources are the CSP img-src sources the brand's images need.
func (b *Brand) imageSources() []string {
	if b == nil {
		return nil
	}
	var out []string
	for _, u := range []string{b.LogoURL, b.DarkLogoURL, b.Favicon, b.DarkFavicon} {
		if u == "" {
			continue
		}
		if src := ImageSource(u); src != "" {
			out = append(out, src)
		}
	}
	return out
}

// usable returns b with every image that its CSP source would refuse
// removed, so a page never shows a broken image.
func (b *Brand) usable() *Brand {
	if b == nil {
		return nil
	}
	c := *b
	for _, u := range []*string{&c.LogoURL, &c.DarkLogoURL, &c.Favicon, &c.DarkFavicon} {
		if *u != "" && ImageSource(*u) == "" {
			*u = ""
		}
	}
	if c.LightOnly {
		c.DarkLogoURL, c.DarkFavicon = "", ""
	}
	return &c
}
