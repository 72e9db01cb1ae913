// Package apiauth protects an HTTP API with the access tokens Monban issues:
// net/http middleware that validates them against Monban's signing keys
// (JWKS), with no call to Monban per request.
//
// Monban (like Logto) issues a JWT access token (RFC 9068, header typ
// "at+jwt") whenever the client asks for a registered API resource:
// resource=https://api.bookstore.example in the authorization request and
// the token request, or in a client_credentials request. The token's "aud"
// is that indicator and its "scope" the permissions granted for it.
//
// A Validator accepts a token only when all of these hold:
//
//   - it is a JWS in compact form whose header typ is at+jwt (or
//     application/at+jwt); ID tokens (typ JWT) and opaque tokens are refused;
//   - its alg is RS256, PS256, ES256, ES384 or ES512 ("none" and the HMAC
//     algorithms are refused) and fits the key: the key's published alg if
//     any, and the key's type and curve;
//   - its kid names a key of the issuer's JWKS, which verifies the
//     signature; keys are never taken from the token (jwk, jku, x5u) and
//     critical headers are refused;
//   - iss equals Config.Issuer exactly, and aud (a string or an array)
//     contains Config.Audience;
//   - exp is present and not past, nbf (if any) is not in the future, iat
//     (if any) is not in the future, each with Config.Leeway (30 s by
//     default);
//   - sub is present.
//
// Require additionally checks scopes and answers refusals as RFC 6750 §3
// says (401 invalid_token, 403 insufficient_scope with the scopes needed).
//
// # Keys
//
// New discovers the JWKS from {Issuer}/.well-known/openid-configuration
// (or uses Config.JWKSURL) and fetches it once. After that the keys are
// fetched again, with If-None-Match, when the server's Cache-Control
// max-age (Monban: 5 minutes) has passed, at most every
// Config.RefreshInterval (1 h); and when a token names a kid not in the
// set, so a key rotated in is picked up at once. Whatever the cause, the
// keys are never fetched twice within Config.MinRefreshInterval (30 s), so
// tokens with made-up kids cannot turn the API into a load generator
// against Monban. A failed fetch keeps the keys already known; a key
// Monban stops publishing stops being accepted at the next successful
// fetch.
//
// # Example
//
// A bookstore API whose GET /books needs the read:books permission of the
// API resource https://api.bookstore.example:
//
//	v, err := apiauth.New(ctx, apiauth.Config{
//		Issuer:   "https://auth.example.com/oidc", // Monban's endpoint + /oidc
//		Audience: "https://api.bookstore.example", // the API resource's indicator
//	})
//	if err != nil {
//		log.Fatal(err)
//	}
//	mux := http.NewServeMux()
//	mux.Handle("GET /books", v.Require("read:books")(http.HandlerFunc(
//		func(w http.ResponseWriter, r *http.Request) {
//			claims, _ := apiauth.FromContext(r.Context())
//			fmt.Fprintf(w, "books for %s\n", claims.Subject)
//		})))
//	log.Fatal(http.ListenAndServe(":8080", mux))
//
// A client then calls the API with the token Monban gave it for that
// resource:
//
//	curl -H "Authorization: Bearer $ACCESS_TOKEN" http://localhost:8080/books
//
// Validate is there for other transports (gRPC metadata, WebSocket
// subprotocols, message queues): it takes the bare token and returns its
// Claims or an error wrapping ErrInvalidToken.
package apiauth
